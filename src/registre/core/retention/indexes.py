"""The indexes a sweep needs: one on each date a retention rule or a legal hold counts from.

A sweep finds due rows through the date they count from (`anchor < first
day still running`) and cuts its batches along it (`sweep.BatchOrder`);
holds test `anchor >= first day held`. Without an index whose first column
is that date, each batch reads the table. `registre map --live` prints the
statement that creates each missing index, in the dialect of its database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from registre.core.engine.holds import hold_rules
from registre.core.policy.model import Policy
from registre.core.retention.rules import retention_rules
from registre.core.sources.catalog import catalog_for
from registre.core.sources.connection import SourceError, read_only_connection


@dataclass(frozen=True)
class IndexAdvice:
    """A date column of a dataset that retention counts from, with no index starting with it."""

    system: str
    dataset: str
    column: str
    statement: str

    def to_dict(self) -> dict[str, Any]:
        return {"system": self.system, "dataset": self.dataset, "column": self.column, "statement": self.statement}


def anchor_columns(policy: Policy, system: str) -> dict[str, list[str]]:
    """Per dataset of `system`, the columns of its own rows that rules and legal holds count from, in order."""
    found: dict[str, list[str]] = {}
    for name, dataset in policy.systems[system].datasets.items():
        columns = [rule.columns[0] for rule in retention_rules(policy, system, name) if rule.own]
        columns += [hold.anchor for hold in hold_rules(policy, system, name, dataset)]
        found[name] = list(dict.fromkeys(columns))
    return found


def missing_anchor_indexes(policy: Policy, systems: Sequence[str] | None = None) -> list[IndexAdvice]:
    """The anchor columns without an index that starts with them, with the `CREATE INDEX` for each.

    Reads each system's catalog through a read-only connection; a system that
    cannot be read is skipped (`map --live` reports it as drift).
    """
    advice = []
    for system in systems or list(policy.systems):
        wanted = {name: columns for name, columns in anchor_columns(policy, system).items() if columns}
        if not wanted:
            continue
        catalog = catalog_for(policy.systems[system])
        datasets = policy.systems[system].datasets
        try:
            with read_only_connection(catalog.engine) as connection:
                tables = catalog.tables(connection, {name: datasets[name] for name in wanted})
        except (SourceError, sa.exc.SQLAlchemyError):  # a missing table is drift, which map --live reports
            continue
        for name, columns in wanted.items():
            advice += _advice(system, name, tables[name], columns, catalog.engine.dialect)
    return advice


def _advice(
    system: str, name: str, table: sa.Table, columns: list[str], dialect: sa.engine.Dialect
) -> list[IndexAdvice]:
    leading = {next(iter(index.columns)).name for index in table.indexes if index.columns}
    leading.update(column.name for column in list(table.primary_key.columns)[:1])
    found = []
    for column in columns:
        if column in leading or column not in table.c:
            continue
        index = sa.Index(f"ix_{table.name}_{column}"[:60], table.c[column])
        statement = str(sa.schema.CreateIndex(index).compile(dialect=dialect))
        found.append(IndexAdvice(system, name, column, statement))
    return found
