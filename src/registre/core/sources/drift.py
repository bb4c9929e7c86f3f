"""Drift: where a system's database no longer matches what the policy declares of it.

A dataset whose table or columns are missing cannot be searched, exported or
erased as the policy promises; a column the policy does not name may hold
personal data that no activity, notice or erasure covers. Both are reported;
tables that no dataset declares are listed for information.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Inspector

from registre.core.policy.model import Dataset, Policy, System
from registre.core.sources.connection import (
    SourceError,
    create_engine_for,
    describe_error,
    display_url,
    read_only_connection,
)
from registre.core.sources.reflection import qualified_name


@dataclass(frozen=True)
class DatasetDrift:
    """How the table of one dataset differs from its declaration."""

    dataset: str
    table: str
    schema: str | None = None
    missing_table: bool = False
    missing_columns: list[str] = field(default_factory=list)
    undeclared_columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.missing_table or self.missing_columns or self.undeclared_columns)

    def messages(self) -> list[str]:
        """One line per problem, for people."""
        where = qualified_name(self.table, self.schema)
        if self.missing_table:
            return [f"{self.dataset}: table {where} is missing"]
        lines = [f"{self.dataset}: declared column {where}.{name} is missing" for name in self.missing_columns]
        lines += [f"{self.dataset}: column {where}.{name} is not declared" for name in self.undeclared_columns]
        return lines

    def to_dict(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "table": self.table,
            "schema": self.schema,
            "ok": self.ok,
            "missing_table": self.missing_table,
            "missing_columns": list(self.missing_columns),
            "undeclared_columns": list(self.undeclared_columns),
        }


@dataclass(frozen=True)
class SystemDrift:
    """What inspecting one system found: a connection error, or the drift of each dataset.

    `url` has its password hidden. `undeclared_tables` is informational: a
    table no dataset declares does not make the system drift.
    """

    system: str
    url: str
    error: str | None = None
    datasets: list[DatasetDrift] = field(default_factory=list)
    undeclared_tables: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None and all(dataset.ok for dataset in self.datasets)

    def messages(self) -> list[str]:
        """One line per problem, for people; empty when the system matches its declaration."""
        if self.error is not None:
            return [f"{self.system}: cannot connect to {self.url}: {self.error}"]
        return [line for dataset in self.datasets for line in dataset.messages()]

    def to_dict(self) -> dict[str, Any]:
        return {
            "system": self.system,
            "url": self.url,
            "ok": self.ok,
            "error": self.error,
            "datasets": [dataset.to_dict() for dataset in self.datasets],
            "undeclared_tables": list(self.undeclared_tables),
        }


def inspect_drift(policy: Policy, *, systems: list[str] | None = None) -> list[SystemDrift]:
    """Compare the declared datasets of each system (all, or those named) with its database.

    Connects read-only to one system at a time; a system that cannot be
    reached is reported with the error (never its password) and the others
    are still inspected. Raises ValueError for a system name the policy does
    not declare.
    """
    names = list(policy.systems) if systems is None else systems
    unknown = [name for name in names if name not in policy.systems]
    if unknown:
        known = ", ".join(policy.systems) or "none"
        raise ValueError(f"unknown system(s): {', '.join(unknown)} (declared: {known})")
    return [inspect_system(name, policy.systems[name]) for name in names]


def inspect_system(name: str, system: System) -> SystemDrift:
    """The drift of one system; connection problems are returned, not raised."""
    url = display_url(system.url)
    try:
        engine = create_engine_for(system, read_only=True)
    except SourceError as error:
        return SystemDrift(name, url, error=str(error))
    try:
        with read_only_connection(engine) as connection:
            return _compare(name, url, system, sa.inspect(connection))
    except sa.exc.SQLAlchemyError as error:
        return SystemDrift(name, url, error=describe_error(error, system.url))
    finally:
        engine.dispose()


def _compare(name: str, url: str, system: System, inspector: Inspector) -> SystemDrift:
    """1. List the tables of every schema the datasets use (the default one included).
    2. Compare each dataset with its table.
    3. List the tables that no dataset declares."""
    declared = {(dataset.schema_, dataset.table_name(key)) for key, dataset in system.datasets.items()}
    existing = _list_tables(inspector, {schema for schema, _ in declared} | {None})
    datasets = [
        _compare_dataset(f"{name}.{key}", dataset, inspector, existing) for key, dataset in system.datasets.items()
    ]
    undeclared = sorted(
        qualified_name(table, schema)
        for schema, tables in existing.items()
        for table in tables
        if (schema, table) not in declared
    )
    return SystemDrift(name, url, datasets=datasets, undeclared_tables=undeclared)


def _list_tables(inspector: Inspector, schemas: set[str | None]) -> dict[str | None, set[str]]:
    """The tables and views of each schema; a schema that does not exist has none."""
    present = set(inspector.get_schema_names()) if schemas - {None} else set()
    return {
        schema: set(inspector.get_table_names(schema)) | set(inspector.get_view_names(schema))
        if schema is None or schema in present
        else set()
        for schema in schemas
    }


def _compare_dataset(
    reference: str, dataset: Dataset, inspector: Inspector, existing: dict[str | None, set[str]]
) -> DatasetDrift:
    table, schema = dataset.table_name(reference.partition(".")[2]), dataset.schema_
    if table not in existing[schema]:
        return DatasetDrift(reference, table, schema, missing_table=True)
    columns = [column["name"] for column in inspector.get_columns(table, schema)]
    declared = dataset.declared_columns()
    return DatasetDrift(
        reference,
        table,
        schema,
        missing_columns=sorted(declared - set(columns)),
        undeclared_columns=[column for column in columns if column not in declared],
    )
