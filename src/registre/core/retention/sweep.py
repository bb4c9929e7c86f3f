"""Sweeps: delete or anonymise what is due, batch after batch, committing each batch.

`run_retention` visits each system's datasets in sweep order (`order`) and,
in each, cuts the due rows into batches, so that locks stay short and memory
stays flat whatever the size of the table. Batches follow the due rows, not
the table: along the date a rule counts from, then the key (`BatchOrder`),
so that an index on that date finds them without reading the rows that are
not due; along the key alone when no such date decides. On PostgreSQL, a
table whose due rows are spread over its pages is walked by ranges of pages
instead, each page read once (`pages`).

1. In a write transaction, ask the database for the position of the
   `batch_size`-th due row after the last batch
   (`SELECT anchor, key WHERE due AND (anchor, key) > :after ORDER BY anchor, key LIMIT 1 OFFSET :n`);
   none: this is the last batch.
2. In the same transaction, `UPDATE` (anonymise) and `DELETE` the due rows
   with `:after < (anchor, key) <= :upper` (no upper bound for the last
   batch), having first cut the references of other rows of the table to
   the rows deleted (a manager's row: `manager_id` set to NULL), then commit.
   A deadlock or a serialisation failure rolls the batch back and runs it
   again after a pause that grows (`retry_transient`).
3. When the database refuses the batch (a constraint the policy does not
   know of), the batch is run again one row per transaction: the rows it
   accepts are swept, the others are reported (`SweepFailure`: dataset,
   key, rule, the database's words and the fix) and the sweep carries on.
4. Report the batch to the progress callback; carry on from `:upper`.

No key is loaded into Python but the bounds of a batch (and, for a table
that references itself, the keys of the batch's deleted rows). Every
statement tests the due condition again, as the database stands: a sweep
stopped half-way (killed, a lost connection) has committed whole batches
only, and the next one, on the same day, finishes the work without
touching a row that was not due. A dry run returns the plan's counts,
which are exactly what the sweep does on the same data.
"""

from __future__ import annotations

import datetime as dt
import functools
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from registre.core.engine.anonymisation import AnonymisationError
from registre.core.engine.case_holds import CaseHold, check_case_holds
from registre.core.policy.model import Policy
from registre.core.retention.due import ROW_KEY, ROW_PSEUDONYM, RowPseudonyms, SweepConditions, SystemRules, load_system
from registre.core.retention.pages import PageWalk, next_step, page_range, page_walk
from registre.core.retention.plan import RetentionPlan, checked_systems, plan_retention
from registre.core.sources.catalog import catalog_for
from registre.core.sources.connection import (
    SourceError,
    describe_error,
    display_url,
    read_only_connection,
    retry_transient,
)

DEFAULT_BATCH_SIZE = 10_000
_IN_LIST = 1_000  # keys per IN (...) list when cutting self-references
Condition = sa.ColumnElement[bool]


@dataclass(frozen=True)
class SweepFailure:
    """A due row the database refused to change: where, under which rule, its words, and what to change."""

    system: str
    dataset: str
    key: str
    rule: str
    error: str
    fix: str

    def describe(self) -> str:
        return f"{self.system}.{self.dataset} row {self.key}: {self.rule}: {self.error}; fix: {self.fix}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "system": self.system,
            "dataset": self.dataset,
            "key": self.key,
            "rule": self.rule,
            "error": self.error,
            "fix": self.fix,
        }


