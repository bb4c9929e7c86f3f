"""Batches of identities in a temporary table, so that one statement finds many data subjects.

A batch of data subjects goes to the target database as rows of a temporary
table `registre_subjects (subject_ref, identity_type, value, pseudonym)`,
private to the session and dropped at the end: statements join it instead of
carrying thousands of bound parameters. Temporary tables are created before a read-only transaction
starts (PostgreSQL and MariaDB refuse `CREATE` inside one, but let it read
and fill a temporary table).

Reads must also work with read-only credentials, where the session may not
create the table (a PostgreSQL role without the TEMPORARY privilege or with
`default_transaction_read_only`, a MariaDB user without CREATE TEMPORARY
TABLES; an SQLite file opened `mode=ro` still may). The same statements then run with the
table's name defined by the statement itself, `WITH registre_subjects
(subject_ref, identity_type, value, pseudonym) AS (VALUES (:p1, :p2, :p3,
:p4), ...)`: every value a bound parameter, in parts that stay under the
database's limit of parameters per statement (see `BatchValues`).

A batch that writes also resolves, once, the rows its identities name in
each dataset into a temporary table of keys, `registre_rows_<n>` (see
`row_table`), that its statements join instead of comparing identities again.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NamedTuple, TypeVar, cast

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import visitors
from sqlalchemy.sql.compiler import DDLCompiler
from sqlalchemy.sql.ddl import ExecutableDDLElement

from registre.core.sources.comparison import is_mysql
from registre.core.sources.connection import explain, read_only_transaction
from registre.core.sources.trail import SESSION_TABLE_PREFIX

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
    unique = [{**row._asdict(), "position": n} for n, row in enumerate(dict.fromkeys(rows))]
    if unique and connection.dialect.name == "postgresql":
        connection.execute(_json_insert(table), {"rows": unique})
    elif unique:
        connection.execute(table.insert(), unique)
    if connection.dialect.name == "postgresql":
        connection.execute(_AnalyzeTable(table))
    return table


_COLUMNS = ("identity_type", "value", "subject_ref", "position", "pseudonym")


def _json_insert(table: sa.Table) -> sa.Insert:
    """`INSERT INTO table SELECT ... FROM json_to_recordset(:rows) AS rows(identity_type, ...)` (PostgreSQL).

    A batch of any size is one statement with one parameter, where an
    `executemany` sends a statement per row (and arrays of text are slow to
    encode).
    """
    records = sa.bindparam("rows", type_=postgresql.JSON())
    columns = [sa.column(name, table.c[name].type) for name in _COLUMNS]
    rows = sa.func.json_to_recordset(records).table_valued(*columns).render_derived(with_types=True)
    return table.insert().from_select(list(_COLUMNS), sa.select(*(rows.c[name] for name in _COLUMNS)))


def drop_identity_table(connection: Connection, table: sa.Table) -> None:
    """Drop a table made by `create_identity_table` (or `fill_row_table`), in the connection's current transaction."""
    connection.execute(_DropTemporaryTable(table))


def row_table(number: int, key: sa.Column[Any]) -> sa.Table:
    """The temporary table `registre_rows_<number>` (row_key, subject_ref, pseudonym) for a dataset keyed by `key`.

    It holds, once per batch, the key of each row of the dataset that an
    identity of the batch names, with that subject and their pseudonym:
    every statement of the batch then joins the dataset's rows by key,
    where it would otherwise compare each row's identity columns (in normal
    form: `lower(trim(email))`, computed over the whole table) again.
    """
    return sa.Table(
        f"{SESSION_TABLE_PREFIX}{number}",
        sa.MetaData(),
        sa.Column("row_key", key.type, primary_key=True),
        sa.Column("subject_ref", sa.String(SUBJECT_REF_LENGTH), primary_key=True),
        sa.Column("pseudonym", sa.String(PSEUDONYM_LENGTH), nullable=True),
        prefixes=["TEMPORARY"],
    )


def fits_row_table(key: sa.Column[Any], dialect: str) -> bool:
    """Whether a dataset keyed by `key` can have a `row_table`: a key the database keeps unique, that fits.

    Rows are found again by their key: it must be the table's primary key or
    unique. MariaDB/MySQL keep a primary key under 2,000 bytes: a longer text
    key (or a TEXT one, which cannot be a primary key) is left out. A dataset
    left out compares identities in each statement.
    """
    if not _unique(key):
        return False
    if not is_mysql(dialect) or not isinstance(key.type, sa.String):
        return True
    length = getattr(key.type, "length", None)
    return length is not None and length <= IDENTITY_VALUE_LENGTH and not isinstance(key.type, sa.Text)


def _unique(column: sa.Column[Any]) -> bool:
    """Whether the reflected `column` alone is its table's primary key, or has a unique index or constraint."""
    table = column.table
    if list(table.primary_key.columns) == [column]:
        return True
    indexes = [list(index.columns) for index in table.indexes if index.unique]
    constraints = [list(c.columns) for c in table.constraints if isinstance(c, sa.UniqueConstraint)]
    return [column] in indexes or [column] in constraints


def fill_row_table(connection: Connection, table: sa.Table, rows: sa.Select[Any]) -> None:
    """Create the temporary `table` (a `row_table`) on the session and fill it with `rows`, in one statement."""
    table.create(connection)
    connection.execute(table.insert().from_select(["row_key", "subject_ref", "pseudonym"], rows))
    if connection.dialect.name == "postgresql":
        connection.execute(_AnalyzeTable(table))


