"""Tables as the target database describes them: the ground the SQL of the engine is built on.

Statements on personal data are SQLAlchemy Core expressions over reflected
tables. The table and schema names come from the validated policy, never from
a request, so nothing but a declared dataset can be reached.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from registre.core.policy.model import Dataset
from registre.core.sources.connection import SourceError


def qualified_name(table: str, schema: str | None) -> str:
    """`schema.table`, or `table` in the default schema."""
    return f"{schema}.{table}" if schema else table


def reflect_dataset(
    connection: Connection, name: str, dataset: Dataset, metadata: sa.MetaData | None = None
) -> sa.Table:
    """The table of dataset `name` with its columns, keys and types, read from the database.

    Reflected into `metadata` (a new one when None), so that the tables of one
    system can share theirs and resolve foreign keys. Raises
    `sqlalchemy.exc.NoSuchTableError` when the table does not exist.
    """
    return sa.Table(
        dataset.table_name(name),
        metadata if metadata is not None else sa.MetaData(),
        schema=dataset.schema_,
        autoload_with=connection,
    )


def reflect_tables(
    connection: Connection, schema: str | None, names: Sequence[str], metadata: sa.MetaData
) -> dict[str, sa.Table]:
    """The tables `names` of `schema`, by name, reflected together into `metadata`.

    SQLAlchemy reads the columns, keys, indexes... of all the tables with one
    query per kind, where `reflect_dataset` spends a round per table. Only the
    named tables are read (views too), and the tables their foreign keys point
    to are not reflected with them. Raises `sqlalchemy.exc.NoSuchTableError`
    naming the first table that does not exist.
    """
    try:
        metadata.reflect(connection, schema=schema, only=list(names), views=True, resolve_fks=False)
    except sa.exc.InvalidRequestError:  # a table is missing: find which, with a few more queries
        inspector = sa.inspect(connection)
        available = {*inspector.get_table_names(schema), *inspector.get_view_names(schema)}
        missing = [table for table in names if table not in available]
        if not missing:
            raise
        raise sa.exc.NoSuchTableError(missing[0]) from None
    prefix = f"{schema}." if schema else ""
    return {table: metadata.tables[prefix + table] for table in names}


def check_declared_columns(name: str, dataset: Dataset, table: sa.Table) -> None:
    """Raise SourceError naming the policy's fields that the table no longer has (a dropped or renamed column)."""
    missing = sorted(column for column in dataset.declared_columns() if column not in table.c)
    if missing:
        where = qualified_name(dataset.table_name(name), dataset.schema_)
        raise SourceError(
            f"dataset {name}: the policy declares {', '.join(missing)}, which table {where} no longer has; "
            "update the policy (`registre map --live` shows every difference)"
        )
