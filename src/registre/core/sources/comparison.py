"""Text compared exactly, byte for byte, on every database.

PostgreSQL and SQLite compare text exactly. MariaDB and MySQL compare it in
the column's collation, by default without case, accents or trailing spaces
(`maurîce` = `Maurice ` there): an identity or a tenant would then reach
another person's or another client's rows. `exact_text(expression)` is the
expression itself elsewhere, and `CAST(CONVERT(expression USING utf8mb4) AS
BINARY)` on MariaDB/MySQL, whatever the column's character set: bytes,
compared without the padding that even `utf8mb4_bin` applies.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

_CASE_BLIND_SUFFIX = "_ci"


class exact_text(FunctionElement[str]):  # a SQL construct, named like a SQL function
    """A text expression that compares exactly (binary) on every dialect."""

    inherit_cache = True
    name = "exact_text"
    type = sa.String()

    @property
    def expression(self) -> sa.ColumnElement[Any]:
        expression: sa.ColumnElement[Any] = next(iter(self.clauses))
        return expression


@compiles(exact_text)
def _compile_exact(element: exact_text, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.expression, **kw)


@compiles(exact_text, "mysql")
@compiles(exact_text, "mariadb")
def _compile_exact_mysql(element: exact_text, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST(CONVERT({compiler.process(element.expression, **kw)} USING utf8mb4) AS BINARY)"


def padded_case_blind(column: sa.Column[Any]) -> bool:
    """Whether a MariaDB/MySQL column's collation ignores case and trailing spaces (`utf8mb4_general_ci`).

    Equality in such a collation finds a superset of the rows whose trimmed,
    lower-cased value is the one looked for (but for leading spaces): its
    index can then narrow the rows that the exact comparison checks.
    """
    collation = str(getattr(column.type, "collation", None) or "")
    if not collation and isinstance(column.table, sa.Table):
        # A column in the table's default collation: reflection states it on the table.
        for dialect in ("mysql", "mariadb"):
            collation = collation or str(column.table.dialect_options[dialect].get("collate") or "")
    if not collation:
        return False
    return collation.endswith(_CASE_BLIND_SUFFIX) and "nopad" not in collation and "0900" not in collation


def is_mysql(dialect_name: str) -> bool:
    return dialect_name in ("mysql", "mariadb")


class text_position(FunctionElement[int]):
    """The position (from 1, 0 if absent) of `needle` in `haystack`: `instr`, or `strpos` on PostgreSQL."""

    inherit_cache = True
    name = "text_position"
    type = sa.Integer()


@compiles(text_position)
def _compile_position(element: text_position, compiler: SQLCompiler, **kw: Any) -> str:
    return f"instr({compiler.process(element.clauses, **kw)})"


@compiles(text_position, "postgresql")
def _compile_position_postgresql(element: text_position, compiler: SQLCompiler, **kw: Any) -> str:
    return f"strpos({compiler.process(element.clauses, **kw)})"


class text_length(FunctionElement[int]):
    """The length of a text in characters: `length`, or `char_length` on MariaDB/MySQL (whose `length` counts bytes)."""

    inherit_cache = True
    name = "text_length"
    type = sa.Integer()


@compiles(text_length)
def _compile_length(element: text_length, compiler: SQLCompiler, **kw: Any) -> str:
    return f"length({compiler.process(element.clauses, **kw)})"


@compiles(text_length, "mysql")
@compiles(text_length, "mariadb")
def _compile_length_mysql(element: text_length, compiler: SQLCompiler, **kw: Any) -> str:
    return f"char_length({compiler.process(element.clauses, **kw)})"


class plain_value(FunctionElement[str]):
    """A value compared with an expression index: `+value` on SQLite (no column affinity), else `value`.

    SQLite applies a column's TEXT affinity to the other side of a comparison
    with an expression, and then cannot search an index on that expression
    (`lower(trim(email)) = registre_subjects.value` scans the table);
    the unary plus drops the affinity.
    """

    inherit_cache = True
    name = "plain_value"
    type = sa.String()


@compiles(plain_value)
def _compile_plain(element: plain_value, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(plain_value, "sqlite")
def _compile_plain_sqlite(element: plain_value, compiler: SQLCompiler, **kw: Any) -> str:
    return f"+{compiler.process(element.clauses, **kw)}"
