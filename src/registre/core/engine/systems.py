"""One system during a request: which datasets it reaches, its connection, its statements and their parameters.

Statements are built once and reused: a `SystemTemplate` holds, for one
policy, one system and one shape of request (the identity types and how many
values of each, whether a tenant is named), the reflected tables, the scope
and every statement built so far, all with bound parameters that carry no
value. A request only computes its parameters (`SystemWork.parameters`) and
runs the statements: SQLAlchemy then finds each compiled statement in its
cache. A batch's statements join the temporary table of its identities
(`sources.batches`), or, for a read on credentials that may not create it,
read them from bound VALUES lists: `SystemWork.rows` runs a statement once
per part of the batch. A batch that writes first resolves the rows its
identities name, once, into temporary tables of keys (`resolve_rows`).

Reads (plans, access) run in a read-only transaction; writes (erasure,
rectification, restriction) in one transaction per system, so that a crash
leaves each system either done or untouched.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection, CursorResult

from registre.core.engine.anonymisation import AnonymisationError, pseudonym_of, uses_pseudonyms
from registre.core.engine.freetext import FreeTextField, free_text_fields, searched_values, text_parameters, text_rows
from registre.core.engine.holds import HoldRule, contract_rules, hold_parameters, hold_rules
from registre.core.engine.mentions import MentionLink, reached_mentions
from registre.core.engine.references import SystemGraph
from registre.core.engine.request import RESTRICT_FLAG, Progress, Request
from registre.core.engine.scope import BatchIdentities, BoundIdentities, IdentitySource, SystemScope
from registre.core.engine.subjects import Subject, canonical_identity, identity_kinds, match_values
from registre.core.policy.model import Dataset, Policy, System
from registre.core.sources.batches import (
    IDENTITY_TABLE,
    BatchValues,
    IdentityRow,
    create_identity_table,
    drop_identity_table,
    fill_row_table,
    fits_row_table,
    read_only_batch,
    row_table,
    searches_index,
)
from registre.core.sources.catalog import SystemCatalog, catalog_for
from registre.core.sources.connection import read_only_connection, write_transaction

Built = TypeVar("Built")
TEMPLATES_KEPT = 256


def reachable_datasets(datasets: dict[str, Dataset], types: frozenset[str], tenant: str | None) -> list[str]:
    """The datasets whose rows the identity types can reach, parents first (from the policy alone).

    A dataset is reached through an identity column of one of `types`, or a
    reference to a reached dataset, and only if the tenant rule lets the
    request touch it (see `scope`).
    """
    graph = SystemGraph(datasets)
    reached: list[str] = []
    for name in reversed(graph.erasure_order()):
        dataset = datasets[name]
        if (dataset.tenant is not None) != (tenant is not None):
            continue
        by_identity = any(identity_type in types for identity_type in dataset.identity)
        if by_identity or any(link.parent in reached for link in graph.parents_of(name)):
            reached.append(name)
    return reached


def systems_reached(policy: Policy, request: Request) -> dict[str, list[str]]:
    """Each system (in declaration order) and its reachable datasets; systems reaching none are left out.

    A system where the request reaches only mentions (rows naming the person) is listed with no dataset.
    """
    types = request.identity_types()
    found = {name: _reachable(policy, name, types, request.tenant) for name in policy.systems}
    return {
        name: reached
        for name, reached in found.items()
        if reached
        or _mentions(policy, name, types, request.tenant)
        or free_text_fields(policy.systems[name].datasets, request.tenant)
    }


@dataclass
class SystemTemplate:
    """What stays the same between requests of one shape on one system: scope, rules and statements."""

    name: str
    system: System
    policy: Policy
    catalog: SystemCatalog  # kept so that the cache key (its id) is never reused by another catalog
    scope: SystemScope
    reached: list[str]
    hold_rules: dict[str, list[HoldRule]]
    mentions: list[MentionLink] = field(default_factory=list)
    free_text: list[FreeTextField] = field(default_factory=list)
    searched: int = 0
    statements: dict[tuple[Any, ...], Any] = field(default_factory=dict)

    @property
    def mentioned(self) -> list[str]:
        """The datasets with rows that may name the person, in declaration order, once each."""
        return list(dict.fromkeys(link.dataset for link in self.mentions))

    @property
    def order(self) -> list[str]:
        """The reached datasets, children before parents (the order of erasure and of changes)."""
        return self.statement(("order",), lambda: [n for n in self.scope.graph.erasure_order() if n in self.reached])

    def statement(self, key: tuple[Any, ...], build: Callable[[], Built]) -> Built:
        """The statement (or any built object) stored under `key`, built by `build` the first time."""
        if key not in self.statements:
            self.statements[key] = build()
        built: Built = self.statements[key]
        return built


@dataclass
class SystemWork:
    """A system's template, connection and parameters for the length of one transaction."""

    template: SystemTemplate
    request: Request
    connection: Connection
    parameters: dict[str, Any]
    progress: Progress | None
    values: BatchValues | None = None  # a batch read without the temporary table

    @property
    def name(self) -> str:
        return self.template.name

    @property
    def policy(self) -> Policy:
        return self.template.policy

    @property
    def scope(self) -> SystemScope:
        return self.template.scope

    @property
    def reached(self) -> list[str]:
        return self.template.reached

    def execute(self, statement: sa.Executable, description: str) -> CursorResult[Any]:
        """Run one statement with the request's parameters, then report `description` to the progress callback.

        A batch read in several parts (see `rows`) cannot: it raises ValueError.
        """
        if self.values is not None:
            parts = self.values.statements(statement)
            if len(parts) > 1:
                raise ValueError("a batch read in parts runs its statements with SystemWork.rows")
            statement = parts[0]
        result = self.connection.execute(statement, self.parameters)
        if self.progress is not None:
            self.progress(f"{self.name}: {description}")
        return result

    def rows(self, statement: sa.Executable, description: str) -> list[sa.Row[Any]]:
        """Every row of a read, one after the other for each part of a batch read without the temporary table.

        A part holds all the rows of its subjects: rows by subject are
        complete. A statement that counts all the subjects together returns
        a row per part, which the caller adds up.
        """
        parts = [statement] if self.values is None else self.values.statements(statement)
        found = [row for part in parts for row in self.connection.execute(part, self.parameters).all()]
        if self.progress is not None:
            self.progress(f"{self.name}: {description}")
        return found

    def sql(self, statement: sa.ClauseElement) -> str:
        """The statement as the system's database runs it, with bound parameter names (never values)."""
        dialect_class: Any = type(self.connection.dialect)
        return str(statement.compile(dialect=dialect_class(paramstyle="named")))

    def dataset(self, name: str) -> Dataset:
        return self.template.system.datasets[name]

    def table(self, name: str) -> sa.Table:
        return self.scope.tables[name]

    def reference(self, name: str) -> str:
        return f"{self.name}.{name}"

    def rules(self, name: str) -> list[HoldRule]:
        return self.template.hold_rules.get(name, [])


