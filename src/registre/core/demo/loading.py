"""Loading generated batches into a database: COPY on PostgreSQL, multi-row inserts elsewhere.

1. Create the tables without their secondary indexes.
2. Write each batch in its own transaction, in the order of the foreign keys.
3. Create the indexes, then move PostgreSQL's id sequences past the
   generated ids (rows carry explicit ids so that foreign keys can be set
   while generating), so that rows inserted later get fresh ids.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from psycopg import sql

from registre.core.demo.schema import create_empty_tables, create_indexes

Batch = Mapping[str, Sequence[Mapping[str, Any]]]


def load_system(
    engine: sa.Engine,
    metadata: sa.MetaData,
    batches: Iterable[tuple[Batch, int]],
    on_batch: Callable[[int], None],
) -> dict[str, int]:
    """Replace the tables of `metadata` by the rows of `batches`; return the row count by table.

    `batches` yields (rows by table name, progress figure); `on_batch` receives
    the figure once the batch is committed.
    """
    with engine.begin() as connection:
        create_empty_tables(connection, metadata)
    counts = dict.fromkeys(metadata.tables, 0)
    for batch, done in batches:
        with engine.begin() as connection:
            for table in metadata.sorted_tables:
                write_rows(connection, table, batch[table.name])
                counts[table.name] += len(batch[table.name])
        on_batch(done)
    with engine.begin() as connection:
        create_indexes(connection, metadata)
        reset_sequences(connection, metadata)
    return counts


def write_rows(connection: sa.Connection, table: sa.Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert `rows` (all with the same keys) into `table` within the connection's transaction."""
    if not rows:
        return
    if connection.dialect.name == "postgresql" and connection.dialect.driver == "psycopg":
        _copy_rows(connection, table, rows)
    else:
        connection.execute(table.insert(), list(rows))


def _copy_rows(connection: sa.Connection, table: sa.Table, rows: Sequence[Mapping[str, Any]]) -> None:
    # COPY is about twice as fast as INSERT on PostgreSQL. SQLAlchemy Core
    # cannot express it; psycopg's sql module quotes the identifiers.
    columns = [table.c[name].name for name in rows[0]]
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name), sql.SQL(", ").join(sql.Identifier(name) for name in columns)
    )
    driver_connection = connection.connection.driver_connection
    assert driver_connection is not None
    with driver_connection.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([row[name] for name in columns])


def reset_sequences(connection: sa.Connection, metadata: sa.MetaData) -> None:
    """On PostgreSQL, make each table's id sequence continue after its largest id."""
    if connection.dialect.name != "postgresql":
        return
    for table in metadata.sorted_tables:
        sequence = sa.func.pg_get_serial_sequence(table.name, "id")
        following = sa.select(sa.func.coalesce(sa.func.max(table.c.id), 0) + 1).scalar_subquery()
        connection.execute(sa.select(sa.func.setval(sequence, following, False)))
