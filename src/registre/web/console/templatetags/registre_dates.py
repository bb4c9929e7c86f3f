"""`localised_date`: a date (or an ISO date kept in JSON) in the one format of the active language."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils.formats import date_format

register = template.Library()


@register.filter
def localised_date(value: object) -> str:
    """« 2 décembre 2026 » or "2 December 2026"; an empty text for no date, the value itself if not a date."""
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, dt.datetime | dt.date):
        return date_format(value, "DATE_FORMAT")
    return str(value)
