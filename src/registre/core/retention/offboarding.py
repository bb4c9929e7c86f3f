"""Client offboarding (processor side): delete every row of a client's tenant at the end of its contract.

Art. 28(3)(g) GDPR: at the end of the services, the processor deletes all
the personal data processed on behalf of the controller, and existing
copies, unless Union or Member State law requires their storage. The
client's rows are those of the processor datasets (datasets with a
`tenant` column) whose tenant column holds the client's tenant value; no
other dataset, and no other tenant, is ever touched.

A row of the tenant is deleted unless

1. a legal hold keeps it (`engine.holds`: the dataset's `holds:` and the
   legal obligations anchored on it): kept, and reported with the basis and
   the day the last of those rows is released;
2. a case hold on a data subject within the tenant covers it (litigation,
   an authority's request: Art. 17(3)(e));
3. a row that stays refers to it (a kept row of a child dataset, or a row of
   a dataset outside the tenant's): kept, so that no foreign key breaks.

A case hold on the tenant itself stops the deletion: nothing is deleted,
and the result names the hold.

`delete_tenant` visits each system's processor datasets children before
parents and, in each, deletes the tenant's rows batch by batch along the
key, as a sweep does (`sweep`): in one write transaction, find the key of
the `batch_size`-th deletable row after the last batch, delete the
deletable rows up to it, commit. After the last batch, one census in the
same transaction counts the tenant's rows left and why. A deletion stopped
half-way has committed whole batches only; run again, it finishes and
reports only what it deletes then. `plan_tenant_deletion` counts the same
figures through read-only connections and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from registre.core.engine.case_holds import CaseHold, check_case_holds
from registre.core.engine.erasure import KeptRows
from registre.core.engine.holds import until_of
from registre.core.policy.model import Policy
from registre.core.retention.sweep import DEFAULT_BATCH_SIZE, SweepBatch, SweepProgress
from registre.core.retention.tenant_rows import TenantRows, load_tenant_rows, tenant_systems
from registre.core.sources.catalog import catalog_for
from registre.core.sources.connection import (
    SourceError,
    describe_error,
    display_url,
    read_only_connection,
    write_transaction,
)

Condition = sa.ColumnElement[bool]
Clock = Callable[[], dt.datetime]


@dataclass(frozen=True)
class DatasetDeletion:
    """One processor dataset: the tenant's rows deleted (in a plan, to delete) and those kept, by reason.

    `held`: rows kept under each legal hold, with the day the last of them is
    released; `case_held`: rows of subjects under a case hold; `referenced`:
    rows that kept rows (or rows outside the tenant's datasets) refer to;
    `left`: rows of the tenant still there for none of these reasons (rows
    written while the deletion ran); always 0 in a plan.
    """

    system: str
    dataset: str
    deleted: int = 0
    held: tuple[KeptRows, ...] = ()
    case_held: int = 0
    referenced: int = 0
    left: int = 0
    batches: int = 0
    seconds: float = 0.0

    @property
    def reference(self) -> str:
        return f"{self.system}.{self.dataset}"

    @property
    def kept(self) -> int:
        return sum(kept.rows for kept in self.held) + self.case_held + self.referenced

    def to_dict(self) -> dict[str, Any]:
        return {
            "system": self.system,
            "dataset": self.dataset,
            "deleted": self.deleted,
            "kept": self.kept,
            "held": [kept.to_dict() for kept in self.held],
            "case_held": self.case_held,
            "referenced": self.referenced,
            "left": self.left,
            "batches": self.batches,
            "seconds": round(self.seconds, 3),
        }


@dataclass(frozen=True)
class SystemDeletion:
    """One system's processor datasets; `error` stopped it after the batches already committed."""

    system: str
    url: str
    datasets: tuple[DatasetDeletion, ...] = ()
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "system": self.system,
            "url": self.url,
            "error": self.error,
            "datasets": [dataset.to_dict() for dataset in self.datasets],
        }


