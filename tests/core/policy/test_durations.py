import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registre.core.policy.durations import Duration


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("P3Y", Duration(years=3)),
        ("P6M", Duration(months=6)),
        ("P10D", Duration(days=10)),
        ("P1Y6M", Duration(years=1, months=6)),
        ("P2W", Duration(weeks=2)),
    ],
)
def test_it_parses_iso_8601_durations(text, expected):
    assert Duration.parse(text) == expected
    assert str(expected) == text


@pytest.mark.parametrize("text", ["", "P", "3Y", "P3", "PT5H", "P-1Y", "3 years"])
def test_it_rejects_anything_else(text):
    with pytest.raises(ValueError, match="ISO 8601"):
        Duration.parse(text)


def test_a_month_after_january_31_is_the_last_day_of_february():
    assert Duration(months=1).add_to(dt.date(2026, 1, 31)) == dt.date(2026, 2, 28)
    assert Duration(months=1).add_to(dt.date(2028, 1, 31)) == dt.date(2028, 2, 29)


def test_years_from_february_29_end_on_february_28():
    assert Duration(years=1).add_to(dt.date(2028, 2, 29)) == dt.date(2029, 2, 28)


def test_days_and_weeks_are_added_after_months():
    assert Duration(months=1, days=10).add_to(dt.date(2026, 1, 31)) == dt.date(2026, 3, 10)


@given(
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 1, 1)),
    st.integers(0, 50),
    st.integers(0, 24),
)
def test_subtracting_whole_years_and_months_undoes_adding_them_on_early_days(start, years, months):
    start = start.replace(day=min(start.day, 28))
    duration = Duration(years=years, months=months)
    assert duration.subtract_from(duration.add_to(start)) == start