@dataclass(frozen=True)
class BatchOrder:
    """The columns a sweep's batches follow: a date of the row then its key, or the key alone."""

    columns: tuple[sa.ColumnElement[Any], ...]

    @classmethod
    def of(cls, rules: SystemRules, name: str) -> BatchOrder:
        table = rules.tables[name]
        key = table.c[rules.datasets[name].key]
        anchor = rules.batch_anchor(name)
        return cls((table.c[anchor], key) if anchor else (key,))

    def batch_end(
        self, connection: Connection, due: Condition, after: tuple[Any, ...] | None, size: int
    ) -> tuple[Any, ...] | None:
        """The position of the `size`-th due row after `after`; None when fewer are left."""
        query = sa.select(*self.columns).where(due, *self.after(after)).order_by(*self.columns)
        row = connection.execute(query.limit(1).offset(size - 1)).first()
        return None if row is None else tuple(row)

    def after(self, bound: tuple[Any, ...] | None) -> list[Condition]:
        """The rows strictly after `bound`, written so that an index on the date serves the range."""
        if bound is None:
            return []
        if len(self.columns) == 1:
            return [self.columns[0] > bound[0]]
        (anchor, key), (day, value) = self.columns, bound
        return [anchor >= day, sa.not_(sa.and_(anchor == day, key <= value))]

    def upto(self, bound: tuple[Any, ...] | None) -> list[Condition]:
        """The rows up to `bound` included."""
        if bound is None:
            return []
        if len(self.columns) == 1:
            return [self.columns[0] <= bound[0]]
        (anchor, key), (day, value) = self.columns, bound
        return [anchor <= day, sa.not_(sa.and_(anchor == day, key > value))]

    def within(self, after: tuple[Any, ...] | None, upper: tuple[Any, ...] | None) -> list[Condition]:
        return self.after(after) + self.upto(upper)


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
    failures: tuple[SweepFailure, ...] = ()

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
            "failures": [failure.to_dict() for failure in self.failures],
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
        return all(system.error is None for system in self.systems) and not self.failures

    @property
    def datasets(self) -> list[DatasetSweep]:
        return [dataset for system in self.systems for dataset in system.datasets]

    @property
    def failures(self) -> list[SweepFailure]:
        """The due rows the databases refused to change (the rest of the sweep went on)."""
        return [failure for dataset in self.datasets for failure in dataset.failures]

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
            "failures": [failure.to_dict() for failure in self.failures],
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
        lines += [f"  FAILED {failure.describe()}" for failure in self.failures]
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
    key: str | bytes | None = None,
) -> RetentionRun:
    """Delete or anonymise every row due on `as_of` in each system (all, or those named); see the module.

    `key` is the secret of pseudonyms (default `$REGISTRE_PSEUDONYM_KEY`), see `due`.

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
        plan = plan_retention(policy, as_of=as_of, case_holds=case_holds, systems=systems, key=key)
        return planned_run(plan, batch_size, time.perf_counter() - started)
    names = checked_systems(policy, systems)
    check_case_holds(policy, case_holds)
    swept = tuple(_sweep_system(policy, name, as_of, case_holds, batch_size, progress, key) for name in names)
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
    key: str | bytes | None = None,
) -> SystemSweep:
    system = policy.systems[name]
    url = display_url(system.url)
    done: list[DatasetSweep] = []
    try:
        rules = load_system(policy, name, as_of, case_holds, key)
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
    work = _DatasetWork(rules, name, conditions, BatchOrder.of(rules, name))
    deleted, anonymised, number = previous.deleted, previous.anonymised, previous.batches
    failures = list(previous.failures)
    for counts, failed in work.swept_batches(engine, batch_size):
        number += 1
        deleted, anonymised = deleted + counts[0], anonymised + counts[1]
        failures += failed
        if progress is not None:
            progress(SweepBatch(rules.name, name, number, *counts))
    seconds = previous.seconds + time.perf_counter() - started
    return DatasetSweep(rules.name, name, deleted, anonymised, number, seconds, tuple(failures))


class _DatasetWork:
    """One dataset's sweep: its conditions, the order its batches follow, and what to do when a row is refused."""

    def __init__(self, rules: SystemRules, name: str, conditions: SweepConditions, batches: BatchOrder) -> None:
        self.rules, self.name, self.conditions, self.batches = rules, name, conditions, batches
        self.table = rules.tables[name]
        self.key = self.table.c[rules.datasets[name].key]
        self.cut = rules.cut_links(name)

    def swept_batches(self, engine: Engine, size: int) -> Iterator[tuple[tuple[int, int], list[SweepFailure]]]:
        """Sweep batch after batch, each committed: its counts (deleted, anonymised) and the rows it refused.

        By ranges of pages where the due rows are spread over the table (`pages`), else, or once a range
        is refused, along the date then the key until no due row is left.
        """
        walk = self.page_walk(engine, size)
        if walk is not None:
            for counts in self.walk_pages(engine, walk, size):
                if counts is None:
                    break
                yield counts, []
            else:
                return
        after: tuple[Any, ...] | None = None
        while True:
            upper, counts, failed = self.sweep_batch(engine, after, size)
            yield counts, failed
            if upper is None:
                return
            after = upper

    def sweep_batch(
        self, engine: Engine, after: tuple[Any, ...] | None, size: int
    ) -> tuple[tuple[Any, ...] | None, tuple[int, int], list[SweepFailure]]:
        """One batch in its own transaction, retried on a deadlock; row by row when the database refuses it.

        Returns the batch's upper bound (None: the last batch), its counts and the rows refused.
        """

        def batch(connection: Connection) -> tuple[tuple[Any, ...] | None, tuple[int, int]]:
            due = self.conditions.due
            assert due is not None
            upper = self.batches.batch_end(connection, due, after, size)
            return upper, self.change(connection, self.batches.within(after, upper))

        try:
            upper, counts = retry_transient(engine, batch, system=self.rules.name)
            return upper, counts, []
        except (sa.exc.IntegrityError, sa.exc.DataError):
            return self.row_by_row(engine, after, size)

    def page_walk(self, engine: Engine, size: int) -> PageWalk | None:
        """The walk by pages this dataset's due rows call for, or None (see `pages`)."""
        assert self.conditions.due is not None
        if engine.dialect.name != "postgresql":  # no connection opened to find out
            return None
        with read_only_connection(engine) as connection:
            return page_walk(connection, self.table, self.batches.columns[0], self.conditions.due, size)

    def walk_pages(self, engine: Engine, walk: PageWalk, size: int) -> Iterator[tuple[int, int] | None]:
        """Each range of pages swept in its own transaction: its counts; None for a range refused, then stop."""
        first, step = 0, walk.step
        while True:
            end = first + step if first + step < walk.pages else None  # the last range runs to the table's end
            change = functools.partial(self.change, bounds=page_range(first, end))
            try:
                counts = retry_transient(engine, change, system=self.rules.name)
            except (sa.exc.IntegrityError, sa.exc.DataError):
                yield None
                return
            yield counts
            if end is None:
                return
            step, first = next_step(step, sum(counts), size, walk.pages), end

    def change(self, connection: Connection, bounds: list[Condition]) -> tuple[int, int]:
        """Anonymise and delete the due rows within `bounds`, links to deleted rows cut first; (deleted, anonymised)."""
        conditions, table = self.conditions, self.table
        anonymised = deleted = 0
        pseudonyms = self.rules.pseudonyms.get(self.name)
        if conditions.anonymise is not None and conditions.values and pseudonyms is not None:
            anonymised = self.pseudonymise(connection, pseudonyms, bounds)
        elif conditions.anonymise is not None and conditions.values:
            statement = sa.update(table).where(conditions.anonymise, *bounds).values(dict(conditions.values))
            anonymised = connection.execute(statement).rowcount
        if conditions.delete is not None:
            if self.cut:
                self.cut_links(connection, bounds)
            deleted = connection.execute(sa.delete(table).where(conditions.delete, *bounds)).rowcount
        return deleted, anonymised

    def pseudonymise(self, connection: Connection, pseudonyms: RowPseudonyms, bounds: list[Condition]) -> int:
        """Anonymise the due rows within `bounds`, each with the keyed pseudonym of its own identity.

        The pseudonyms are computed in Python (HMAC of the row's identity) for
        the batch's rows, then written by one UPDATE run for every row.
        """
        assert self.conditions.anonymise is not None
        identity = [self.table.c[column] for _type, column in pseudonyms.identity]
        query = sa.select(self.key, *identity).where(self.conditions.anonymise, *bounds)
        rows = [tuple(row) for row in connection.execute(query)]
        if not rows:
            return 0
        statement = (
            sa.update(self.table)
            .where(self.key == sa.bindparam(ROW_KEY), self.conditions.anonymise)
            .values(dict(pseudonyms.values))
        )
        parameters = [{ROW_KEY: row[0], ROW_PSEUDONYM: pseudonyms.pseudonym(row[0], row[1:])} for row in rows]
        connection.execute(statement, parameters)
        return len(rows)

    def cut_links(self, connection: Connection, bounds: list[Condition]) -> None:
        """Set to NULL the references of other rows of the table to the rows about to be deleted (self-references)."""
        assert self.conditions.delete is not None
        query = sa.select(self.key).where(self.conditions.delete, *bounds)
        keys = list(connection.execute(query).scalars())
        for column in self.cut:
            for start in range(0, len(keys), _IN_LIST):
                chunk = keys[start : start + _IN_LIST]
                statement = sa.update(self.table).where(self.table.c[column].in_(chunk)).values({column: None})
                connection.execute(statement)

    def row_by_row(
        self, engine: Engine, after: tuple[Any, ...] | None, size: int
    ) -> tuple[tuple[Any, ...] | None, tuple[int, int], list[SweepFailure]]:
        """The batch the database refused, one row per transaction: the rows it accepts are swept, the others named."""
        due = self.conditions.due
        assert due is not None
        with read_only_connection(engine) as connection:
            upper = self.batches.batch_end(connection, due, after, size)
            query = sa.select(self.key).where(due, *self.batches.within(after, upper)).order_by(self.key)
            keys = list(connection.execute(query).scalars())
        deleted = anonymised = 0
        failures = []
        for value in keys:
            try:
                counts = retry_transient(engine, functools.partial(self.change_row, value), system=self.rules.name)
            except (sa.exc.IntegrityError, sa.exc.DataError) as error:
                failures.append(self.failure(value, error))
                continue
            deleted, anonymised = deleted + counts[0], anonymised + counts[1]
        return upper, (deleted, anonymised), failures

    def change_row(self, value: Any, connection: Connection) -> tuple[int, int]:
        return self.change(connection, [self.key == value])

    def failure(self, value: Any, error: sa.exc.DBAPIError) -> SweepFailure:
        action, reason = self.rules.actions[self.name]
        message = str(error.orig).splitlines()[0] if error.orig is not None else type(error).__name__
        return SweepFailure(self.rules.name, self.name, str(value), f"{action} ({reason})", message, _fix(message))


def _fix(message: str) -> str:
    """What to change so that the database accepts the write, from the database's own words."""
    text = message.lower()
    if "foreign key" in text or "foreign_key" in text or "1451" in text:
        return (
            "a table the policy does not declare references this row: declare that reference "
            "(references:) so the sweep orders it, or run `registre map --live`"
        )
    if "unique" in text or "duplicate" in text:
        return (
            "a UNIQUE column would get the same value twice: "
            "remove its `anonymize:` method (a unique value is the default)"
        )
    if "null" in text:
        return "a NOT NULL column would get NULL: declare `anonymize: redact`, `constant` or `hash` for it"
    return "check the column's constraints against the declared `anonymize:` method (`registre check --live`)"