@dataclass(frozen=True, kw_only=True)
class TenantOutcome:
    """What a plan or a deletion found for one tenant, per system and dataset (datasets in deletion order).

    `stopped_by`: the case holds on the tenant itself, which stop the
    deletion; `case_references`: the references of the case holds on
    subjects within the tenant.
    """

    tenant: str
    as_of: dt.date
    systems: tuple[SystemDeletion, ...]
    stopped_by: tuple[CaseHold, ...] = ()
    case_references: tuple[str, ...] = ()

    verb: ClassVar[str] = "deleted"  # what reports say of the deleted rows

    @property
    def ok(self) -> bool:
        return all(system.error is None for system in self.systems)

    @property
    def stopped(self) -> bool:
        return bool(self.stopped_by)

    @property
    def datasets(self) -> list[DatasetDeletion]:
        return [dataset for system in self.systems for dataset in system.datasets]

    @property
    def deleted(self) -> int:
        return sum(dataset.deleted for dataset in self.datasets)

    @property
    def kept(self) -> int:
        return sum(dataset.kept for dataset in self.datasets)

    @property
    def kept_until(self) -> dt.date | None:
        """The day the last row kept under a legal hold may go: when to run the deletion again to finish it.

        None when no row is kept under a legal hold, or when a hold has no end.
        """
        days = [kept.until for dataset in self.datasets for kept in dataset.held]
        return None if not days or None in days else max(day for day in days if day is not None)

    def dataset(self, reference: str) -> DatasetDeletion:
        """The dataset `system.dataset`; KeyError if it was not reached."""
        for dataset in self.datasets:
            if dataset.reference == reference:
                return dataset
        raise KeyError(reference)

    def to_dict(self) -> dict[str, Any]:
        return {
            "tenant": self.tenant,
            "as_of": self.as_of.isoformat(),
            "ok": self.ok,
            "stopped_by": [hold.to_dict() for hold in self.stopped_by],
            "case_references": list(self.case_references),
            "deleted": self.deleted,
            "kept": self.kept,
            "kept_until": self.kept_until.isoformat() if self.kept_until else None,
            "systems": [system.to_dict() for system in self.systems],
        }

    def to_text(self) -> str:
        """The outcome for people: totals, then each dataset with rows deleted or kept."""
        lines = [self.headline()]
        for system in self.systems:
            lines.append(f"{system.system} ({system.url})" + (f": ERROR {system.error}" if system.error else ""))
            for dataset in system.datasets:
                lines.append(f"  {dataset.reference}: {self.verb} {dataset.deleted:,}, kept {dataset.kept:,}")
                lines += [f"    kept: {kept.rows:,} under {kept.rule.describe(kept.until)}" for kept in dataset.held]
                if dataset.case_held:
                    lines.append(f"    kept: {dataset.case_held:,} under a case hold")
                if dataset.referenced:
                    lines.append(f"    kept: {dataset.referenced:,} referenced by rows that stay")
        return "\n".join(lines) + "\n"

    def headline(self) -> str:
        if self.stopped:
            references = ", ".join(hold.reference or "no reference" for hold in self.stopped_by)
            return f"Deletion of tenant {self.tenant} stopped by a case hold on the tenant ({references})"
        return (
            f"Tenant {self.tenant} on {self.as_of.isoformat()}: {self.verb} {self.deleted:,} rows, kept {self.kept:,}"
        )


@dataclass(frozen=True, kw_only=True)
class TenantDeletionPlan(TenantOutcome):
    """What `delete_tenant` would do on `as_of`: the counts of a deletion on the same data."""

    verb: ClassVar[str] = "would delete"


@dataclass(frozen=True, kw_only=True)
class TenantDeletion(TenantOutcome):
    """What `delete_tenant` did, from `started_at` to `finished_at` (UTC)."""

    started_at: dt.datetime
    finished_at: dt.datetime
    batch_size: int = DEFAULT_BATCH_SIZE

    @property
    def complete(self) -> bool:
        """Every row of the tenant is gone but those kept for a stated reason: what a certificate may state."""
        return self.ok and not self.stopped and all(dataset.left == 0 for dataset in self.datasets)

    def to_dict(self) -> dict[str, Any]:
        return {
            **super().to_dict(),
            "complete": self.complete,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat(),
            "batch_size": self.batch_size,
        }


def plan_tenant_deletion(
    policy: Policy, tenant: str, *, as_of: dt.date, case_holds: Sequence[CaseHold] = ()
) -> TenantDeletionPlan:
    """Count, per processor dataset, the tenant's rows that `delete_tenant` would delete and keep on `as_of`.

    Reads through read-only connections; changes nothing. Under a case
    hold on the tenant every row counts as kept by it. Raises ValueError
    for an empty tenant, SubjectError for a held subject with an undeclared
    identity type.
    """
    _check(policy, tenant, case_holds)
    systems = tuple(_plan_system(policy, name, tenant, as_of, case_holds) for name in tenant_systems(policy))
    stopped_by, references = _hold_facts(tenant, case_holds)
    return TenantDeletionPlan(
        tenant=tenant, as_of=as_of, systems=systems, stopped_by=stopped_by, case_references=references
    )


def delete_tenant(
    policy: Policy,
    tenant: str,
    *,
    as_of: dt.date,
    batch_size: int = DEFAULT_BATCH_SIZE,
    case_holds: Sequence[CaseHold] = (),
    progress: SweepProgress | None = None,
    clock: Clock | None = None,
) -> TenantDeletion:
    """Delete every row of `tenant` in every processor dataset, but those kept (see the module).

    Systems are handled one after the other; one that fails stops after its
    committed batches and is reported with its error, and the others still
    run. Under a case hold on the tenant nothing is deleted (`stopped_by`).
    `progress` receives each committed batch; `clock` gives the time
    (default: now, UTC). Raises ValueError for an empty tenant or a batch
    size below 1, SubjectError for a held subject with an undeclared
    identity type.
    """
    if batch_size < 1:
        raise ValueError("the batch size must be at least 1")
    _check(policy, tenant, case_holds)
    now = clock or _utc_now
    started = now()
    stopped_by, references = _hold_facts(tenant, case_holds)
    systems: tuple[SystemDeletion, ...] = ()
    if not stopped_by:
        systems = tuple(
            _delete_system(policy, name, tenant, as_of, case_holds, batch_size, progress)
            for name in tenant_systems(policy)
        )
    return TenantDeletion(
        tenant=tenant,
        as_of=as_of,
        systems=systems,
        started_at=started,
        finished_at=now(),
        batch_size=batch_size,
        stopped_by=stopped_by,
        case_references=references,
    )


