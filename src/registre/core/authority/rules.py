"""The rules of an authority's request: when data may be disclosed, when the client or the person may be told."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from registre.core.engine import Plan


class DisclosureRefused(ValueError):
    """Data are disclosed to an authority only when the company is legally compelled to."""


class NoticeForbidden(ValueError):
    """The law forbids telling the client or the person, until a date."""

    def __init__(self, until: dt.date) -> None:
        super().__init__(f"telling the client or the person is forbidden until {until.isoformat()}")
        self.until = until


@dataclass(frozen=True)
class DisclosedDataset:
    """What was handed over from one dataset: how many of the subject's rows. Never their values."""

    reference: str
    rows: int

    def to_dict(self) -> dict[str, object]:
        return {"reference": self.reference, "rows": self.rows}


def check_disclosure(*, compelled: bool) -> None:
    """Raise DisclosureRefused unless the request legally compels the disclosure (SOURCES 19: 002 §2.3, §6)."""
    if not compelled:
        raise DisclosureRefused("the company is not legally compelled to answer: no data is disclosed")


def notice_allowed(*, gag_until: dt.date | None, today: dt.date) -> bool:
    """Whether the client or the person may be told on `today`: no prohibition, or it ended before today.

    A prohibition "until" a date covers that date: they may be told from the day after.
    """
    return gag_until is None or today > gag_until


def check_notice(*, gag_until: dt.date | None, today: dt.date) -> None:
    """Raise NoticeForbidden while the prohibition runs."""
    if not notice_allowed(gag_until=gag_until, today=today):
        assert gag_until is not None
        raise NoticeForbidden(gag_until)


def disclosure_summary(plan: Plan) -> list[DisclosedDataset]:
    """The datasets of an access plan where the subject has rows, with their counts, in plan order."""
    return [DisclosedDataset(dataset.reference, dataset.rows) for dataset in plan.datasets if dataset.rows]
