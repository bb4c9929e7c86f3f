"""The clocks of a breach: when each notification is due, how much time is left, which reminders are due.

Art. 33(1) GDPR: the controller notifies the supervisory authority "without
undue delay and, where feasible, not later than 72 hours after having become
aware of it"; a later notification states the reasons for the delay. The 72
hours are counted in hours: Regulation 1182/71 moves the end of a period to
the next working day only for periods not expressed in hours (Art. 3(4)),
so nights, weekends and public holidays count.

Art. 33(2): the processor notifies the controller "without undue delay after
becoming aware". A DPA may fix that delay in hours (`notices.breach_client_hours`);
without one, the clock aims at CLIENT_TARGET_HOURS, so that the client keeps
most of its own 72 hours.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

AUTHORITY_HOURS = 72
CLIENT_TARGET_HOURS = 24
# Hours left at which the DPO is reminded; 0 is the deadline itself.
REMINDER_HOURS = (48, 24, 12, 6, 2, 1, 0)
SOON = dt.timedelta(hours=24)

Duty = Literal["authority", "client"]


class ClockStatus(StrEnum):
    RUNNING = "running"
    SOON = "soon"  # less than 24 hours left
    OVERDUE = "overdue"
    DONE = "done"
    DONE_LATE = "done_late"


@dataclass(frozen=True)
class Clock:
    """A notification duty: started at awareness, due at `due_at`; `declared` when the delay is the DPA's own."""

    duty: Duty
    started_at: dt.datetime
    due_at: dt.datetime
    declared: bool = True

    @property
    def hours(self) -> int:
        return round((self.due_at - self.started_at).total_seconds() / 3600)

    def remaining(self, now: dt.datetime) -> dt.timedelta:
        """Time left until the deadline; negative once it has passed."""
        return self.due_at - now

    def is_late(self, notified_at: dt.datetime) -> bool:
        return notified_at > self.due_at

    def status(self, now: dt.datetime, notified_at: dt.datetime | None = None) -> ClockStatus:
        if notified_at is not None:
            return ClockStatus.DONE_LATE if self.is_late(notified_at) else ClockStatus.DONE
        left = self.remaining(now)
        if left <= dt.timedelta(0):
            return ClockStatus.OVERDUE
        return ClockStatus.SOON if left <= SOON else ClockStatus.RUNNING


def authority_clock(aware_at: dt.datetime) -> Clock:
    """Art. 33(1): 72 hours from awareness, every hour counted (weekends and holidays too)."""
    _require_aware(aware_at)
    return Clock("authority", aware_at, aware_at + dt.timedelta(hours=AUTHORITY_HOURS))


def client_clock(aware_at: dt.datetime, declared_hours: int | None = None) -> Clock:
    """Art. 33(2): the DPA's delay when declared, else "without undue delay" aiming at CLIENT_TARGET_HOURS."""
    _require_aware(aware_at)
    if declared_hours is not None and declared_hours < 0:
        raise ValueError("a notification delay cannot be negative")
    hours = CLIENT_TARGET_HOURS if declared_hours is None else declared_hours
    return Clock("client", aware_at, aware_at + dt.timedelta(hours=hours), declared=declared_hours is not None)


def require_delay_reasons(clock: Clock, notified_at: dt.datetime, reasons: str) -> None:
    """Art. 33(1): a notification after the deadline is accompanied by the reasons for the delay.

    Raises ValueError when `notified_at` is past the deadline and `reasons` is blank, or when it
    precedes awareness (a notification cannot come before the breach is known).
    """
    if notified_at < clock.started_at:
        raise ValueError("a notification cannot precede the awareness of the breach")
    if clock.is_late(notified_at) and not reasons.strip():
        raise ValueError("the notification is late: state the reasons for the delay (Art. 33(1))")


def crossed_reminders(clock: Clock, now: dt.datetime, sent: Collection[int]) -> list[int]:
    """The reminder thresholds (hours left) that `now` has crossed and that were not sent, most urgent last.

    A job that runs every hour sends one reminder for the last of them and records them all, so
    a worker that was down does not send a burst of stale reminders.
    """
    left = clock.remaining(now)
    return [hours for hours in REMINDER_HOURS if left <= dt.timedelta(hours=hours) and hours not in sent]


def _require_aware(moment: dt.datetime) -> None:
    if moment.tzinfo is None:
        raise ValueError("the moment of awareness needs a time zone")
