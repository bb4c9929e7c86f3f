import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registre.core.deadlines import days_deadline, days_left, is_working_day, next_working_day, response_deadline


def test_a_request_received_on_the_15th_is_due_on_the_15th_of_the_next_month():
    # 2026-03-16 is a Monday.
    assert response_deadline(dt.date(2026, 2, 16)) == dt.date(2026, 3, 16)


def test_a_missing_day_means_the_last_day_of_the_month():
    # 2026-02-28 is a Saturday: the last day is the 28th, then the next working day.
    assert response_deadline(dt.date(2026, 1, 31)) == dt.date(2026, 3, 2)
    # 2028-02-29 is a Tuesday in a leap year.
    assert response_deadline(dt.date(2028, 1, 31)) == dt.date(2028, 2, 29)


def test_a_period_ending_on_a_weekend_ends_on_the_next_working_day():
    # 2026-12-05 is a Saturday.
    assert response_deadline(dt.date(2026, 11, 5)) == dt.date(2026, 12, 7)


def test_a_period_ending_on_a_public_holiday_ends_on_the_next_working_day():
    # 2026-07-14 (Bastille Day) is a Tuesday.
    assert response_deadline(dt.date(2026, 6, 14)) == dt.date(2026, 7, 15)
    # Christmas 2026 is a Friday: the weekend follows, then Monday the 28th.
    assert response_deadline(dt.date(2026, 11, 25)) == dt.date(2026, 12, 28)


def test_holidays_are_those_of_the_controllers_country():
    # 2026-10-03 is German Unity Day (a Saturday); 2026-05-08 is a holiday in France, not in Germany.
    assert response_deadline(dt.date(2026, 4, 8), country="FR") == dt.date(2026, 5, 11)
    assert response_deadline(dt.date(2026, 4, 8), country="DE") == dt.date(2026, 5, 8)


def test_the_extension_adds_up_to_two_months():
    assert response_deadline(dt.date(2026, 2, 16), extension_months=2) == dt.date(2026, 5, 18)
    with pytest.raises(ValueError, match="at most 2 months"):
        response_deadline(dt.date(2026, 2, 16), extension_months=3)


def test_a_period_in_days_does_not_count_the_first_day():
    # Ten days from Friday 2026-01-02: Monday 2026-01-12.
    assert days_deadline(dt.date(2026, 1, 2), 10) == dt.date(2026, 1, 12)


def test_days_left_is_negative_once_the_deadline_has_passed():
    assert days_left(dt.date(2026, 3, 16), dt.date(2026, 3, 16)) == 0
    assert days_left(dt.date(2026, 3, 16), dt.date(2026, 3, 18)) == -2


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_the_deadline_is_a_working_day_at_least_28_days_and_at_most_35_days_away(received):
    deadline = response_deadline(received)
    assert is_working_day(deadline)
    assert 28 <= (deadline - received).days <= 35
    assert next_working_day(deadline) == deadline


def test_a_promise_of_30_days_is_tracked_when_it_comes_before_the_month():
    from registre.core.deadlines import PROMISE, tracked_deadline

    tracked = tracked_deadline(dt.date(2027, 3, 15), promised_days=30)
    assert (tracked.legal, tracked.promised) == (dt.date(2027, 4, 15), dt.date(2027, 4, 14))
    assert tracked.due == dt.date(2027, 4, 14) and tracked.basis == PROMISE


def test_the_law_applies_when_the_promise_is_later_or_absent():
    from registre.core.deadlines import LEGAL, tracked_deadline

    # February: one month (28 days) is shorter than 30 days.
    tracked = tracked_deadline(dt.date(2027, 2, 1), promised_days=30)
    assert tracked.due == response_deadline(dt.date(2027, 2, 1)) and tracked.basis == LEGAL
    assert tracked_deadline(dt.date(2027, 3, 15)).basis == LEGAL


@given(st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2035, 12, 31)), st.integers(1, 60))
def test_the_tracked_deadline_is_never_after_either_rule(received, days):
    from registre.core.deadlines import tracked_deadline

    tracked = tracked_deadline(received, promised_days=days)
    assert tracked.due == min(response_deadline(received), days_deadline(received, days))
