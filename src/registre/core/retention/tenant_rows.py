"""The rows of a client tenant in the processor datasets of one system, as SQL conditions.

Processor datasets are those with a `tenant` column; a client's rows are
those whose tenant column holds its tenant value. Offboarding deletes them
all but those kept (see `offboarding`): a row is releasable when no legal
hold and no case hold keeps it, and deleted when, besides, no row that
stays refers to it. Every condition is built over a table or an alias of it
(`row`), with values bound as parameters; subqueries use fresh aliases, so
that a condition can sit in any other, and conditions are two-valued.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from registre.core.engine.case_holds import CaseHold, CaseHoldConditions
from registre.core.engine.holds import HoldRule, hold_rules
from registre.core.engine.references import Link, SystemGraph
from registre.core.policy.model import Policy
from registre.core.retention.due import bound_day, certainly
from registre.core.sources.catalog import catalog_for
from registre.core.sources.connection import read_only_connection

Condition = sa.ColumnElement[bool]


def tenant_systems(policy: Policy) -> list[str]:
    """The systems with at least one processor dataset, in declaration order."""
    return [name for name, system in policy.systems.items() if any(d.tenant for d in system.datasets.values())]


class TenantRows:
    """The rows of one tenant in the processor datasets of one system, as SQL conditions with bound values.

    Every condition is built over a table or an alias of it (`row`);
    subqueries use fresh aliases. Conditions are two-valued.
    """

    def __init__(
        self,
        policy: Policy,
        system: str,
        tenant: str,
        tables: Mapping[str, sa.Table],
        as_of: dt.date,
        case_holds: Sequence[CaseHold],
    ) -> None:
        declared = policy.systems[system].datasets
        self.system = system
        self.tenant = tenant
        self.as_of = as_of
        self.tables = dict(tables)
        self.datasets = {name: declared[name] for name in tables}
        self.order, self.children = deletion_order(policy, system)
        self.holds = {name: hold_rules(policy, system, name, declared[name]) for name in self.order}
        self.case_holds = CaseHoldConditions(policy, self.datasets, self.tables, case_holds)

    def in_tenant(self, name: str, row: sa.FromClause) -> Condition:
        column = self.datasets[name].tenant
        assert column is not None
        return row.c[column] == self.tenant

    def held_by(self, rule: HoldRule, row: sa.FromClause) -> Condition:
        """True for the rows that `rule` still holds on the as-of date."""
        anchor = row.c[rule.anchor]
        first_held = rule.first_held_day(self.as_of)
        held = anchor.is_not(None)
        return held if first_held is None else sa.and_(held, anchor >= bound_day(anchor, first_held))

    def legally_held(self, name: str, row: sa.FromClause) -> Condition | None:
        parts = [self.held_by(rule, row) for rule in self.holds[name]]
        return sa.or_(*parts) if parts else None

    def case_held(self, name: str, row: sa.FromClause) -> Condition | None:
        found = self.case_holds.condition(name, row)
        return None if found is None else certainly(found)

    def releasable(self, name: str, row: sa.FromClause) -> Condition:
        """The tenant's rows that no hold keeps (steps 1 and 2 of the module)."""
        held = (self.legally_held(name, row), self.case_held(name, row))
        return sa.and_(self.in_tenant(name, row), *(sa.not_(condition) for condition in held if condition is not None))

    def referenced(self, name: str, row: sa.FromClause, *, predicted: bool) -> Condition | None:
        """EXISTS a row of another dataset that refers to `row`; None when no dataset refers to `name`.

        `predicted` (plans): only rows that will still exist when the
        deletion reaches `name`; the deletion itself asks the database as it
        stands, which comes to the same, children going first.
        """
        parts = []
        for link in self.children[name]:
            child = self.tables[link.child].alias()
            where = [child.c[link.column] == row.c[link.target]]
            if predicted and link.child in self.order and self.position(link.child) < self.position(name):
                where.append(sa.not_(self.deleted(link.child, child, predicted=True)))
            parts.append(sa.exists(sa.select(child.c[link.column]).where(*where).correlate(row)))
        return sa.or_(*parts) if parts else None

    def deleted(self, name: str, row: sa.FromClause, *, predicted: bool) -> Condition:
        """The tenant's rows that the deletion removes (step 3 of the module)."""
        referenced = self.referenced(name, row, predicted=predicted)
        releasable = self.releasable(name, row)
        return releasable if referenced is None else sa.and_(releasable, sa.not_(referenced))

    def position(self, name: str) -> int:
        return self.order.index(name)

    def census(self, name: str, *, predicted: bool) -> sa.Select[Any]:
        """One `SELECT` counting the tenant's rows of `name`: all, held by each rule, by a case, referenced.

        A row held by several rules counts under the first; each rule's
        latest anchor gives the day its last row is released.
        """
        table = self.tables[name]
        columns: list[sa.ColumnElement[Any]] = [sa.func.count().label("rows")]
        earlier: list[Condition] = []
        for index, rule in enumerate(self.holds[name]):
            held = self.held_by(rule, table)
            columns.append(_count_if(sa.and_(held, *(sa.not_(other) for other in earlier))).label(f"held_{index}"))
            columns.append(sa.func.max(table.c[rule.anchor]).label(f"anchor_{index}"))
            earlier.append(held)
        legal, case = self.legally_held(name, table), self.case_held(name, table)
        if case is not None:
            columns.append(_count_if(case if legal is None else sa.and_(sa.not_(legal), case)).label("case_held"))
        referenced = self.referenced(name, table, predicted=predicted)
        if referenced is not None:
            columns.append(_count_if(sa.and_(self.releasable(name, table), referenced)).label("referenced"))
        return sa.select(*columns).where(self.in_tenant(name, table))


def deletion_order(policy: Policy, system: str) -> tuple[tuple[str, ...], dict[str, list[Link]]]:
    """The processor datasets of `system`, children before parents, and the links of the datasets that refer to each.

    References from any dataset of the system count, a controller dataset's
    included; a table's references to itself do not.
    """
    datasets = policy.systems[system].datasets
    graph = SystemGraph(datasets)
    order = tuple(name for name in graph.erasure_order() if datasets[name].tenant)
    links = [*graph.links, *graph.cut]
    children = {name: [link for link in links if link.parent == name and link.child != name] for name in order}
    return order, children


def load_tenant_rows(
    policy: Policy, system: str, tenant: str, as_of: dt.date, case_holds: Sequence[CaseHold]
) -> TenantRows:
    """The conditions of system `system`, over its processor datasets and those referring to them.

    Tables are reflected once per process, on a read-only connection.
    Raises SourceError when a table does not exist.
    """
    order, children = deletion_order(policy, system)
    needed = dict.fromkeys([*order, *(link.child for name in order for link in children[name])])
    declared = policy.systems[system].datasets
    catalog = catalog_for(policy.systems[system])
    with read_only_connection(catalog.engine) as connection:
        tables = catalog.tables(connection, {name: declared[name] for name in needed})
    return TenantRows(policy, system, tenant, tables, as_of, case_holds)


def _count_if(condition: Condition) -> sa.ColumnElement[int]:
    """`COUNT(CASE WHEN condition THEN 1 END)`: an integer on every backend (a SUM is a Decimal on MariaDB)."""
    return sa.func.count(sa.case((condition, 1)))