@contextmanager
def open_system(
    policy: Policy,
    name: str,
    request: Request,
    *,
    write: bool,
    progress: Progress | None = None,
    key: bytes | None = None,
) -> Iterator[SystemWork]:
    """The work context of system `name`: read-only, or one write transaction committed when the block ends.

    `key` is the secret of pseudonyms (needed to anonymise by hash).
    """
    catalog = catalog_for(policy.systems[name])
    rows = _identity_rows(policy, name, request, key)
    if write:
        with write_transaction(catalog.engine, system=name) as connection:
            batch = create_identity_table(connection, rows) if request.batch else None
            try:
                work = _work(policy, name, request, catalog, connection, batch, progress, key, resolve=True)
                resolved = resolve_rows(work) if batch is not None else []
                yield work
            except BaseException:
                connection.invalidate()  # drops the session, and with it any temporary table
                raise
            for table in [*resolved, *([] if batch is None else [batch])]:
                drop_identity_table(connection, table)
    elif request.batch:
        with read_only_batch(catalog.engine, rows) as (connection, values):
            yield _work(policy, name, request, catalog, connection, IDENTITY_TABLE, progress, key, values)
    else:
        with read_only_connection(catalog.engine) as connection:
            yield _work(policy, name, request, catalog, connection, None, progress, key)


def _work(
    policy: Policy,
    name: str,
    request: Request,
    catalog: SystemCatalog,
    connection: Connection,
    batch: sa.Table | None,
    progress: Progress | None,
    key: bytes | None,
    values: BatchValues | None = None,
    *,
    resolve: bool = False,
) -> SystemWork:
    """The work of one transaction; a batch that may write resolves the rows its identities find (`resolve_rows`)."""
    identities: IdentitySource
    kinds, dialect = policy_kinds(policy), connection.dialect.name
    if batch is not None:
        shape: tuple[Any, ...] = ("batch", request.identity_types(), bool(request.tenant), resolve)
        identities = BatchIdentities(batch, request.identity_types(), kinds, dialect)
    else:
        shape = (*_shape(policy, request), len(request.subjects[0].identities) if key is not None else 0)
        identities = BoundIdentities(dict(shape[0]), kinds, dialect)
        identities.pseudonyms = shape[-1]
    template = _cached(
        ("template", id(catalog), name, shape),
        policy,
        lambda: _template(policy, name, request, catalog, connection, identities, resolve),
    )
    return SystemWork(template, request, connection, _parameters(template, request, key), progress, values)


