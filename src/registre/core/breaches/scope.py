"""What a breach concerns, derived from the datasets it touched.

The policy answers most of it: the systems of the datasets, the activities
that use them (controller and processor), their data subjects and data
categories. Which clients are concerned is a question for the data: the
tenants that have rows in the affected processor datasets, counted on the
target database in a read-only transaction (one `GROUP BY` per dataset).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import sqlalchemy as sa

from registre.core.policy.model import Policy
from registre.core.sources import catalog_for, read_only_connection


@dataclass(frozen=True)
class BreachScope:
    """The datasets touched, and what the policy says they concern (each tuple in declaration order)."""

    datasets: tuple[str, ...]
    systems: tuple[str, ...]
    controller_activities: tuple[str, ...]
    processor_activities: tuple[str, ...]
    subjects: tuple[str, ...]
    categories: tuple[str, ...]
    tenant_datasets: tuple[str, ...]  # processor datasets with a tenant column: their clients are found in the data

    @property
    def activities(self) -> tuple[str, ...]:
        return self.controller_activities + self.processor_activities


def derive_scope(policy: Policy, datasets: list[str]) -> BreachScope:
    """The scope of a breach on `datasets` (`system.dataset` references).

    Raises ValueError naming the references the policy does not declare, or when none is given.
    """
    if not datasets:
        raise ValueError("a breach concerns at least one dataset")
    unknown = [reference for reference in datasets if policy.dataset(reference) is None]
    if unknown:
        raise ValueError(f"unknown dataset(s): {', '.join(unknown)} (write them as system.dataset)")
    touched = [reference for reference, *_ in policy.iter_datasets() if reference in set(datasets)]
    activities = {key: act for key, act in policy.activities.items() if set(act.datasets) & set(touched)}
    subjects: dict[str, None] = {}
    categories: dict[str, None] = {}
    for reference in touched:
        dataset = policy.dataset(reference)
        assert dataset is not None
        if dataset.subject:
            subjects.setdefault(dataset.subject)
        categories.update(dict.fromkeys(str(spec.category) for spec in dataset.personal_fields().values()))
    for activity in activities.values():
        subjects.update(dict.fromkeys(activity.data_subjects))
    return BreachScope(
        datasets=tuple(touched),
        systems=tuple(dict.fromkeys(reference.partition(".")[0] for reference in touched)),
        controller_activities=tuple(key for key, act in activities.items() if act.role == "controller"),
        processor_activities=tuple(key for key, act in activities.items() if act.role == "processor"),
        subjects=tuple(subjects),
        categories=tuple(categories),
        tenant_datasets=tuple(reference for reference in touched if _has_tenant(policy, reference)),
    )


def find_tenants(policy: Policy, scope: BreachScope) -> dict[str, int]:
    """The tenants with rows in the scope's processor datasets, and how many rows each has there.

    Reads each target database in a read-only transaction: `SELECT tenant, COUNT(*) ... GROUP BY tenant`,
    names from the validated policy and the reflected table. Raises SourceError when a database or
    table cannot be reached. Tenants are returned as text, in order.
    """
    rows: Counter[str] = Counter()
    by_system: dict[str, list[str]] = {}
    for reference in scope.tenant_datasets:
        system_name, _, name = reference.partition(".")
        by_system.setdefault(system_name, []).append(name)
    for system_name, names in by_system.items():
        system = policy.systems[system_name]
        catalog = catalog_for(system)
        with read_only_connection(catalog.engine) as connection:
            tables = catalog.tables(connection, {name: system.datasets[name] for name in names})
            for name, table in tables.items():
                column = table.c[str(system.datasets[name].tenant)]
                query = sa.select(column, sa.func.count()).where(column.is_not(None)).group_by(column)
                for tenant, count in connection.execute(query):
                    rows[str(tenant)] += int(count)
    return dict(sorted(rows.items()))


def _has_tenant(policy: Policy, reference: str) -> bool:
    dataset = policy.dataset(reference)
    return dataset is not None and dataset.tenant is not None