@contextmanager
def read_only_batch(engine: Engine, rows: Sequence[IdentityRow]) -> Iterator[tuple[Connection, BatchValues | None]]:
    """A read-only connection (as `read_only_connection`) whose statements can join the identities of `rows`.

    1. Check out a connection; create and fill the temporary table in a
       short transaction of its own (it changes nothing but the session's
       temporary table, which no other session sees). Yield None with the
       connection: statements join `IDENTITY_TABLE`.
    2. When the session may not create it (read-only credentials), yield
       the rows as `BatchValues` instead: run each statement through it.
    3. Either way, the connection is in a read-only transaction; the table,
       if made, is dropped whatever happened.
    """
    with engine.connect() as connection:
        made = _create_if_allowed(connection, rows)
        values = None if made else BatchValues(rows, connection.dialect.name)
        try:
            with read_only_transaction(connection) as reader:
                yield reader, values
        finally:
            if connection.in_transaction():
                connection.rollback()
            if made:
                with connection.begin():
                    drop_identity_table(connection, IDENTITY_TABLE)


def _create_if_allowed(connection: Connection, rows: Sequence[IdentityRow]) -> bool:
    """Create the table of `rows` in a transaction of its own; False, leaving nothing, when the session may not.

    PostgreSQL refuses it in a read-only session or to a role without the
    TEMPORARY privilege, MariaDB to a user without CREATE TEMPORARY TABLES,
    SQLite on a connection that may not write. A lost connection is raised.
    """
    try:
        with connection.begin():
            create_identity_table(connection, rows)
    except sa.exc.DBAPIError as error:
        if error.connection_invalidated:
            raise
        return False
    return True


def searches_index(connection: Connection, statement: sa.Select[Any]) -> bool:
    """Whether PostgreSQL's plan for `statement` searches an index with an array (`Index Cond: ... = ANY`)."""
    return any("Index Cond" in line and "ANY" in line for line in explain(connection, statement))


# Bound parameters one statement may carry: SQLite 32,766 (since 3.32), PostgreSQL and MariaDB/MySQL 65,535
# (server-side placeholders). Other dialects get a cautious count: SQL Server stops at 2,100.
PARAMETER_LIMITS = {"sqlite": 32_766, "postgresql": 65_535, "mysql": 65_535, "mariadb": 65_535}
OTHER_PARAMETER_LIMIT = 2_000
# Kept for the statement's own parameters (tenant, restrict flag, the dates of holds, rectified values).
STATEMENT_PARAMETERS = 500

Statement = TypeVar("Statement", bound=sa.Executable)


class BatchValues:
    """The identities of a batch as VALUES lists, for a session that may not create the temporary table.

    Statements are built on `IDENTITY_TABLE` as always (the plan shows the
    SQL that an erasure runs); `statements` gives each one with the table's
    name defined in a `WITH` clause over bound parameters. A batch whose
    parameters would exceed the database's limit is cut into parts, each
    subject with all of its rows in one part: counts per subject add up
    exactly across parts, and a row shared by subjects of two parts is
    counted in each.
    """

    def __init__(self, rows: Sequence[IdentityRow], dialect: str) -> None:
        limit = PARAMETER_LIMITS.get(dialect, OTHER_PARAMETER_LIMIT) - STATEMENT_PARAMETERS
        self.parts = tuple(_values_of(part) for part in split_rows(list(dict.fromkeys(rows)), limit))

    def statements(self, statement: Statement) -> list[Statement]:
        """`statement` once per part, reading that part's VALUES where it read the temporary table."""
        return [_reading(statement, part) for part in self.parts]


def split_rows(rows: Sequence[IdentityRow], limit: int) -> list[list[IdentityRow]]:
    """The rows in consecutive parts of at most `limit` bound parameters, a subject's rows never apart.

    A row binds its reference, type and value, and its pseudonym when it
    has one (a missing one is the literal NULL). One part, empty, for no rows.
    """
    by_subject: dict[str, list[IdentityRow]] = {}
    for row in rows:
        by_subject.setdefault(row.subject_ref, []).append(row)
    parts: list[list[IdentityRow]] = [[]]
    used = 0
    for found in by_subject.values():
        needed = sum(3 if row.pseudonym is None else 4 for row in found)
        if parts[-1] and used + needed > limit:
            parts.append([])
            used = 0
        parts[-1].extend(found)
        used += needed
    return parts


def _values_of(rows: Sequence[IdentityRow]) -> sa.CTE:
    """`registre_subjects (subject_ref, identity_type, value, pseudonym) AS (VALUES ...)`, a row of NULLs if none."""
    columns = [sa.column(name, IDENTITY_TABLE.c[name].type) for name in IdentityRow._fields]
    data = [tuple(row) for row in rows] or [(None, None, None, None)]
    return sa.values(*columns, name=IDENTITY_TABLE.name).data(data).cte(IDENTITY_TABLE.name)


def _reading(statement: Statement, values: sa.CTE) -> Statement:
    """`statement` with the temporary table and its columns replaced by `values` and its columns."""

    def replace(element: Any, **kw: Any) -> Any:
        if element is IDENTITY_TABLE:
            return values
        if isinstance(element, sa.Column) and element.table is IDENTITY_TABLE:
            return values.c[element.name]
        return None

    # Every statement is a clause element; SQLAlchemy types `Executable` apart.
    return cast(Statement, visitors.replacement_traverse(cast(sa.ClauseElement, statement), {}, replace))
