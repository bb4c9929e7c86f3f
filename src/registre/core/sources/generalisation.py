"""Dates generalised to the first day of their year or month, in each database's own SQL.

Anonymising a birth date or a signature date often keeps its year (`anonymize:
year`) or its month (`anonymize: month`): enough for statistics, too little
to single a person out. The truncation runs in the database, column by
column, through these two SQL constructs; each dialect gets its own
functions, and the result keeps the column's type (a DATE stays a DATE, a
TIMESTAMP becomes midnight on that day).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement


class _DateStart(FunctionElement[Any]):
    inherit_cache = True
    unit = ""

    def __init__(self, column: sa.ColumnElement[Any]) -> None:
        super().__init__(column)
        self.type = column.type

    @property
    def column(self) -> sa.ColumnElement[Any]:
        column: sa.ColumnElement[Any] = next(iter(self.clauses))
        return column

    @property
    def has_time(self) -> bool:
        return isinstance(self.column.type, sa.DateTime)


class year_start(_DateStart):  # a SQL construct, named like a SQL function
    """The first day of the year of a date or timestamp column (midnight for a timestamp)."""

    inherit_cache = True
    name = "year_start"
    unit = "year"


class month_start(_DateStart):
    """The first day of the month of a date or timestamp column (midnight for a timestamp)."""

    inherit_cache = True
    name = "month_start"
    unit = "month"


@compiles(year_start)
@compiles(month_start)
def _compile_unsupported(element: _DateStart, compiler: SQLCompiler, **kw: Any) -> str:
    raise sa.exc.CompileError(
        f"generalising a date to its {element.unit} is not implemented for {compiler.dialect.name}"
    )


@compiles(year_start, "postgresql")
@compiles(month_start, "postgresql")
def _compile_postgresql(element: _DateStart, compiler: SQLCompiler, **kw: Any) -> str:
    truncated = sa.func.date_trunc(element.unit, element.column)
    target = sa.DateTime() if element.has_time else sa.Date()
    return compiler.process(sa.cast(truncated, target), **kw)


@compiles(year_start, "mysql")
@compiles(year_start, "mariadb")
@compiles(month_start, "mysql")
@compiles(month_start, "mariadb")
def _compile_mysql(element: _DateStart, compiler: SQLCompiler, **kw: Any) -> str:
    pattern = "%Y-01-01" if element.unit == "year" else "%Y-%m-01"
    day = sa.func.str_to_date(sa.func.date_format(element.column, pattern), "%Y-%m-%d")
    return compiler.process(sa.cast(day, sa.DateTime()) if element.has_time else day, **kw)


@compiles(year_start, "sqlite")
@compiles(month_start, "sqlite")
def _compile_sqlite(element: _DateStart, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLAlchemy stores SQLite dates as text: 'YYYY-MM-DD' and 'YYYY-MM-DD HH:MM:SS.ffffff'.
    pattern = "%Y-01-01" if element.unit == "year" else "%Y-%m-01"
    if element.has_time:
        pattern += " 00:00:00.000000"
    return compiler.process(sa.func.strftime(pattern, element.column), **kw)
