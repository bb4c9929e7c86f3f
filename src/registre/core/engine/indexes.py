"""The indexes that identity lookups need, and the statement that creates each one that is missing.

Identity columns are compared in normal form (`lower(trim(email))`, a phone
without separators): a plain index on the column does not serve that
comparison, an index on the same expression does. For each identity column
(and each mention by identity) whose type normalises, `identity_indexes`
compiles the comparison's column side for the system's database, looks for
an index on it, and gives the `CREATE INDEX` that serves it when there is
none:

- PostgreSQL and SQLite: an expression index on exactly that expression;
- MySQL 8: a functional index on the binary form the engine compares;
- MariaDB, which has no expression index: for e-mails and case-folded text,
  the plain index on the column (its case-blind collation narrows the rows
  first); for phones, nothing serves the comparison, and the advice says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from registre.core.engine.identities import column_expression, identity_normalisations
from registre.core.policy.model import Normalisation, Policy
from registre.core.sources.catalog import catalog_for
from registre.core.sources.comparison import exact_text, is_mysql, padded_case_blind
from registre.core.sources.connection import SourceError, describe_error, read_only_connection


@dataclass(frozen=True)
class IdentityIndex:
    """The index an identity column needs; `statement` creates it (None: present, or impossible: see `note`)."""

    system: str
    dataset: str
    column: str
    normalisation: str
    present: bool
    statement: str | None = None
    note: str | None = None

    def message(self) -> str:
        where = f"{self.system}.{self.dataset}.{self.column} ({self.normalisation})"
        if self.present:
            return f"{where}: indexed"
        return f"{where}: {self.note or 'no index serves identity lookups; create it with'}" + (
            f"\n    {self.statement}" if self.statement else ""
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "system": self.system,
            "dataset": self.dataset,
            "column": self.column,
            "normalisation": self.normalisation,
            "present": self.present,
            "statement": self.statement,
            "note": self.note,
        }


def identity_indexes(policy: Policy, systems: list[str] | None = None) -> tuple[list[IdentityIndex], dict[str, str]]:
    """For each normalised identity column of the systems: whether an index serves it, and how to create one.

    Returns the advice and, by system, the errors of systems that could not be inspected.
    """
    advice: list[IdentityIndex] = []
    errors: dict[str, str] = {}
    kinds = identity_normalisations(policy)
    for name, system in policy.systems.items():
        if systems and name not in systems:
            continue
        columns = _normalised_columns(policy, name, kinds)
        if not columns:
            continue
        catalog = catalog_for(system)
        try:
            with read_only_connection(catalog.engine) as connection:
                tables = catalog.tables(connection, {d: system.datasets[d] for d in {d for d, _, _ in columns}})
                advice += [_advise(connection, name, tables[d], d, c, k) for d, c, k in columns]
        except SourceError as error:
            errors[name] = str(error)
        except sa.exc.SQLAlchemyError as error:
            errors[name] = describe_error(error, system.url)
    return advice, errors


def _normalised_columns(
    policy: Policy, system: str, kinds: dict[str, Normalisation]
) -> list[tuple[str, str, Normalisation]]:
    found: dict[tuple[str, str], Normalisation] = {}
    for name, dataset in policy.systems[system].datasets.items():
        pairs = [*dataset.identity.items()]
        pairs += [(m.identity, column) for column, m in dataset.mentions.items() if m.identity is not None]
        for identity_type, column in pairs:
            kind = kinds.get(identity_type, "exact")
            if kind != "exact":
                found.setdefault((name, column), kind)
    return [(name, column, kind) for (name, column), kind in found.items()]


def _advise(
    connection: Connection, system: str, table: sa.Table, dataset: str, column: str, kind: Normalisation
) -> IdentityIndex:
    dialect = connection.dialect
    reflected = table.c[column]
    if not isinstance(reflected.type, sa.String):
        return IdentityIndex(system, dataset, column, kind, present=True, note="not text: compared as stored")
    expression = column_expression(reflected, kind)
    index_name = f"ix_{table.name}_{column}_{kind}"[:60]
    if dialect.name == "mariadb" or (is_mysql(dialect.name) and getattr(dialect, "is_mariadb", False)):
        return _advise_mariadb(connection, system, table, dataset, column, kind)
    if is_mysql(dialect.name):
        expression = exact_text(expression)
    statement = create_index(dialect, table, index_name, expression, functional=is_mysql(dialect.name))
    present = _expression_indexed(connection, table, expression)
    return IdentityIndex(system, dataset, column, kind, present, None if present else statement.strip())


def _advise_mariadb(
    connection: Connection, system: str, table: sa.Table, dataset: str, column: str, kind: Normalisation
) -> IdentityIndex:
    reflected = table.c[column]
    if kind == "phone" or not padded_case_blind(reflected):
        note = f"MariaDB has no expression index: lookups by this identity scan {table.name}"
        return IdentityIndex(system, dataset, column, kind, present=False, note=note)
    present = any(index["column_names"][:1] == [column] for index in sa.inspect(connection).get_indexes(table.name))
    present = present or any(
        constraint["column_names"][:1] == [column]
        for constraint in sa.inspect(connection).get_unique_constraints(table.name)
    )
    statement = str(
        sa.schema.CreateIndex(sa.Index(f"ix_{table.name}_{column}"[:60], reflected)).compile(dialect=connection.dialect)
    )
    return IdentityIndex(system, dataset, column, kind, present, None if present else statement.strip())


def create_index(
    dialect: sa.Dialect, table: sa.Table, name: str, expression: sa.ColumnElement[Any], *, functional: bool = False
) -> str:
    """`CREATE INDEX name ON table (expression)` in the dialect's SQL (a functional index: in double parentheses)."""
    quote = dialect.identifier_preparer.quote
    options = {"include_table": False, "literal_binds": True}
    compiled = str(expression.compile(dialect=dialect, compile_kwargs=options))
    body = f"({compiled})" if functional else compiled
    return f"CREATE INDEX {quote(name)} ON {quote(table.name)} ({body})"


def _expression_indexed(connection: Connection, table: sa.Table, expression: sa.ColumnElement[Any]) -> bool:
    """Whether the database's planner serves `expression = value` on `table` with an index.

    Asked of the planner itself (`EXPLAIN`), with sequential scans
    discouraged on PostgreSQL so that a small table still shows its index.
    """
    probe: sa.Select[Any] = (
        sa.select(sa.literal_column("1")).select_from(table).where(expression == sa.literal("registre-probe"))
    )
    compiled = str(probe.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
    dialect = connection.dialect.name
    if dialect == "postgresql":
        connection.execute(sa.text("SET LOCAL enable_seqscan = off"))
        plan = " ".join(str(row[0]) for row in connection.execute(sa.text("EXPLAIN " + compiled)))
        return "Index Cond" in plan  # an index searched, not scanned whole
    if dialect == "sqlite":
        plan = " ".join(str(row[-1]) for row in connection.execute(sa.text("EXPLAIN QUERY PLAN " + compiled)))
        return "SEARCH" in plan and "INDEX" in plan
    rows = connection.execute(sa.text("EXPLAIN " + compiled)).mappings().all()
    return any(row.get("key") and row.get("type") in ("ref", "eq_ref", "const", "range") for row in rows)
