"""Changes in place (rectification, restriction): one UPDATE per dataset, one transaction per system."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from registre.core.engine.request import Progress, Request
from registre.core.engine.subjects import check_subjects
from registre.core.engine.systems import SystemWork, open_system, policy_kinds, systems_reached
from registre.core.policy.model import Policy
from registre.core.sources.connection import SourceError, describe_write_error


@dataclass(frozen=True)
class DatasetChange:
    """What a change did in one dataset: rows changed, rows found (when counted), and a note."""

    system: str
    dataset: str
    changed: int = 0
    rows: int | None = None
    note: str | None = None
    per_subject: dict[str, int] = field(default_factory=dict)

    @property
    def reference(self) -> str:
        return f"{self.system}.{self.dataset}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "system": self.system,
            "dataset": self.dataset,
            "changed": self.changed,
            "rows": self.rows,
            "note": self.note,
            "per_subject": dict(self.per_subject),
        }


@dataclass(frozen=True)
class SystemChange:
    """One system's part of a change: committed as a whole, or not at all (`error` says why)."""

    system: str
    datasets: tuple[DatasetChange, ...] = ()
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"system": self.system, "error": self.error, "datasets": [d.to_dict() for d in self.datasets]}


@dataclass(frozen=True)
class ChangeResult:
    """The outcome of a rectification or a restriction, per system and dataset."""

    action: str
    subjects: tuple[str, ...]
    tenant: str | None
    systems: tuple[SystemChange, ...]

    @property
    def ok(self) -> bool:
        return all(system.error is None for system in self.systems)

    @property
    def datasets(self) -> list[DatasetChange]:
        return [dataset for system in self.systems for dataset in system.datasets]

    @property
    def changed(self) -> int:
        return sum(dataset.changed for dataset in self.datasets)

    def to_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "subjects": list(self.subjects),
            "tenant": self.tenant,
            "ok": self.ok,
            "changed": self.changed,
            "systems": [system.to_dict() for system in self.systems],
        }


ChangeDataset = Callable[[SystemWork, str], DatasetChange | None]


def execute_changes(
    policy: Policy, request: Request, change_dataset: ChangeDataset, progress: Progress | None
) -> ChangeResult:
    """Run `change_dataset` on every reached dataset (children first), one write transaction per system.

    A system that fails is rolled back and reported with its error; the
    others are still changed. `change_dataset` returns None for a dataset
    the change does not concern.
    """
    check_subjects(policy_kinds(policy), request.subjects)
    outcomes = []
    for name in systems_reached(policy, request):
        try:
            with open_system(policy, name, request, write=True, progress=progress) as work:
                changes = (change_dataset(work, dataset) for dataset in work.template.order)
                outcomes.append(SystemChange(name, tuple(change for change in changes if change is not None)))
        except SourceError as error:
            outcomes.append(SystemChange(name, error=str(error)))
        except sa.exc.SQLAlchemyError as error:
            outcomes.append(SystemChange(name, error=describe_write_error(error, policy.systems[name].url)))
    refs = tuple(subject.reference for subject in request.subjects)
    return ChangeResult(request.action, refs, request.tenant, tuple(outcomes))
