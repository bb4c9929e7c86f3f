"""Counting a subject's rows in a dataset: one statement, per subject for a batch.

A census counts the subject's rows, the rows meeting each of a few named
conditions (held, still personal...) and takes a few maxima (the latest
anchor date of each hold), in a single `SELECT` with `SUM(CASE ...)` and
`MAX(CASE ...)`. For a batch, the same statement joins the rows to the
subjects they belong to and groups by subject.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, partial
from typing import Any

import sqlalchemy as sa

from registre.core.engine.systems import SystemWork

Condition = sa.ColumnElement[bool]
_MAXIMUM = "max_"


class Census:
    """The subject's rows in one dataset, the rows meeting each named condition, and the maxima.

    Holds the values of a census row as they came (`rows`, then each count,
    then each maximum) and reads them by name: a batch builds one census per
    subject and dataset, so building one must cost little.
    """

    __slots__ = ("_index", "_values")

    def __init__(self, values: Sequence[Any] = (0,), index: Mapping[str, int] | None = None) -> None:
        self._values = values
        self._index = index or {}

    @classmethod
    def of(cls, rows: int, counts: Mapping[str, int], maxima: Mapping[str, Any]) -> Census:
        names = [*counts, *maxima]
        values = (rows, *counts.values(), *maxima.values())
        return cls(values, {name: position for position, name in enumerate(names, 1)})

    @property
    def rows(self) -> int:
        return int(self._values[0] or 0)

    def has(self, name: str) -> bool:
        """Whether the census counted or took `name`."""
        return name in self._index

    def count(self, name: str) -> int:
        position = self._index.get(name)
        return 0 if position is None else int(self._values[position] or 0)

    def maximum(self, name: str) -> Any:
        position = self._index.get(name)
        return None if position is None else self._values[position]

    @property
    def counts(self) -> dict[str, int]:
        return {name: self.count(name) for name in self._index if not name.startswith(_MAXIMUM)}

    @property
    def maxima(self) -> dict[str, Any]:
        return {name: self._values[position] for name, position in self._index.items() if name.startswith(_MAXIMUM)}


NOTHING = Census()  # the census of a subject without rows


class Censuses:
    """A dataset's census for each subject of the request that has rows in it, and for all of them together.

    In a batch, a row may belong to several subjects (two people sharing a
    phone number, a company and its contact): an `overall` census counted by
    the database counts it once; without one, `overall` adds the subjects'
    censuses up when first asked. The census rows of a batch are kept as
    they came and read when asked: a batch has one per subject and dataset.
    """

    def __init__(self, rows: Sequence[Sequence[Any]], index: Mapping[str, int], overall: Census | None = None) -> None:
        self._rows = rows
        self._index = index
        self._overall = overall

    @cached_property
    def per_subject(self) -> dict[str, Census]:
        """By subject reference, for the subjects with rows in the dataset."""
        return {row[0]: Census(row[1:], self._index) for row in self._rows}

    @cached_property
    def overall(self) -> Census:
        return self._overall if self._overall is not None else _sum(self.per_subject.values())

    def of(self, reference: str) -> Census:
        """The census of one subject (zeros when it has no row in the dataset)."""
        return self.per_subject.get(reference, NOTHING)

    def counts(self, *names: str | None) -> dict[str, tuple[int, ...]]:
        """By subject, the counts `names` straight from the census rows: `rows` for the rows, None for 0."""
        positions = [0 if name == "rows" else self._index.get(name) if name else None for name in names]
        return {
            row[0]: tuple(0 if position is None else int(row[position + 1] or 0) for position in positions)
            for row in self._rows
        }


@dataclass(frozen=True)
class Tally:
    """What a census counts (rows meeting each named condition) and the maxima it takes.

    The names of maxima start with `max_`.
    """

    counts: dict[str, Condition] = field(default_factory=dict)
    maxima: dict[str, sa.ColumnElement[Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if any(not name.startswith(_MAXIMUM) for name in self.maxima):
            raise ValueError(f"the names of maxima start with {_MAXIMUM}")

    @cached_property
    def index(self) -> dict[str, int]:
        """The position of each count and maximum in a census row (after `rows`)."""
        return {name: position for position, name in enumerate([*self.counts, *self.maxima], 1)}


def census_statement(work: SystemWork, name: str, tally: Tally, *, by_subject: bool) -> sa.Select[Any]:
    """`SELECT [subject_ref,] COUNT(*), SUM(CASE WHEN c THEN 1 ELSE 0 END)..., MAX(m)... FROM dataset ...`.

    `by_subject` (batches only) joins the rows to the subjects they belong
    to and groups by subject; otherwise the subject's condition selects the rows.
    """
    table = work.table(name)
    columns: list[sa.ColumnElement[Any]] = [sa.func.count().label("rows")]
    columns += [sa.func.sum(sa.case((condition, 1), else_=0)).label(key) for key, condition in tally.counts.items()]
    columns += [sa.func.max(expression).label(key) for key, expression in tally.maxima.items()]
    if not by_subject:
        condition = work.scope.condition(name)
        assert condition is not None, f"{name} is not reached"
        return sa.select(*columns).select_from(table).where(condition)
    paths = work.scope.owners(name)
    if len(paths) == 1:
        # One path: count on its join directly (a row of a subject is found once on one path).
        (path,) = paths
        subject_ref = path.subject_ref.label("subject_ref")
        return sa.select(subject_ref, *columns).select_from(path.joined).where(*path.conditions).group_by(subject_ref)
    key_column = table.c[work.dataset(name).key]
    owners = work.scope.attribution(name, key_column.name).subquery("owners")
    return (
        sa.select(owners.c.subject_ref, *columns)
        .select_from(table.join(owners, key_column == owners.c.row_value))
        .group_by(owners.c.subject_ref)
    )


def take_census(
    work: SystemWork,
    name: str,
    key: str,
    tally: Callable[[], Tally],
    *,
    overall: bool = True,
) -> Censuses:
    """Run the census `key` of dataset `name` for every subject of the request (zeros when none found).

    `tally` builds what to count the first time; the statements are kept in
    the system's template under `key`. For a batch: one statement grouped
    by subject, and (with `overall`) one more for the distinct rows of all
    subjects; without it, `overall` adds the subjects' censuses up (shared
    rows counted for each). A batch read in parts (see `SystemWork.rows`)
    adds up the parts' overall censuses.
    """
    counted = work.template.statement(("tally", key, name), tally)
    if not work.request.batch:
        values = _values(work, name, key, counted, by_subject=False)
        return Censuses([(work.request.subjects[0].reference, *values)], counted.index, Census(values, counted.index))
    statement = _statement(work, name, key, counted, by_subject=True)
    rows = work.rows(statement, f"counted {name} per subject")
    return Censuses(rows, counted.index, _overall(work, name, key, counted) if overall else None)


def _overall(work: SystemWork, name: str, key: str, tally: Tally) -> Census:
    """The census of the distinct rows of all the subjects of a batch (added up over its parts, if read in parts)."""
    statement = _statement(work, name, key, tally, by_subject=False)
    censuses = [Census(tuple(row), tally.index) for row in work.rows(statement, f"counted {name}")]
    return censuses[0] if len(censuses) == 1 else _sum(censuses)


def _statement(work: SystemWork, name: str, key: str, tally: Tally, *, by_subject: bool) -> sa.Select[Any]:
    build = partial(census_statement, work, name, tally, by_subject=by_subject)
    return work.template.statement(("census", key, name, by_subject), build)


def _values(work: SystemWork, name: str, key: str, tally: Tally, *, by_subject: bool) -> tuple[Any, ...]:
    statement = _statement(work, name, key, tally, by_subject=by_subject)
    return tuple(work.execute(statement, f"counted {name}").one())


def _sum(censuses: Iterable[Census]) -> Census:
    """The censuses added up: rows and counts summed, the greatest of each maximum."""
    rows, counts, maxima = 0, dict[str, int](), dict[str, Any]()
    for census in censuses:
        rows += census.rows
        for name, count in census.counts.items():
            counts[name] = counts.get(name, 0) + count
        for name, value in census.maxima.items():
            known = maxima.get(name)
            maxima[name] = value if known is None or (value is not None and value > known) else known
    return Census.of(rows, counts, maxima)
