"""Where a data subject's rows are: one SQL condition per dataset, executed by the database.

A row of a dataset belongs to the subject when

- one of its identity columns holds one of the subject's values of that
  identity type, or
- one of its reference columns points at a row of the subject in the
  referenced dataset (transitively: `invoices.contact_id -> contacts.id`).

Identity columns are compared in the normal form of their type (see
`identities`): `lower(trim(email)) IN (:email_1)`, exactly (binary on
MariaDB/MySQL, after a case-blind prefilter that the column's index serves
where its collation allows). Each condition is a SQLAlchemy Core expression
over reflected tables: the identity values are bound parameters (one subject) or a join to a temporary
table (a batch; a bound VALUES list on read-only credentials), and the references become nested `IN (SELECT ...)`
subqueries. Nothing is looked up row by row in Python.

A batch that writes compares identities once: the rows they name in each
dataset are resolved first into a temporary table of keys (`resolution`),
which every statement of the transaction then joins by key, the references
to those rows included (`found_keys`).

Processor datasets (those with a `tenant` column) hold a client's data: a
request that names no tenant never reaches them, and a request that names
one reaches only them, filtered on `tenant = :tenant`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from registre.core.engine.identities import column_expression
from registre.core.engine.references import SystemGraph
from registre.core.engine.request import parameter_name
from registre.core.engine.subjects import DEFAULT_COUNTRY, Subject, match_values
from registre.core.policy.model import Dataset, Normalisation
from registre.core.sources.comparison import exact_text, is_mysql, padded_case_blind, plain_value

Condition = sa.ColumnElement[bool]
Test = Callable[[sa.ColumnElement[Any]], Condition]


def matching(column: sa.ColumnElement[Any], normalisation: str | None, dialect: str, test: Test) -> Condition:
    """`test` applied to the column in the normal form of `normalisation`, compared exactly on `dialect`.

    On MariaDB/MySQL the comparison is binary; an `exact` identity first
    tests the column as stored (its index finds a superset of the exact
    matches in any collation), and a case-folded one does too when the
    column's collation ignores case and trailing spaces, together with the
    rare values that start with a space (an index range as well).
    """
    kind: Normalisation = normalisation if normalisation in ("email", "phone", "casefold") else "exact"  # type: ignore[assignment]
    expression = column_expression(column, kind)
    if not is_mysql(dialect) or not isinstance(column.type, sa.String):
        return test(expression)
    exact = test(exact_text(expression))
    if kind == "exact":
        return sa.and_(test(column), exact)
    if kind != "phone" and isinstance(column, sa.Column) and padded_case_blind(column):
        return sa.and_(sa.or_(test(column), column.like(sa.literal_column("' %'"))), exact)
    return exact


class IdentitySource(Protocol):
    """The identity values of the subjects being looked for, as SQL."""

    types: frozenset[str]

    def match(self, column: sa.Column[Any], identity_type: str) -> Condition:
        """True for rows whose `column` holds a value of type `identity_type` of a subject."""
        ...


class BoundIdentities:
    """The identities of one subject as bound parameters: `email IN (:email_1, :email_2)`.

    Statements carry the parameters' names only (`<type>_<n>`), so that they
    serve every subject with as many values of each type; `parameters_of`
    gives the values of one request.
    """

    def __init__(
        self, counts: dict[str, int], normalisations: Mapping[str, str | None] | None = None, dialect: str = ""
    ) -> None:
        self.counts = counts
        self.types = frozenset(counts)
        self.normalisations = dict(normalisations or {})
        self.dialect = dialect
        # How many pseudonyms (`pseudonym_<n>`, one per identity of the subject) statements may compare.
        self.pseudonyms = 0

    def match_pseudonym(self, column: sa.Column[Any]) -> Condition | None:
        """True for rows whose `column` holds the keyed pseudonym of one of the subject's identities.

        Erasure anonymises a field by `hash` to that pseudonym (cut to the
        column's length): such a row stays the person's, for a later
        erasure or access, whichever ran first.
        """
        if not self.pseudonyms or not isinstance(column.type, sa.String):
            return None
        length = getattr(column.type, "length", None)
        values: list[sa.ColumnElement[Any]] = []
        for n in range(1, self.pseudonyms + 1):
            parameter: sa.ColumnElement[Any] = sa.bindparam(f"pseudonym_{n}", type_=sa.String())
            values.append(sa.func.substr(parameter, 1, length) if length and length < 64 else parameter)
        return matching(column, "exact", self.dialect, lambda e: e.in_(values))

    def match(self, column: sa.Column[Any], identity_type: str) -> Condition:
        names = _parameter_names(identity_type, self.counts[identity_type])
        parameters: list[sa.BindParameter[Any]] = [sa.bindparam(name) for name in names]
        return matching(column, self.normalisations.get(identity_type), self.dialect, lambda e: e.in_(parameters))

    @staticmethod
    def values_of(
        subjects: Sequence[Subject], kinds: Mapping[str, str | None], country: str = DEFAULT_COUNTRY
    ) -> dict[str, list[str]]:
        """The values to look for, by identity type: each identity's normal form, other written forms, then as given.

        The value as given serves callers that compare columns as stored
        (case holds); the engine's own comparisons normalise the column.
        """
        values: dict[str, list[str]] = {}
        for subject in subjects:
            for identity in subject.identities:
                found = values.setdefault(identity.type, [])
                forms = [*match_values(identity, kinds.get(identity.type), country), identity.value]
                found.extend(v for v in dict.fromkeys(forms) if v not in found)
        return values

    @classmethod
    def parameters_of(
        cls, subjects: Sequence[Subject], kinds: Mapping[str, str | None], country: str = DEFAULT_COUNTRY
    ) -> dict[str, str]:
        """The value of each identity parameter for these subjects."""
        return {
            name: value
            for identity_type, values in cls.values_of(subjects, kinds, country).items()
            for name, value in zip(_parameter_names(identity_type, len(values)), values, strict=True)
        }


def _parameter_names(identity_type: str, count: int) -> list[str]:
    return [f"{parameter_name(identity_type)}_{n}" for n in range(1, count + 1)]


class BatchIdentities:
    """The identities of a batch of subjects, in a temporary table joined by every statement.

    A read on credentials that may not create the table runs the same
    statements over bound VALUES lists of the same name (`sources.batches`).
    """

    def __init__(
        self,
        table: sa.Table,
        types: frozenset[str],
        normalisations: Mapping[str, str | None] | None = None,
        dialect: str = "",
    ) -> None:
        self.table = table
        self.types = types
        self.normalisations = dict(normalisations or {})
        self.dialect = dialect
        # By dataset: the temporary table of the rows the batch's identities find there (`sources.batches.row_table`),
        # filled once per transaction (`SystemScope.resolution`); datasets without one compare identities each time.
        self.resolved: dict[str, sa.Table] = {}

    def match(self, column: sa.Column[Any], identity_type: str) -> Condition:
        value = self._compared(column, identity_type)
        values = sa.select(value).where(self.table.c.identity_type == identity_type)
        return matching(column, self.normalisations.get(identity_type), self.dialect, lambda e: e.in_(values))

    def among(self, column: sa.Column[Any], identity_type: str) -> Condition | None:
        """`match` as `column = ANY(ARRAY(SELECT value ...))`, for a normalised text column on PostgreSQL; else None.

        The planner does not know what a normal form (`lower(trim(email))`)
        costs per row: joining the table of identities, it computes it over
        the whole table. Compared with an array, it searches the index on
        that expression, if there is one; without one, it would compare
        every row with every value (see `systems.resolve_rows`).
        """
        normalised = self.normalisations.get(identity_type) in ("email", "phone", "casefold")
        if self.dialect != "postgresql" or not normalised or not isinstance(column.type, sa.String):
            return None
        values = sa.select(self.table.c.value).where(self.table.c.identity_type == identity_type)
        array = sa.func.array(values.scalar_subquery(), type_=postgresql.ARRAY(sa.String()))
        return matching(column, self.normalisations.get(identity_type), self.dialect, lambda e: e == sa.any_(array))

    def equals(self, column: sa.Column[Any], identity_type: str) -> Condition:
        """True when `column`, normalised, is the value of the identity table's row (a join condition)."""
        value = self._compared(column, identity_type)
        return matching(column, self.normalisations.get(identity_type), self.dialect, lambda e: e == value)

    def _compared(self, column: sa.Column[Any], identity_type: str) -> sa.ColumnElement[Any]:
        """The table's value as compared with `column`: plain where an expression index must serve it."""
        value = self.value_for(column)
        normalised = self.normalisations.get(identity_type) in ("email", "phone", "casefold")
        return plain_value(value) if normalised and isinstance(column.type, sa.String) else value

    def value_for(self, column: sa.Column[Any]) -> sa.ColumnElement[Any]:
        """The table's identity value, cast to the type of `column` when that is not text (an integer number)."""
        value: sa.ColumnElement[Any] = self.table.c.value
        return value if isinstance(column.type, sa.String) else sa.cast(value, column.type)


@dataclass(frozen=True)
class Owners:
    """One path from a dataset's rows to the subjects of a batch: `joined` is the table joined to them."""

    joined: sa.FromClause
    subject_ref: sa.ColumnElement[str]
    conditions: list[Condition]


class SystemScope:
    """The datasets of one system that a request reaches, and the condition selecting the subject's rows."""

    def __init__(
        self,
        datasets: dict[str, Dataset],
        tables: dict[str, sa.Table],
        identities: IdentitySource,
        tenant: str | None,
    ) -> None:
        self.datasets = datasets
        self.tables = tables
        self.identities = identities
        self.tenant = tenant
        self.graph = SystemGraph(datasets)
        self._conditions: dict[str, Condition | None] = {}
        self._aliased: SystemScope | None = None

    def aliased(self) -> SystemScope:
        """The same scope over aliases of every table: its conditions can sit in a statement on any of them.

        An UPDATE of `contacts` that reads the subject's contacts (a manager
        named on a colleague's row) needs the read on another name.
        """
        if self._aliased is None:
            tables = {name: table.alias() for name, table in self.tables.items()}
            self._aliased = SystemScope(self.datasets, tables, self.identities, self.tenant)  # type: ignore[arg-type]
        return self._aliased

    def included(self, name: str) -> bool:
        """Whether the request may touch dataset `name` at all (tenant rule)."""
        return (self.datasets[name].tenant is not None) == (self.tenant is not None)

    def tenant_condition(self, name: str) -> Condition | None:
        column = self.datasets[name].tenant
        if self.tenant is None or column is None:
            return None
        dialect = str(getattr(self.identities, "dialect", ""))
        tenant: sa.BindParameter[Any] = sa.bindparam("tenant")
        return matching(self.tables[name].c[column], "exact", dialect, lambda e: e == tenant)

    def condition(self, name: str) -> Condition | None:
        """The condition selecting the subject's rows of dataset `name`; None when none can be reached.

        1. Identity columns of a type the request gives: `column IN (values)`.
        2. Each reference to a reachable parent: `column IN (SELECT target FROM parent WHERE <parent's condition>)`.
        3. Either suffices; then, for a processor dataset, `AND tenant = :tenant`.
        """
        if name not in self._conditions:
            reflected = name in self.tables and self.included(name)
            self._conditions[name] = self._build_condition(name) if reflected else None
        return self._conditions[name]

    def _build_condition(self, name: str) -> Condition | None:
        dataset, table = self.datasets[name], self.tables[name]
        resolved = self._resolved(name)
        parts = [
            self.identities.match(table.c[column], identity_type)
            for identity_type, column in dataset.identity.items()
            if identity_type in self.identities.types and resolved is None
        ]
        if resolved is not None:
            parts.append(table.c[dataset.key].in_(sa.select(resolved.c.row_key)))
        if isinstance(self.identities, BoundIdentities):
            for column in dataset.identity.values():
                spec = dataset.fields.get(column)
                found = self.identities.match_pseudonym(table.c[column]) if spec and spec.anonymize == "hash" else None
                parts += [] if found is None else [found]
        for link in self.graph.parents_of(name):
            parent_condition = self.condition(link.parent)
            keys = self.found_keys(link.parent, link.target)
            if keys is not None:
                parts.append(table.c[link.column].in_(sa.select(keys.c.row_key)))
            elif parent_condition is not None:
                parent = self.tables[link.parent]
                parts.append(table.c[link.column].in_(sa.select(parent.c[link.target]).where(parent_condition)))
        if not parts:
            return None
        return sa.and_(*_present(self.tenant_condition(name)), sa.or_(*parts))

    def owners(self, name: str) -> list[Owners]:
        """The ways a row of `name` belongs to a subject of a batch, one per path of `condition`.

        Each is the dataset's table joined to the subjects (directly, by an
        identity column, or through the rows of a parent), with the column
        that names the subject. On one path a row meets each subject once:
        the table of identities holds no two values of a subject that the
        database finds equal (see `systems`). Only for batches; call it for
        a reachable dataset.
        """
        if not isinstance(self.identities, BatchIdentities):
            raise TypeError("owners need a batch of identities")
        identities, table, dataset = self.identities, self.tables[name], self.datasets[name]
        batch = identities.table
        tenant = _present(self.tenant_condition(name))
        found = []
        resolved = self._resolved(name)
        if resolved is not None:
            joined = table.join(resolved, table.c[dataset.key] == resolved.c.row_key)
            found.append(Owners(joined, resolved.c.subject_ref, tenant))
        for identity_type, column in dataset.identity.items():
            if identity_type in identities.types and resolved is None:
                joined = table.join(batch, identities.equals(table.c[column], identity_type))
                found.append(Owners(joined, batch.c.subject_ref, [batch.c.identity_type == identity_type, *tenant]))
        for link in self.graph.parents_of(name):
            if self.condition(link.parent) is not None:
                parent = self.attribution(link.parent, link.target).subquery()
                joined = table.join(parent, table.c[link.column] == parent.c.row_value)
                found.append(Owners(joined, parent.c.subject_ref, tenant))
        return found

    def attribution(self, name: str, column: str) -> sa.Select[Any]:
        """(subject_ref, row_value) for each row of a batch subject in `name`: `column`'s value and who it is of.

        The paths of `owners`, as a UNION of equi-joins with the temporary
        table of identities (or the one path, without duplicates when
        `column` is not the dataset's key; or the dataset's table of
        resolved rows itself, when it holds them all, see `found_keys`).
        """
        keys = self.found_keys(name, column)
        if keys is not None:
            return sa.select(keys.c.subject_ref, keys.c.row_key.label("row_value"))
        selects = [
            sa.select(owner.subject_ref, self.tables[name].c[column].label("row_value"))
            .select_from(owner.joined)
            .where(*owner.conditions)
            for owner in self.owners(name)
        ]
        if len(selects) > 1:
            return sa.union(*selects)  # type: ignore[return-value]
        return selects[0] if column == self.datasets[name].key else selects[0].distinct()

    def pseudonym(self, name: str) -> sa.ColumnElement[Any]:
        """For a batch: the pseudonym of the subject a row of `name` belongs to, as a correlated subquery.

        The same paths as `condition`, each a scalar subquery on the
        temporary table (which holds each subject's pseudonym), the first
        that finds one wins. Only for batches.
        """
        if not isinstance(self.identities, BatchIdentities):
            raise TypeError("a correlated pseudonym needs a batch of identities")
        identities, table, dataset = self.identities, self.tables[name], self.datasets[name]
        batch, resolved = identities.table, self._resolved(name)
        found: list[sa.ColumnElement[Any]] = [
            sa.select(sa.func.min(batch.c.pseudonym))
            .where(batch.c.identity_type == identity_type, identities.equals(table.c[column], identity_type))
            .correlate(table)
            .scalar_subquery()
            for identity_type, column in dataset.identity.items()
            if identity_type in self.identities.types and resolved is None
        ]
        if resolved is not None:
            by_key = sa.select(sa.func.min(resolved.c.pseudonym)).where(resolved.c.row_key == table.c[dataset.key])
            found.append(by_key.correlate(table).scalar_subquery())
        for link in self.graph.parents_of(name):
            keys = self.found_keys(link.parent, link.target)
            if keys is not None:
                by_key = sa.select(sa.func.min(keys.c.pseudonym)).where(keys.c.row_key == table.c[link.column])
                found.append(by_key.correlate(table).scalar_subquery())
            elif self.condition(link.parent) is not None:
                parent = self.tables[link.parent]
                found.append(
                    sa.select(sa.func.min(self.pseudonym(link.parent)))
                    .select_from(parent)
                    .where(parent.c[link.target] == table.c[link.column])
                    .correlate(table)
                    .scalar_subquery()
                )
        return found[0] if len(found) == 1 else sa.func.coalesce(*found)

    def resolution(self, name: str, *, searched: bool = False) -> sa.Select[Any] | None:
        """(row_key, subject_ref, pseudonym) of each row of `name` that an identity of the batch names, once each.

        What fills the dataset's table of `BatchIdentities.resolved`: the
        identity columns compared with the table of identities, one
        equi-join per column (a UNION when there are several). With
        `searched`, each column is also compared as `BatchIdentities.among`,
        where it can be. None when no identity column of the dataset has a
        type of the batch.
        """
        if not isinstance(self.identities, BatchIdentities):
            raise TypeError("resolving rows needs a batch of identities")
        identities, table, dataset = self.identities, self.tables[name], self.datasets[name]
        batch = identities.table
        selects = [
            sa.select(table.c[dataset.key], batch.c.subject_ref, batch.c.pseudonym)
            .select_from(table.join(batch, identities.equals(table.c[column], identity_type)))
            .where(batch.c.identity_type == identity_type, *_present(among))
            for identity_type, column in dataset.identity.items()
            if identity_type in identities.types
            for among in [identities.among(table.c[column], identity_type) if searched else None]
        ]
        if not selects:
            return None
        return sa.union(*selects) if len(selects) > 1 else selects[0].distinct()  # type: ignore[return-value]

    def found_keys(self, name: str, column: str) -> sa.Table | None:
        """The table of resolved rows of `name` when it holds the values of `column` of all the subjects' rows.

        That is when `column` is the dataset's key and the rows are found by
        identity only (no tenant, no reference to a reached parent): the keys
        of the rows a reference to `name` must point at are then those of the
        table, which needs no join with the dataset's own table. A resolved
        row still exists when its children are reached, as children are
        erased before their parents.
        """
        resolved = self._resolved(name)
        if resolved is None or column != self.datasets[name].key or self.tenant_condition(name) is not None:
            return None
        if any(self.condition(link.parent) is not None for link in self.graph.parents_of(name)):
            return None
        return resolved

    def _resolved(self, name: str) -> sa.Table | None:
        """The table of the rows of `name` the batch's identities found, when they were resolved beforehand."""
        return self.identities.resolved.get(name) if isinstance(self.identities, BatchIdentities) else None


def _present(condition: Condition | None) -> list[Condition]:
    return [] if condition is None else [condition]
