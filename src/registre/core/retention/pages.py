"""Sweeping by pages on PostgreSQL: batches that follow where the due rows lie on disk, not their dates.

Batches cut along a rule's date (`sweep.BatchOrder`) read only the due rows,
through the index on that date. That is the right walk when the rows lie on
disk in about the order of that date (a log written day after day). When
they do not (a date copied from another system, rows updated since), each
batch of 10,000 due rows lies on about 10,000 different pages, and a sweep
of a million due rows reads the table's pages over and over, where one
`DELETE ... WHERE anchor < :cutoff` reads each page once: ten times slower
on a table larger than the database's cache.

So, on PostgreSQL 14 and later, when the statistics say that the date and
the physical order are unrelated (`pg_stats.correlation` under 0.5 either
way) and the planner expects at least as many due rows as the table has
pages (most pages then hold one), the sweep first walks the table in ranges
of pages (`ctid >= '(p,0)' AND ctid < '(q,0)'`, a TID range scan), each
range a batch in its own transaction, the due condition tested on every row
as in any batch. The ranges are sized so that each holds about a batch of
due rows. A range the database refuses (a constraint the policy does not
know of) ends the walk: the batches along the date then take over from the
start, one row at a time where a batch is refused, and name the rows.

A row is never changed for being in a range: only the due condition decides,
as the database stands at that batch. Rows an application moves to a page
already walked while the sweep runs are swept on the next day's run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.types import UserDefinedType

from registre.core.sources.connection import explain

Condition = sa.ColumnElement[bool]
# Above this correlation (either sign) between a date and the physical order, batches along the date read
# pages in about their order, and the walk by pages has nothing to gain.
CORRELATED = 0.5
# The walk needs TID range scans (PostgreSQL 14): before, `ctid >= ...` reads the whole table for each range.
TID_RANGE_SCANS = (14,)


class _Tid(UserDefinedType[str]):
    """PostgreSQL's `tid`: (page, item) of a row version."""

    cache_ok = True

    def get_col_spec(self, **_: Any) -> str:
        return "TID"


@dataclass(frozen=True)
class PageWalk:
    """The pages a walk covers (those of the table when it starts) and its first range, in pages."""

    pages: int
    step: int


def page_walk(
    connection: Connection, table: sa.Table, column: sa.ColumnElement[Any], due: Condition, batch_size: int
) -> PageWalk | None:
    """The walk by pages for the due rows of `table`, whose batches would follow `column`; None: batches along it.

    Read from the catalog and the planner (no row is read): see the module.
    """
    dialect = connection.dialect
    if dialect.name != "postgresql" or (dialect.server_version_info or (0,)) < TID_RANGE_SCANS:
        return None
    found = connection.execute(
        sa.text(
            "SELECT c.relkind, pg_relation_size(c.oid) / current_setting('block_size')::int AS pages, s.correlation "
            "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "LEFT JOIN pg_stats s ON s.schemaname = n.nspname AND s.tablename = c.relname AND s.attname = :column "
            "WHERE c.oid = to_regclass(:table)"
        ),
        {"table": dialect.identifier_preparer.format_table(table), "column": getattr(column, "name", "")},
    ).first()
    if found is None or found.relkind != "r" or found.correlation is None or abs(found.correlation) >= CORRELATED:
        return None
    pages = int(found.pages)
    expected = estimated_rows(connection, sa.select(sa.literal(1)).select_from(table).where(due))
    if pages < 1 or expected < pages:
        return None
    return PageWalk(pages, max(1, round(batch_size * pages / expected)))


def estimated_rows(connection: Connection, statement: sa.Select[Any]) -> float:
    """The rows PostgreSQL's planner expects `statement` to return (it runs nothing)."""
    (plan,) = explain(connection, statement, "FORMAT JSON")
    return float(plan[0]["Plan"]["Plan Rows"])


def page_range(first: int, end: int | None) -> list[Condition]:
    """The rows of pages `first` (included) to `end` (excluded; None: to the end, pages added since included)."""
    ctid = sa.literal_column("ctid", _Tid())
    bounds = [ctid >= sa.cast(sa.literal(f"({first},0)"), _Tid())]
    return bounds if end is None else [*bounds, ctid < sa.cast(sa.literal(f"({end},0)"), _Tid())]


def next_step(step: int, done: int, batch_size: int, pages: int) -> int:
    """The next range's size in pages: so that it holds about a batch, given what the last one held."""
    if done <= 0:
        return min(step * 2, pages)
    return max(1, min(step * 8, round(step * batch_size / done)))
