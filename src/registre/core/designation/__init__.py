"""Authorised staff: the people designated in writing to process personal data, and their yearly training.

The promises (SOURCES 13): staff who process data are designated in writing,
trained at least once a year, bound to confidentiality, and lose their access
when their mission ends. The scopes they may reach are the policy's
activities and systems.

    due = training_due(designated_on=date(2026, 1, 5), last_trained_on=date(2026, 2, 1))   # 2027-02-01
    training_status(due, today=date(2027, 1, 20))                                         # "soon"
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from registre.core.policy.durations import Duration
from registre.core.policy.model import Policy

TRAINING_MONTHS = 12
SOON_DAYS = 30
TrainingStatus = Literal["ok", "soon", "overdue", "ended"]


@dataclass(frozen=True)
class Designation:
    """What the designation states: who, in which role, what they may reach, and what binds them."""

    full_name: str
    job_title: str
    activities: tuple[str, ...]
    systems: tuple[str, ...]
    designated_on: dt.date
    confidentiality_signed_on: dt.date | None = None
    last_trained_on: dt.date | None = None


def training_due(*, designated_on: dt.date, last_trained_on: dt.date | None) -> dt.date:
    """The day the next training is due: one year after the last one; never trained, at once (the designation)."""
    if last_trained_on is None:
        return designated_on
    return Duration(months=TRAINING_MONTHS).add_to(last_trained_on)


def training_status(due: dt.date, *, today: dt.date, ended: bool = False) -> TrainingStatus:
    """`overdue` from the day after `due`, `soon` within SOON_DAYS of it, else `ok`; `ended` once the mission ended."""
    if ended:
        return "ended"
    if today > due:
        return "overdue"
    return "soon" if (due - today).days <= SOON_DAYS else "ok"


def check_scopes(policy: Policy, activities: list[str], systems: list[str]) -> None:
    """Raise ValueError naming the activities and systems that the policy does not declare."""
    unknown = [key for key in activities if key not in policy.activities]
    unknown += [key for key in systems if key not in policy.systems]
    if unknown:
        raise ValueError(f"not declared in the policy: {', '.join(unknown)}")