def _shape(policy: Policy, request: Request) -> tuple[tuple[tuple[str, int], ...], bool, int]:
    """What the statements of a one-subject request depend on: values per identity type, the tenant rule,
    and the number of written forms searched in free text."""
    kinds, country = policy_kinds(policy), policy.organisation.country
    values = BoundIdentities.values_of(request.subjects, kinds, country)
    counts = tuple(sorted((identity_type, len(found)) for identity_type, found in values.items()))
    return counts, bool(request.tenant), len(searched_values(request.subjects, kinds, country))


def _template(
    policy: Policy,
    name: str,
    request: Request,
    catalog: SystemCatalog,
    connection: Connection,
    identities: IdentitySource,
    resolve: bool = False,
) -> SystemTemplate:
    system = policy.systems[name]
    reached = _reachable(policy, name, request.identity_types(), request.tenant)
    graph = SystemGraph(system.datasets)
    children = {link.child for link in [*graph.links, *graph.cut] if link.parent in reached}
    mentions = _mentions(policy, name, request.identity_types(), request.tenant)
    searched = (
        0
        if request.batch
        else len(searched_values(request.subjects, policy_kinds(policy), policy.organisation.country))
    )
    texts = free_text_fields(system.datasets, request.tenant) if searched or request.batch else []
    naming = {link.dataset for link in mentions} | {found.dataset for found in texts}
    needed = {n: d for n, d in system.datasets.items() if n in reached or n in children or n in naming}
    tables = catalog.tables(connection, needed)
    if isinstance(identities, BatchIdentities) and resolve:
        identities.resolved = _row_tables(system, reached, tables, identities.types, connection.dialect.name)
    scope = SystemScope(dict(system.datasets), tables, identities, request.tenant)
    rules = {n: hold_rules(policy, name, n, dataset) + contract_rules(policy, name, n) for n, dataset in needed.items()}
    held = {n: r for n, r in rules.items() if r}
    return SystemTemplate(name, system, policy, catalog, scope, reached, held, mentions, texts, searched)


def _row_tables(
    system: System, reached: list[str], tables: dict[str, sa.Table], types: frozenset[str], dialect: str
) -> dict[str, sa.Table]:
    """A table of resolved rows (`sources.batches.row_table`) for each reached dataset with an identity of `types`."""
    keys = {name: tables[name].c[system.datasets[name].key] for name in reached}
    found = [
        name
        for name in reached
        if any(t in types for t in system.datasets[name].identity) and fits_row_table(keys[name], dialect)
    ]
    return {name: row_table(n, keys[name]) for n, name in enumerate(found, 1)}


def resolve_rows(work: SystemWork) -> list[sa.Table]:
    """Fill the tables of the rows the batch's identities find in each dataset (`BatchIdentities.resolved`).

    Runs once, first in the transaction, before any statement changes a
    row: the statements that follow find the subjects' rows of these
    datasets by key, as they would have by identity. Returns the tables,
    for the caller to drop.
    """
    identities = work.scope.identities
    resolved = identities.resolved if isinstance(identities, BatchIdentities) else {}
    for name, table in resolved.items():
        fill_row_table(work.connection, table, _resolution(work, name))
    return list(resolved.values())


def _resolution(work: SystemWork, name: str) -> sa.Select[Any]:
    """The statement finding the rows of `name` (see `SystemScope.resolution`).

    On PostgreSQL, the one comparing identities with arrays when the planner
    then searches an index for them: a large table is not scanned whole.
    Asked of the planner for each batch, as an index may come or go.
    """
    plain = work.template.statement(("resolve", name), lambda: work.scope.resolution(name))
    assert plain is not None, f"{name} has no identity of the batch"
    if work.connection.dialect.name != "postgresql":
        return plain
    searched = work.template.statement(("resolve searched", name), lambda: work.scope.resolution(name, searched=True))
    return searched if searched is not None and searches_index(work.connection, searched) else plain


