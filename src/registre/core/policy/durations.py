"""ISO 8601 durations as used by retention rules and holds (`P3Y`, `P6M`, `P10D`)."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

# No law keeps data longer; and dates stay computable (year 9999 is the calendar's end).
MAX_YEARS = 1000
_PATTERN = re.compile(r"^P(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?$")


@dataclass(frozen=True)
class Duration:
    """A calendar duration in years, months, weeks and days."""

    years: int = 0
    months: int = 0
    weeks: int = 0
    days: int = 0

    @classmethod
    def parse(cls, text: str) -> Duration:
        """Parse `P3Y`, `P1Y6M`, `P2W`, `P10D`; raise ValueError on anything else."""
        match = _PATTERN.match(text.strip()) if isinstance(text, str) else None
        if match is None or text.strip() == "P":
            raise ValueError(f"{str(text)[:40]!r} is not an ISO 8601 duration such as P3Y, P6M or P10D")
        parts = {name: int(value[:12]) for name, value in match.groupdict(default="0").items()}
        duration = cls(**parts)
        if duration.approximate_days() > MAX_YEARS * 365:
            raise ValueError(f"{text[:40]!r} is longer than {MAX_YEARS} years")
        return duration

    def add_to(self, start: dt.date) -> dt.date:
        """The date `self` after `start`; a day missing in the target month becomes its last day."""
        month_index = start.month - 1 + self.months + 12 * self.years
        year, month = start.year + month_index // 12, month_index % 12 + 1
        day = min(start.day, calendar.monthrange(year, month)[1])
        return dt.date(year, month, day) + dt.timedelta(days=self.days + 7 * self.weeks)

    def subtract_from(self, end: dt.date) -> dt.date:
        """The date `self` before `end` (the inverse of `add_to` for whole months)."""
        month_index = end.month - 1 - self.months - 12 * self.years
        year, month = end.year + month_index // 12, month_index % 12 + 1
        day = min(end.day, calendar.monthrange(year, month)[1])
        return dt.date(year, month, day) - dt.timedelta(days=self.days + 7 * self.weeks)

    def last_start_run_out(self, day: dt.date) -> dt.date:
        """The latest start date whose period has run out on `day`: the last `a` with `add_to(a) <= day`.

        A period runs out on its anniversary, and a start date missing in the
        target month runs out on that month's last day (31 August + 6 months:
        28 February), so the answer can lie a few days after `subtract_from(day)`.
        Computed here, then bound to SQL as a date: every database compares
        the same day.
        """
        start = self.subtract_from(day)
        while self.add_to(start + dt.timedelta(days=1)) <= day:
            start += dt.timedelta(days=1)
        while self.add_to(start) > day:
            start -= dt.timedelta(days=1)
        return start

    def first_start_running(self, day: dt.date) -> dt.date:
        """The earliest start date whose period still runs on `day` (its whole anniversary included).

        The first `a` with `add_to(a) >= day`: a minimum period holds through
        the whole anniversary day (Code de procédure civile arts. 641-642,
        Regulation 1182/71 art. 3(2)(c): a period ends at the end of its last day).
        """
        start = self.subtract_from(day)
        while self.add_to(start) < day:
            start += dt.timedelta(days=1)
        while self.add_to(start - dt.timedelta(days=1)) >= day:
            start -= dt.timedelta(days=1)
        return start

    def approximate_days(self) -> int:
        """A length in days, for ordering and comparing durations."""
        return self.years * 365 + self.months * 30 + self.weeks * 7 + self.days

    def __str__(self) -> str:
        text = "P" + "".join(
            f"{value}{unit}"
            for value, unit in ((self.years, "Y"), (self.months, "M"), (self.weeks, "W"), (self.days, "D"))
            if value
        )
        return text if text != "P" else "P0D"
