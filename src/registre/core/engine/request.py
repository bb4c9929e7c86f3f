"""A rights request as the engine sees it: an action, the data subjects, and its options."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from registre.core.engine.subjects import Subject, SubjectError, unique_references

Action = Literal["access", "erase", "rectify", "restrict"]
ACTIONS: tuple[Action, ...] = ("access", "erase", "rectify", "restrict")

# Called after each statement with a short description (never personal data).
Progress = Callable[[str], None]
# The bound parameter holding the requested state of restrict flags: true, or false to lift them.
RESTRICT_FLAG = "restrict_flag"


@dataclass(frozen=True)
class Request:
    """What to do, for whom.

    `tenant` names the client whose data a processor request concerns (only
    the datasets with a tenant column are then reached). `today` dates the
    holds. `changes` are the rectified values by field name; `lift` lifts a
    restriction instead of setting it; `portability` keeps only data
    processed on consent or contract (Art. 20).
    """

    action: Action
    subjects: tuple[Subject, ...]
    tenant: str | None = None
    today: dt.date = field(default_factory=dt.date.today)
    changes: Mapping[str, object] = field(default_factory=dict)
    lift: bool = False
    portability: bool = False

    @property
    def batch(self) -> bool:
        """Several subjects: their identities go to a temporary table, and counts are per subject."""
        return len(self.subjects) > 1

    def identity_types(self) -> frozenset[str]:
        return frozenset(t for subject in self.subjects for t in subject.types())

    def changes_parameters(self) -> dict[str, object]:
        """The rectified values, by the name of their bound parameter (`rectified_<field>`)."""
        return {rectified_parameter(name): value for name, value in self.changes.items()}


def parameter_name(text: str) -> str:
    """A bound parameter name made of `text` (letters, digits and underscores only)."""
    return re.sub(r"\W", "_", text)


def rectified_parameter(field_name: str) -> str:
    return f"rectified_{parameter_name(field_name)}"


def make_request(
    action: Action,
    subjects: Subject | Sequence[Subject],
    *,
    tenant: str | None = None,
    today: dt.date | None = None,
    changes: Mapping[str, object] | None = None,
    lift: bool = False,
    portability: bool = False,
) -> Request:
    """A checked request: at least one subject, references unique in a batch, a known action."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}: use one of {', '.join(ACTIONS)}")
    group = (subjects,) if isinstance(subjects, Subject) else tuple(subjects)
    if not group:
        raise SubjectError("a request needs at least one data subject")
    unique_references(group)
    if tenant is not None and not tenant.strip():
        # An empty tenant must never mean "no tenant": that would reach the company's own data instead.
        raise SubjectError("the tenant is empty: name the client's tenant, or give none")
    return Request(action, group, tenant, today or dt.date.today(), dict(changes or {}), lift, portability)