def _parameters(template: SystemTemplate, request: Request, key: bytes | None) -> dict[str, Any]:
    """The values of the bound parameters of the template's statements, for this request."""
    parameters: dict[str, Any] = {"tenant": request.tenant, RESTRICT_FLAG: not request.lift}
    kinds, country = policy_kinds(template.policy), template.policy.organisation.country
    if key is None and request.action == "erase":
        require_pseudonym_key(template)
    if not request.batch:
        parameters.update(BoundIdentities.parameters_of(request.subjects, kinds, country))
        parameters.update(text_parameters(searched_values(request.subjects, kinds, country)))
        if key is not None:
            subject = request.subjects[0]
            parameters["pseudonym"] = pseudonym_of(canonical_identity(subject, kinds, country), key)
            for n, identity in enumerate(subject.identities, 1):
                alone = Subject(subject.reference, (identity,))
                parameters[f"pseudonym_{n}"] = pseudonym_of(canonical_identity(alone, kinds, country), key)
    if request.action == "erase":
        for name, rules in template.hold_rules.items():
            parameters.update(hold_parameters(template.scope.tables[name], rules, request.today, name))
    parameters.update(request.changes_parameters())
    return parameters


def require_pseudonym_key(template: SystemTemplate) -> None:
    """Raise AnonymisationError when an erasure would anonymise by keyed hash: it needs the secret key."""
    graph = template.scope.graph
    for name in template.reached:
        dataset = template.system.datasets[name]
        anonymises = dataset.erase == "anonymize" or any(link.parent == name for link in graph.links)
        if anonymises and uses_pseudonyms(dataset):
            raise AnonymisationError(
                f"{template.name}.{name} anonymises a field by keyed hash: set REGISTRE_PSEUDONYM_KEY"
            )


def _identity_rows(policy: Policy, name: str, request: Request, key: bytes | None) -> Sequence[IdentityRow]:
    """Every value to look for, one row per written form, with each subject's pseudonym when a key is given."""
    if not request.batch:
        return []
    kinds, country = policy_kinds(policy), policy.organisation.country
    rows = []
    for subject in request.subjects:
        pseudonym = pseudonym_of(canonical_identity(subject, kinds, country), key) if key is not None else None
        for identity in subject.identities:
            for value in match_values(identity, kinds.get(identity.type), country):
                rows.append(IdentityRow(subject.reference, identity.type, value, pseudonym))
    if free_text_fields(policy.systems[name].datasets, request.tenant):
        rows += text_rows(request.subjects, kinds, country)
    return rows


# Built once per policy: what the policy alone decides. -----------------------

_cache: OrderedDict[tuple[Any, ...], tuple[Policy, Any]] = OrderedDict()
_cache_lock = threading.Lock()


def _cached(key: tuple[Any, ...], policy: Policy, build: Callable[[], Built]) -> Built:
    """`build()` for `policy`, kept among the last TEMPLATES_KEPT built (the entry keeps the policy alive)."""
    full_key = (id(policy), *key)
    with _cache_lock:
        entry = _cache.get(full_key)
        if entry is not None and entry[0] is policy:
            _cache.move_to_end(full_key)
            found: Built = entry[1]
            return found
    built = build()
    with _cache_lock:
        _cache[full_key] = (policy, built)
        while len(_cache) > TEMPLATES_KEPT:
            _cache.popitem(last=False)
    return built


def policy_kinds(policy: Policy) -> dict[str, str | None]:
    """The policy's identity types and their normalisations (see `subjects.identity_kinds`), computed once."""
    return _cached(("kinds",), policy, lambda: identity_kinds(policy))


def _reachable(policy: Policy, name: str, types: frozenset[str], tenant: str | None) -> list[str]:
    # A processor activity's dataset without a tenant column mixes the clients' data: never touched.
    unsafe = untenanted_processor_datasets(policy, name)
    datasets = {key: dataset for key, dataset in policy.systems[name].datasets.items() if key not in unsafe}
    return _cached(("reached", name, types, bool(tenant)), policy, lambda: reachable_datasets(datasets, types, tenant))


def _mentions(policy: Policy, name: str, types: frozenset[str], tenant: str | None) -> list[MentionLink]:
    datasets = policy.systems[name].datasets
    reached = _reachable(policy, name, types, tenant)
    return _cached(
        ("mentions", name, types, bool(tenant)), policy, lambda: reached_mentions(datasets, reached, types, tenant)
    )


def untenanted_processor_datasets(policy: Policy, system: str) -> set[str]:
    """The datasets of `system` that a processor activity lists but that have no tenant column."""
    return {
        reference.partition(".")[2]
        for activity in policy.activities.values()
        if activity.role == "processor"
        for reference in activity.datasets
        if reference.partition(".")[0] == system
        and (dataset := policy.dataset(reference)) is not None
        and dataset.tenant is None
    }


def forget_templates() -> None:
    """Forget every template (after a schema change, with `sources.catalog.close_catalogs`)."""
    with _cache_lock:
        _cache.clear()
