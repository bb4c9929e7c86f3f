"""Samples of a table's rows, drawn by the database: what the personal-data scanner reads.

The database does the drawing, so a scan reads a bounded number of rows
whatever the table's size: PostgreSQL's `TABLESAMPLE SYSTEM` (whole pages,
repeatable with the seed); elsewhere a keyed sample: random values of an
integer primary key between its bounds, looked up through the key's index.
A table without such a key, or too sparse for it, gives its first rows.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

# Keys drawn per wanted row: integer keys have gaps (deleted rows).
_KEY_DRAWS = 3


def sample_rows(
    connection: Connection, table: sa.Table, columns: Sequence[sa.Column[Any]], rows: int, seed: int = 0
) -> list[Sequence[Any]]:
    """Up to `rows` rows of `columns`, drawn at random (repeatably for a seed) by the database."""
    if rows <= 0 or not columns:
        return []
    if connection.dialect.name == "postgresql":
        sampled = _tablesample(connection, table, columns, rows, seed)
    else:
        sampled = _keyed_sample(connection, table, columns, rows, seed)
    if sampled is not None and len(sampled) >= min(rows, _row_count_floor(rows)):
        return sampled
    return [tuple(row) for row in connection.execute(sa.select(*columns).limit(rows))]


def _row_count_floor(rows: int) -> int:
    """A sample this short is retried as the table's first rows (small or sparse tables)."""
    return max(1, rows // 2)


def _tablesample(
    connection: Connection, table: sa.Table, columns: Sequence[sa.Column[Any]], rows: int, seed: int
) -> list[Sequence[Any]] | None:
    estimate = connection.execute(
        sa.text("SELECT reltuples FROM pg_class WHERE oid = CAST(:name AS regclass)"),
        {"name": _regclass_name(table)},
    ).scalar()
    if not estimate or estimate <= rows * 4:
        return None
    percent = min(100.0, 100.0 * rows * 4 / float(estimate))
    sample = sa.tablesample(table, sa.func.system(percent), name="sampled", seed=sa.literal(seed))
    statement = sa.select(*(sample.c[column.name] for column in columns)).limit(rows)
    return [tuple(row) for row in connection.execute(statement)]


def _regclass_name(table: sa.Table) -> str:
    quote = '"{}"'.format
    name = quote(table.name.replace('"', '""'))
    return f"{quote(table.schema.replace(chr(34), chr(34) * 2))}.{name}" if table.schema else name


def _keyed_sample(
    connection: Connection, table: sa.Table, columns: Sequence[sa.Column[Any]], rows: int, seed: int
) -> list[Sequence[Any]] | None:
    keys = list(table.primary_key.columns)
    if len(keys) != 1 or not isinstance(keys[0].type, sa.Integer):
        return None
    key = keys[0]
    low, high = connection.execute(sa.select(sa.func.min(key), sa.func.max(key))).one()
    if low is None or high - low + 1 <= rows * 2:
        return None
    draw = random.Random(f"{table.name}:{seed}")
    drawn = draw.sample(range(low, high + 1), min(rows * _KEY_DRAWS, high - low + 1))
    found: dict[Any, Sequence[Any]] = {
        row[-1]: tuple(row[:-1]) for row in connection.execute(sa.select(*columns, key).where(key.in_(drawn)))
    }
    # The first `rows` of the drawn order, not the lowest keys: the sample stays spread over the table.
    return [found[value] for value in drawn if value in found][:rows]
