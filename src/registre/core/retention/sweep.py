"""Sweeps: delete or anonymise what is due, batch after batch, committing each batch.

`run_retention` visits each system's datasets in sweep order (`order`) and,
in each, cuts the due rows into batches along the key, so that locks stay
short and memory stays flat whatever the size of the table:

1. In a write transaction, ask the database for the key of the
   `batch_size`-th due row after the last batch
   (`SELECT key WHERE due AND key > :after ORDER BY key LIMIT 1 OFFSET :n`);
   none: this is the last batch.
2. In the same transaction, `UPDATE` (anonymise) and `DELETE` the due rows
   with `:after < key <= :upper` (no upper bound for the last batch), then commit.
3. Report the batch to the progress callback; carry on from `:upper`.

No key is ever loaded into Python but the bounds of a batch. Every
statement tests the due condition again, as the database stands: a sweep
stopped half-way (killed, a lost connection) has committed whole batches
only, and the next one, on the same day, finishes the work without
touching a row that was not due. A dry run returns the plan's counts,
which are exactly what the sweep does on the same data.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from registre.core.engine.anonymisation import AnonymisationError
from registre.core.policy.model import Policy
from registre.core.retention.case_holds import CaseHold, check_case_holds
from registre.core.retention.due import SweepConditions, SystemRules, load_system
from registre.core.retention.plan import RetentionPlan, checked_systems, plan_retention
from registre.core.sources.catalog import catalog_for
from registre.core.sources.connection import SourceError, describe_error, display_url, write_transaction

DEFAULT_BATCH_SIZE = 10_000


@dataclass(frozen=True)
class SweepBatch:
    """One committed batch, as reported to the progress callback (counts of this batch only)."""

    system: str
    dataset: str
    number: int
    deleted: int
    anonymised: int


SweepProgress = Callable[[SweepBatch], None]


@dataclass(frozen=True)
class DatasetSweep:
    """What a sweep did in one dataset."""

    system: str
    dataset: str
    deleted: int = 0
    anonymised: int = 0
    batches: int = 0
    seconds: float = 0.0

    @property
    def reference(self) -> str:
        return f"{self.system}.{self.dataset}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "system": self.system,
            "dataset": self.dataset,
            "deleted": self.deleted,
            "anonymised": self.anonymised,
            "batches": self.batches,
            "seconds": round(self.seconds, 3),
        }


@dataclass(frozen=True)
class SystemSweep:
    """One system's part of a sweep; `error` stopped it after the batches already committed."""

    system: str
    url: str
    datasets: tuple[DatasetSweep, ...] = ()
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "system": self.system,
            "url": self.url,
            "error": self.error,
            "datasets": [dataset.to_dict() for dataset in self.datasets],
        }


@dataclass(frozen=True)
class RetentionRun:
    """The outcome of a sweep (or of a dry run: the plan's counts), per system and dataset."""

    as_of: dt.date
    dry_run: bool
    systems: tuple[SystemSweep, ...]
    seconds: float = 0.0
    batch_size: int = DEFAULT_BATCH_SIZE
    case_holds: tuple[CaseHold, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return all(system.error is None for system in self.systems)

    @property
    def datasets(self) -> list[DatasetSweep]:
        return [dataset for system in self.systems for dataset in system.datasets]

    @property
    def deleted(self) -> int:
        return sum(dataset.deleted for dataset in self.datasets)

    @property
    def anonymised(self) -> int:
        return sum(dataset.anonymised for dataset in self.datasets)

    def dataset(self, reference: str) -> DatasetSweep:
        """The dataset `system.dataset`; KeyError if the sweep did not reach it."""
        for dataset in self.datasets:
            if dataset.reference == reference:
                return dataset
        raise KeyError(reference)

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "dry_run": self.dry_run,
            "ok": self.ok,
            "deleted": self.deleted,
            "anonymised": self.anonymised,
            "seconds": round(self.seconds, 3),
            "batch_size": self.batch_size,
            "case_holds": [hold.to_dict() for hold in self.case_holds],
            "systems": [system.to_dict() for system in self.systems],
        }

    def to_text(self) -> str:
        """The sweep for people: totals, then each dataset where rows were deleted or anonymised."""
        done = "would delete {:,} rows and anonymise {:,}" if self.dry_run else "deleted {:,} rows, anonymised {:,}"
        lines = [
            f"Retention sweep on {self.as_of.isoformat()}{' (dry run)' if self.dry_run else ''}: "
            + done.format(self.deleted, self.anonymised)
            + f" in {self.seconds:.1f} s"
        ]
        for system in self.systems:
            lines.append(f"{system.system} ({system.url})" + (f": ERROR {system.error}" if system.error else ""))
            lines += [
                f"  {dataset.reference}: deleted {dataset.deleted:,}, anonymised {dataset.anonymised:,}"
                for dataset in system.datasets
                if dataset.deleted or dataset.anonymised
            ]
        return "\n".join(lines) + "\n"


