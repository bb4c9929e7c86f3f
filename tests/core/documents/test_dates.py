"""Dates as each language writes them."""

from __future__ import annotations

import datetime as dt

from registre.core.documents.dates import format_date, format_long_date


def test_short_dates_are_day_first_in_french_and_iso_in_english() -> None:
    assert format_date(dt.date(2026, 1, 31), "fr") == "31/01/2026"
    assert format_date(dt.date(2026, 1, 31), "en") == "2026-01-31"
    assert format_date(None, "fr") == ""


def test_the_first_of_the_month_is_an_ordinal_in_french() -> None:
    assert format_long_date(dt.date(2026, 1, 1), "fr") == "1er janvier 2026"
    assert format_long_date(dt.date(2026, 1, 11), "fr") == "11 janvier 2026"
    assert format_long_date(dt.date(2026, 1, 1), "en") == "1 January 2026"
    assert format_long_date(None, "en") == ""
