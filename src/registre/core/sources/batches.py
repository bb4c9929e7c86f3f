"""Batches of identities in a temporary table, so that one statement finds many data subjects.

A batch of data subjects goes to the target database as rows of a temporary
table `registre_subjects (subject_ref, identity_type, value, pseudonym)`,
private to the session and dropped at the end: statements join it instead of
carrying thousands of bound parameters. Temporary tables are created before a read-only transaction
starts (PostgreSQL and MariaDB refuse `CREATE` inside one, but let it read
and fill a temporary table).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import DDLCompiler
from sqlalchemy.sql.ddl import ExecutableDDLElement

from registre.core.sources.connection import read_only_transaction

# Lengths that keep the primary key under the 2,000-byte limit of MariaDB's Aria temporary tables.
SUBJECT_REF_LENGTH = 128
IDENTITY_TYPE_LENGTH = 64
IDENTITY_VALUE_LENGTH = 255
PSEUDONYM_LENGTH = 64


class IdentityRow(NamedTuple):
    """One identity value of one data subject, with the subject's pseudonym (or None)."""

    subject_ref: str
    identity_type: str
    value: str
    pseudonym: str | None = None


class _DropTemporaryTable(ExecutableDDLElement):
    """`DROP TABLE`, said `DROP TEMPORARY TABLE` on MariaDB/MySQL, where a plain DROP would commit."""

    def __init__(self, table: sa.Table) -> None:
        self.table = table


@compiles(_DropTemporaryTable)
def _compile_drop(element: _DropTemporaryTable, compiler: DDLCompiler, **kw: Any) -> str:
    return "DROP TABLE " + compiler.preparer.format_table(element.table)


@compiles(_DropTemporaryTable, "mysql")
@compiles(_DropTemporaryTable, "mariadb")
def _compile_drop_mysql(element: _DropTemporaryTable, compiler: DDLCompiler, **kw: Any) -> str:
    return "DROP TEMPORARY TABLE " + compiler.preparer.format_table(element.table)


class _AnalyzeTable(ExecutableDDLElement):
    """`ANALYZE table`: PostgreSQL never analyses temporary tables by itself."""

    def __init__(self, table: sa.Table) -> None:
        self.table = table


@compiles(_AnalyzeTable)
def _compile_analyze(element: _AnalyzeTable, compiler: DDLCompiler, **kw: Any) -> str:
    return "ANALYZE " + compiler.preparer.format_table(element.table)


def _identity_table() -> sa.Table:
    return sa.Table(
        "registre_subjects",
        sa.MetaData(),
        sa.Column("identity_type", sa.String(IDENTITY_TYPE_LENGTH), primary_key=True),
        sa.Column("value", sa.String(IDENTITY_VALUE_LENGTH), primary_key=True),
        sa.Column("subject_ref", sa.String(SUBJECT_REF_LENGTH), primary_key=True),
        # Values equal but for their case are one value in MariaDB's default collations: keep both.
        sa.Column("position", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("pseudonym", sa.String(PSEUDONYM_LENGTH), nullable=True),
        prefixes=["TEMPORARY"],
    )


# One name for every batch: the table is private to its session, which holds one batch at a time (a
# session that fails is discarded), and statements on it can be compiled once.
IDENTITY_TABLE = _identity_table()


def create_identity_table(connection: Connection, rows: Sequence[IdentityRow]) -> sa.Table:
    """Create a temporary table of `rows` on the connection's session and return it.

    Runs in the connection's current transaction; the caller drops the table
    with `drop_identity_table`. The primary key (type, value, subject,
    position) is declared in the `CREATE` itself: MariaDB commits on `CREATE INDEX`.
    Duplicate rows are written once.
    """
    table = IDENTITY_TABLE
    table.create(connection)
    unique = list(dict.fromkeys(rows))
    if unique:
        connection.execute(table.insert(), [{**row._asdict(), "position": n} for n, row in enumerate(unique)])
    if connection.dialect.name == "postgresql":
        connection.execute(_AnalyzeTable(table))
    return table


def drop_identity_table(connection: Connection, table: sa.Table) -> None:
    """Drop a table made by `create_identity_table`, in the connection's current transaction."""
    connection.execute(_DropTemporaryTable(table))


@contextmanager
def read_only_batch(engine: Engine, rows: Sequence[IdentityRow]) -> Iterator[tuple[Connection, sa.Table]]:
    """A read-only connection (as `read_only_connection`) that can join a temporary table of `rows`.

    1. Check out a connection; create and fill the table in a short
       transaction of its own (it changes nothing but the session's
       temporary table, which no other session sees).
    2. Yield the connection in a read-only transaction.
    3. Drop the table, whatever happened.
    """
    with engine.connect() as connection:
        with connection.begin():
            table = create_identity_table(connection, rows)
        try:
            with read_only_transaction(connection) as reader:
                yield reader, table
        finally:
            if connection.in_transaction():
                connection.rollback()
            with connection.begin():
                drop_identity_table(connection, table)
