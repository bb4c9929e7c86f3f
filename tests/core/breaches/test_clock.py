"""The clocks of a breach: 72 hours in hours (weekends included), the client's delay, lateness, reminders."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from registre.core.breaches import (
    CLIENT_TARGET_HOURS,
    ClockStatus,
    authority_clock,
    client_clock,
    crossed_reminders,
    require_delay_reasons,
)

PARIS = ZoneInfo("Europe/Paris")
FRIDAY_5PM = dt.datetime(2026, 12, 4, 17, 0, tzinfo=PARIS)


def test_the_authority_clock_runs_72_hours_across_a_weekend():
    clock = authority_clock(FRIDAY_5PM)
    assert clock.due_at == dt.datetime(2026, 12, 7, 17, 0, tzinfo=PARIS)  # Monday 17:00, not Wednesday
    assert clock.due_at.weekday() == 0
    assert clock.hours == 72


def test_the_authority_clock_counts_hours_across_a_change_of_clock_time():
    # 72 hours of real time: the night the clocks go back in Paris has 25 hours.
    aware = dt.datetime(2026, 10, 24, 12, 0, tzinfo=PARIS)
    due = authority_clock(aware).due_at
    assert (due - aware).total_seconds() == 72 * 3600


def test_the_client_clock_takes_the_dpa_delay_when_declared():
    clock = client_clock(FRIDAY_5PM, 48)
    assert clock.due_at == FRIDAY_5PM + dt.timedelta(hours=48)
    assert clock.declared


def test_without_a_declared_delay_the_client_clock_aims_at_the_target():
    clock = client_clock(FRIDAY_5PM)
    assert clock.due_at == FRIDAY_5PM + dt.timedelta(hours=CLIENT_TARGET_HOURS)
    assert not clock.declared


def test_a_naive_moment_or_a_negative_delay_is_refused():
    with pytest.raises(ValueError, match="time zone"):
        authority_clock(dt.datetime(2026, 12, 4, 17))
    with pytest.raises(ValueError, match="negative"):
        client_clock(FRIDAY_5PM, -1)


@pytest.mark.parametrize(
    ("hours_after", "status"),
    [(1, ClockStatus.RUNNING), (50, ClockStatus.SOON), (71, ClockStatus.SOON), (73, ClockStatus.OVERDUE)],
)
def test_the_status_follows_the_time_left(hours_after, status):
    clock = authority_clock(FRIDAY_5PM)
    assert clock.status(FRIDAY_5PM + dt.timedelta(hours=hours_after)) == status


def test_a_notification_after_the_deadline_is_late():
    clock = authority_clock(FRIDAY_5PM)
    on_monday_morning = dt.datetime(2026, 12, 7, 9, 0, tzinfo=PARIS)
    on_tuesday = dt.datetime(2026, 12, 8, 9, 0, tzinfo=PARIS)
    assert clock.status(on_tuesday, on_monday_morning) == ClockStatus.DONE
    assert clock.status(on_tuesday, on_tuesday) == ClockStatus.DONE_LATE


def test_a_late_notification_needs_its_reasons():
    clock = authority_clock(FRIDAY_5PM)
    late = FRIDAY_5PM + dt.timedelta(hours=80)
    with pytest.raises(ValueError, match="reasons"):
        require_delay_reasons(clock, late, "  ")
    require_delay_reasons(clock, late, "The forensic analysis took the weekend.")
    require_delay_reasons(clock, FRIDAY_5PM + dt.timedelta(hours=10), "")


def test_a_notification_cannot_precede_awareness():
    with pytest.raises(ValueError, match="precede"):
        require_delay_reasons(authority_clock(FRIDAY_5PM), FRIDAY_5PM - dt.timedelta(hours=1), "")


def test_reminders_are_the_thresholds_crossed_and_not_yet_sent():
    clock = authority_clock(FRIDAY_5PM)
    assert crossed_reminders(clock, FRIDAY_5PM + dt.timedelta(hours=1), []) == []
    assert crossed_reminders(clock, FRIDAY_5PM + dt.timedelta(hours=25), []) == [48]
    assert crossed_reminders(clock, FRIDAY_5PM + dt.timedelta(hours=61), [48]) == [24, 12]
    assert crossed_reminders(clock, FRIDAY_5PM + dt.timedelta(hours=73), [48, 24, 12]) == [6, 2, 1, 0]
    assert crossed_reminders(clock, FRIDAY_5PM + dt.timedelta(hours=90), [48, 24, 12, 6, 2, 1, 0]) == []
