"""The twelve years of history of the demo, counted back from a fixed day.

Instants are plain integers (seconds since the start of the history) while
rows are built, and become `datetime` or `date` values only when a row is
written. Nothing depends on the wall clock: the same `today` gives the same
history, so retention tests know which rows are due.
"""

from __future__ import annotations

import datetime as dt
import random

# The default "today" of the demo: fixed, so that the data are reproducible.
DEMO_TODAY = dt.date(2026, 11, 23)
HISTORY_YEARS = 12
DAY = 86_400
HOUR = 3_600


class Timeline:
    """Instants from `HISTORY_YEARS` before `today` up to the midnight that starts `today`."""

    def __init__(self, today: dt.date, years: int = HISTORY_YEARS) -> None:
        self.today = today
        self.end = years * 365 * DAY
        self._origin = dt.datetime.combine(today, dt.time()) - dt.timedelta(seconds=self.end)
        self._origin_date = self._origin.date()

    def seconds_before_end(self, days: int) -> int:
        """The instant `days` days before the end of the history."""
        return self.end - days * DAY

    def datetime_at(self, instant: int) -> dt.datetime:
        return self._origin + dt.timedelta(seconds=instant)

    def date_at(self, instant: int) -> dt.date:
        return self._origin_date + dt.timedelta(days=instant // DAY)


def pick_between(rng: random.Random, start: int, end: int) -> int:
    """An instant uniformly between `start` and `end`."""
    return start + int((end - start) * rng.random())


def pick_early(rng: random.Random, start: int, end: int) -> int:
    """An instant between `start` and `end`, more often near `start`: long-standing customers."""
    return start + int((end - start) * rng.random() ** 1.5)


def pick_recent(rng: random.Random, start: int, end: int) -> int:
    """An instant between `start` and `end`, more often near `end`: activity grows with time."""
    return start + int((end - start) * (1.0 - rng.random() ** 2))