def _check(policy: Policy, tenant: str, case_holds: Sequence[CaseHold]) -> None:
    if not tenant:
        raise ValueError("name the tenant to delete")
    check_case_holds(policy, case_holds)


def _hold_facts(tenant: str, case_holds: Sequence[CaseHold]) -> tuple[tuple[CaseHold, ...], tuple[str, ...]]:
    """The case holds on the tenant itself (they stop the deletion), and the references of those within it."""
    stopping = tuple(hold for hold in case_holds if hold.subject is None and hold.tenant == tenant)
    within = [hold for hold in case_holds if hold.subject is not None and hold.tenant == tenant]
    return stopping, tuple(dict.fromkeys(hold.reference for hold in within if hold.reference))


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# Plan and deletion -------------------------------------------------------


def _plan_system(
    policy: Policy, name: str, tenant: str, as_of: dt.date, case_holds: Sequence[CaseHold]
) -> SystemDeletion:
    system = policy.systems[name]
    url = display_url(system.url)
    try:
        rows = load_tenant_rows(policy, name, tenant, as_of, case_holds)
        with read_only_connection(catalog_for(system).engine) as connection:
            found = tuple(_figures(connection, rows, dataset, predicted=True) for dataset in rows.order)
    except SourceError as error:
        return SystemDeletion(name, url, error=str(error))
    except sa.exc.SQLAlchemyError as error:
        return SystemDeletion(name, url, error=describe_error(error, system.url))
    return SystemDeletion(name, url, found)


def _delete_system(
    policy: Policy,
    name: str,
    tenant: str,
    as_of: dt.date,
    case_holds: Sequence[CaseHold],
    batch_size: int,
    progress: SweepProgress | None,
) -> SystemDeletion:
    system = policy.systems[name]
    url = display_url(system.url)
    done: list[DatasetDeletion] = []
    try:
        rows = load_tenant_rows(policy, name, tenant, as_of, case_holds)
        engine = catalog_for(system).engine
        for dataset in rows.order:
            done.append(_delete_dataset(engine, rows, dataset, batch_size, progress))
    except SourceError as error:
        return SystemDeletion(name, url, tuple(done), error=str(error))
    except sa.exc.SQLAlchemyError as error:
        return SystemDeletion(name, url, tuple(done), error=describe_error(error, system.url))
    return SystemDeletion(name, url, tuple(done))


def _delete_dataset(
    engine: Engine, rows: TenantRows, name: str, batch_size: int, progress: SweepProgress | None
) -> DatasetDeletion:
    """Delete the tenant's deletable rows of `name` batch after batch; then count what is left, and why."""
    started = time.perf_counter()
    table = rows.tables[name]
    key = table.c[rows.datasets[name].key]
    condition = rows.deleted(name, table, predicted=False)
    after: Any = None
    deleted = batches = 0
    while True:
        with write_transaction(engine, system=rows.system) as connection:
            upper = _batch_end(connection, condition, key, after, batch_size)
            count = connection.execute(sa.delete(table).where(condition, *_key_range(key, after, upper))).rowcount
            left = _figures(connection, rows, name, predicted=False) if upper is None else None
        batches += 1
        deleted += count
        if progress is not None:
            progress(SweepBatch(rows.system, name, batches, count, 0))
        if left is not None:
            return replace(left, deleted=deleted, batches=batches, seconds=time.perf_counter() - started)
        after = upper


def _figures(connection: Connection, rows: TenantRows, name: str, *, predicted: bool) -> DatasetDeletion:
    """The census of `name`, as a plan's figures (`predicted`) or the rows left after a deletion."""
    counts = connection.execute(rows.census(name, predicted=predicted)).mappings().one()
    held = tuple(
        KeptRows(rule, counts[f"held_{index}"], until_of(rule, counts[f"anchor_{index}"]))
        for index, rule in enumerate(rows.holds[name])
        if counts[f"held_{index}"]
    )
    case_held, referenced = counts.get("case_held", 0), counts.get("referenced", 0)
    rest = counts["rows"] - sum(kept.rows for kept in held) - case_held - referenced
    return DatasetDeletion(
        rows.system,
        name,
        deleted=rest if predicted else 0,
        held=held,
        case_held=case_held,
        referenced=referenced,
        left=0 if predicted else rest,
    )


def _batch_end(connection: Connection, condition: Condition, key: sa.Column[Any], after: Any, size: int) -> Any:
    """The key of the `size`-th deletable row after `after`; None when fewer are left."""
    query = sa.select(key).where(condition, *_key_range(key, after, None)).order_by(key).limit(1).offset(size - 1)
    return connection.execute(query).scalar()


def _key_range(key: sa.Column[Any], after: Any, upper: Any) -> list[Condition]:
    bounds = [] if after is None else [key > after]
    return bounds + ([] if upper is None else [key <= upper])