def run_retention(
    policy: Policy,
    *,
    as_of: dt.date,
    dry_run: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    case_holds: Sequence[CaseHold] = (),
    progress: SweepProgress | None = None,
    systems: Sequence[str] | None = None,
) -> RetentionRun:
    """Delete or anonymise every row due on `as_of` in each system (all, or those named); see the module.

    Systems are swept one after the other; one that fails stops after its
    committed batches and is reported with its error, and the others are
    still swept. `dry_run` changes nothing and returns the plan's counts.
    Raises ValueError for an unknown system or a batch size below 1, and
    SubjectError for a held subject with an undeclared identity type.
    """
    if batch_size < 1:
        raise ValueError("the batch size must be at least 1")
    started = time.perf_counter()
    if dry_run:
        plan = plan_retention(policy, as_of=as_of, case_holds=case_holds, systems=systems)
        return planned_run(plan, batch_size, time.perf_counter() - started)
    names = checked_systems(policy, systems)
    check_case_holds(policy, case_holds)
    swept = tuple(_sweep_system(policy, name, as_of, case_holds, batch_size, progress) for name in names)
    return RetentionRun(as_of, False, swept, time.perf_counter() - started, batch_size, tuple(case_holds))


def planned_run(plan: RetentionPlan, batch_size: int = DEFAULT_BATCH_SIZE, seconds: float = 0.0) -> RetentionRun:
    """The dry run of a plan: its counts, as a sweep on the same data would do them."""
    systems = tuple(
        SystemSweep(
            system.system,
            system.url,
            tuple(
                DatasetSweep(system.system, found.dataset, found.figures.delete, found.figures.anonymise)
                for found in sorted(system.datasets, key=lambda found: found.position)
            ),
            system.error,
        )
        for system in plan.systems
    )
    return RetentionRun(plan.as_of, True, systems, seconds, batch_size, plan.case_holds)


def _sweep_system(
    policy: Policy,
    name: str,
    as_of: dt.date,
    case_holds: Sequence[CaseHold],
    batch_size: int,
    progress: SweepProgress | None,
) -> SystemSweep:
    system = policy.systems[name]
    url = display_url(system.url)
    done: list[DatasetSweep] = []
    try:
        rules = load_system(policy, name, as_of, case_holds)
        engine = catalog_for(system).engine
        for dataset in rules.order.datasets:
            done.append(_sweep_dataset(engine, rules, dataset, batch_size, progress))
        for index, dataset in enumerate(rules.order.datasets):
            if rules.swept_later(dataset):
                done[index] = _sweep_dataset(engine, rules, dataset, batch_size, progress, done[index])
    except (SourceError, AnonymisationError) as error:
        return SystemSweep(name, url, tuple(done), error=str(error))
    except sa.exc.SQLAlchemyError as error:
        return SystemSweep(name, url, tuple(done), error=describe_error(error, system.url))
    return SystemSweep(name, url, tuple(done))


def _sweep_dataset(
    engine: Engine,
    rules: SystemRules,
    name: str,
    batch_size: int,
    progress: SweepProgress | None,
    first: DatasetSweep | None = None,
) -> DatasetSweep:
    """Steps 1 to 3 of the module for one dataset, batch after batch, until no due row is left.

    With `first` (the dataset's first pass), the final pass: the rows that
    the datasets swept after it have freed; counts are added to `first`'s.
    """
    started = time.perf_counter()
    conditions = rules.sweep_conditions(name, final=first is not None)
    previous = first or DatasetSweep(rules.name, name)
    if conditions.due is None:
        return previous
    table = rules.tables[name]
    key = table.c[rules.datasets[name].key]
    after: Any = None
    deleted, anonymised, batches = previous.deleted, previous.anonymised, previous.batches
    while True:
        with write_transaction(engine) as connection:
            upper = _batch_end(connection, conditions.due, key, after, batch_size)
            counts = _sweep_batch(connection, table, conditions, _range(key, after, upper))
        batches += 1
        deleted, anonymised = deleted + counts[0], anonymised + counts[1]
        if progress is not None:
            progress(SweepBatch(rules.name, name, batches, *counts))
        if upper is None:
            seconds = previous.seconds + time.perf_counter() - started
            return DatasetSweep(rules.name, name, deleted, anonymised, batches, seconds)
        after = upper


def _batch_end(connection: Connection, due: sa.ColumnElement[bool], key: sa.Column[Any], after: Any, size: int) -> Any:
    """The key of the `size`-th due row after `after`; None when fewer are left."""
    query = sa.select(key).where(due, *_range(key, after, None)).order_by(key).limit(1).offset(size - 1)
    return connection.execute(query).scalar()


def _range(key: sa.Column[Any], after: Any, upper: Any) -> list[sa.ColumnElement[bool]]:
    bounds = [] if after is None else [key > after]
    return bounds + ([] if upper is None else [key <= upper])


def _sweep_batch(
    connection: Connection, table: sa.Table, conditions: SweepConditions, bounds: list[sa.ColumnElement[bool]]
) -> tuple[int, int]:
    """Delete and anonymise the due rows within `bounds`; the rows (deleted, anonymised)."""
    anonymised = deleted = 0
    if conditions.anonymise is not None and conditions.values:
        statement = sa.update(table).where(conditions.anonymise, *bounds).values(dict(conditions.values))
        anonymised = connection.execute(statement).rowcount
    if conditions.delete is not None:
        deleted = connection.execute(sa.delete(table).where(conditions.delete, *bounds)).rowcount
    return deleted, anonymised
