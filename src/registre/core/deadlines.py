"""Time limits for answering data subjects, computed as the law counts them.

Art. 12(3) GDPR: the controller answers "within one month of receipt of the
request", a period that "may be extended by two further months where
necessary". Periods of EU law are counted by Regulation (EEC, Euratom)
No 1182/71:

- Art. 3(1): the day of the event (the receipt) is not counted;
- Art. 3(2)(c): a period in months ends on the day of the last month that has
  the same date as the day it runs from; when that day does not exist in the
  last month, on the last day of that month;
- Art. 3(4): when the last day is a Saturday, a Sunday or a public holiday, the
  period ends on the next working day.

Public holidays are those of the country where the controller answers (the
`holidays` package's calendar for that country).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from registre.core.policy.durations import Duration

if TYPE_CHECKING:
    import holidays

RESPONSE_MONTHS = 1
MAX_EXTENSION_MONTHS = 2


@cache
def _public_holidays(country: str) -> holidays.HolidayBase:
    import holidays  # its calendars take a while to load; only deadlines need them

    return holidays.country_holidays(country)


def is_working_day(day: dt.date, country: str = "FR") -> bool:
    """Neither a Saturday, a Sunday, nor a public holiday of `country`."""
    return day.weekday() < 5 and day not in _public_holidays(country)


def next_working_day(day: dt.date, country: str = "FR") -> dt.date:
    """`day` itself when it is a working day, else the first working day after it (Art. 3(4))."""
    while not is_working_day(day, country):
        day += dt.timedelta(days=1)
    return day


def response_deadline(received: dt.date, *, country: str = "FR", extension_months: int = 0) -> dt.date:
    """The last day to answer a request received on `received` (Art. 12(3) GDPR).

    `extension_months` (0 to 2) adds the extension of Art. 12(3), of which the
    person must be told, with the reasons, within the first month.
    """
    if not 0 <= extension_months <= MAX_EXTENSION_MONTHS:
        raise ValueError(f"the extension is at most {MAX_EXTENSION_MONTHS} months (Art. 12(3))")
    # Duration.add_to keeps the date and falls back to the month's last day (Art. 3(2)(c)).
    last_day = Duration(months=RESPONSE_MONTHS + extension_months).add_to(received)
    return next_working_day(last_day, country)


def days_deadline(start: dt.date, days: int, *, country: str = "FR") -> dt.date:
    """The last day of a period of `days` days running from `start` (the start day not counted)."""
    return next_working_day(start + dt.timedelta(days=days), country)


LEGAL = "legal"  # Art. 12(3): one month from receipt
PROMISE = "promise"  # the organisation's own, shorter promise (notices.response_days)


@dataclass(frozen=True)
class TrackedDeadline:
    """The day a request is tracked against, and which rule set it: `LEGAL` or `PROMISE`."""

    due: dt.date
    basis: str
    legal: dt.date
    promised: dt.date | None


def tracked_deadline(received: dt.date, *, country: str = "FR", promised_days: int | None = None) -> TrackedDeadline:
    """The earlier of the legal deadline and the organisation's promise of `promised_days` days.

    A privacy notice that promises "within 30 days" binds the organisation to it even where the law
    allows a month: a request received on 15 March 2027 is promised for 14 April, legally due on
    15 April, and tracked for 14 April. On a tie the law is named.
    """
    legal = response_deadline(received, country=country)
    promised = days_deadline(received, promised_days, country=country) if promised_days else None
    if promised is not None and promised < legal:
        return TrackedDeadline(promised, PROMISE, legal, promised)
    return TrackedDeadline(legal, LEGAL, legal, promised)


def days_left(deadline: dt.date, today: dt.date) -> int:
    """Days until `deadline` (0 on the day itself, negative once it has passed)."""
    return (deadline - today).days
