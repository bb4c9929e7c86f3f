"""Dates as each language writes them in documents."""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date as babel_format_date

# Excel number formats matching `format_date`.
EXCEL_DATE_FORMATS = {"fr": "DD/MM/YYYY", "en": "YYYY-MM-DD"}


def format_date(value: dt.date | None, lang: str) -> str:
    """A date in a data file (CSV): 31/01/2026 in French, ISO 8601 (2026-01-31) in English, as spreadsheets read
    them; "" for None. Documents people read write dates in words (`format_long_date`)."""
    if value is None:
        return ""
    return value.strftime("%d/%m/%Y") if lang == "fr" else value.isoformat()


def format_long_date(value: dt.date | None, lang: str) -> str:
    """A date in words: "1er janvier 2026", "1 January 2026" (British order); "" for None."""
    if value is None:
        return ""
    if lang == "fr":
        text = str(babel_format_date(value, "long", locale="fr"))
        # French writes the first day of a month as an ordinal.
        return "1er" + text[1:] if value.day == 1 else text
    return str(babel_format_date(value, "long", locale="en_GB"))
