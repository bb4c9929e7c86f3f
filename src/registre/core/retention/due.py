"""Due rows: the SQL conditions that decide which rows of each dataset a sweep deletes or anonymises.

On an as-of date, a row of a dataset is released when

1. it has expired: every rule (one per activity listing the dataset, see
   `rules`) has run out for it: `anchor <= as_of - keep` for a date of its
   own (in SQL `anchor < first day not yet run out`, so that an index on the
   anchor serves and a timestamp counts by its day); for a date in a
   related dataset, a correlated `EXISTS` (some related row has run out)
   and `NOT EXISTS` (no related row is still running or undated) along
   the chain of references;
2. no legal hold keeps it (`engine.holds`: the dataset's `holds:` and the
   legal obligations anchored on it; a hold ends on the same day as a rule
   of the same length);
3. no case hold covers it (`case_holds`);
4. it is not restricted (the dataset's `restrict:` flag is not set): a
   restricted row may only be stored (Art. 18(2)), so no sweep changes it
   while the restriction lasts.

A released row is then due, by the dataset's sweep action:

- anonymise: while it still holds personal data: a row anonymised once is
  never due again;
- delete: deleted, unless rows that outlive the sweep reference it: then
  anonymised instead (once), so that no foreign key ever breaks.

Anonymisation is the engine's, field by field (`engine.anonymisation`).
A field anonymised by `hash` gets, when no pseudonym key is configured,
`anonymised-<key>`: nothing links the row to the person any longer, and the
key keeps the value unique. With a key (`REGISTRE_PSEUDONYM_KEY`), it gets
the keyed pseudonym that an erasure writes (`RowPseudonyms`), of the row's
first identity that has a value, so that a later erasure or access still
reaches the row and what hangs from it: sweeping then erasing leaves the
same rows as erasing then sweeping. A value that already has the shape of a
pseudonym (hexadecimal, of the column's length, as an erasure left it) is
not personal any longer; columns shorter than 16 characters keep
`anonymised-<key>`, since a real value may have that shape there.

Every condition is built over a table or an alias of it (`row`), with the
dates bound as parameters; subqueries use fresh aliases, so a condition can
sit in any other. Conditions are two-valued (never NULL), so that NOT of
one is exactly the other rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from registre.core.engine.anonymisation import (
    PSEUDONYM_DIGITS,
    AnonymisationError,
    anonymised_columns,
    anonymised_values,
    pseudonym_key,
    pseudonym_of,
    still_personal,
)
from registre.core.engine.case_holds import CaseHold, CaseHoldConditions
from registre.core.engine.constraints import MARKER, fit_unique_columns, row_marker
from registre.core.engine.holds import HoldRule, hold_rules
from registre.core.engine.references import Link, SystemGraph
from registre.core.engine.subjects import Identity, Subject, canonical_identity, identity_kinds
from registre.core.policy.model import Dataset, ErasureStrategy, Policy
from registre.core.retention.order import SweepOrder, sweep_order
from registre.core.retention.rules import RetentionRule, retention_rules, sweep_action
from registre.core.sources.catalog import catalog_for
from registre.core.sources.comparison import text_length
from registre.core.sources.connection import read_only_connection

Condition = sa.ColumnElement[bool]
# The bound parameters of a sweep's UPDATE that writes one pseudonym per row.
ROW_KEY, ROW_PSEUDONYM = "row_key", "row_pseudonym"
_SHORTEST_PSEUDONYM = 16
_HEX = "0123456789abcdef"


@dataclass(frozen=True)
class RowPseudonyms:
    """How a sweep writes, per row, the keyed pseudonym an erasure would write (see the module).

    `identity` are the dataset's (identity type, column), in declaration
    order; `columns` its fields anonymised by `hash`; `values` the new value
    of every anonymised column, the pseudonym being the parameter `row_pseudonym`.
    """

    key: bytes
    kinds: Mapping[str, str | None]
    country: str
    identity: tuple[tuple[str, str], ...]
    columns: tuple[str, ...]
    values: Mapping[str, sa.ColumnElement[Any]]

    def pseudonym(self, row_key: Any, found: Sequence[Any]) -> str:
        """The pseudonym of the row's first identity with a value; `anonymised-<key>` when it has none."""
        for (identity_type, _column), value in zip(self.identity, found, strict=True):
            text = "" if value is None else str(value).strip()
            if not text:
                continue
            if _looks_pseudonymised(text):
                return text  # an erasure left its pseudonym here: keep it
            subject = Subject.of(Identity(identity_type, text))
            return pseudonym_of(canonical_identity(subject, self.kinds, self.country), self.key)
        return f"{MARKER}{row_key}"


def _looks_pseudonymised(text: str) -> bool:
    return len(text) >= _SHORTEST_PSEUDONYM and all(character in _HEX for character in text)


def pseudonym_shaped(column: sa.Column[Any]) -> Condition:
    """True for a value of the shape of a pseudonym cut to the column's length: hexadecimal digits only."""
    length = min(getattr(column.type, "length", None) or PSEUDONYM_DIGITS, PSEUDONYM_DIGITS)
    stripped: sa.ColumnElement[Any] = column
    for digit in _HEX:
        stripped = sa.func.replace(stripped, sa.literal_column(f"'{digit}'"), sa.literal_column("''"))
    return sa.and_(text_length(column) == length, stripped == sa.literal_column("''"))


def pseudonymised_columns(table: sa.Table, dataset: Dataset) -> tuple[str, ...]:
    """The fields anonymised by `hash`, when every one is long enough to hold a recognisable pseudonym."""
    hashed = tuple(name for name, spec in anonymised_columns(dataset).items() if spec.anonymize == "hash")
    lengths = [getattr(table.c[name].type, "length", None) or PSEUDONYM_DIGITS for name in hashed]
    return hashed if hashed and min(lengths) >= _SHORTEST_PSEUDONYM else ()


def row_pseudonyms(
    policy: Policy, table: sa.Table, dataset: Dataset, values: Mapping[str, sa.ColumnElement[Any]], key: bytes | None
) -> RowPseudonyms | None:
    """The per-row pseudonyms of a dataset's sweep; None without a key, an identity, or a long enough hash field."""
    hashed = pseudonymised_columns(table, dataset)
    if key is None or not dataset.identity or not hashed:
        return None
    by_row = anonymised_values(table, dataset, sa.bindparam(ROW_PSEUDONYM, type_=sa.String()))
    return RowPseudonyms(
        key=key,
        kinds=identity_kinds(policy),
        country=policy.organisation.country,
        identity=tuple(dataset.identity.items()),
        columns=hashed,
        values={**values, **{name: by_row[name] for name in hashed}},
    )


def bound_day(column: sa.ColumnElement[Any], day: dt.date) -> sa.ColumnElement[Any]:
    """`day` as a parameter of `column`'s type: the date, or midnight for a timestamp."""
    value = dt.datetime.combine(day, dt.time()) if isinstance(column.type, sa.DateTime) else day
    return sa.literal(value, column.type)


def certainly(condition: Condition) -> Condition:
    """`condition`, with unknown (NULL) read as false."""
    return sa.case((condition, 1), else_=0) == 1


@dataclass(frozen=True)
class SweepConditions:
    """The conditions of one dataset's sweep on the real table: rows due, to delete, to anonymise.

    `due` is what batches are cut along (every row the sweep changes);
    None when the sweep has nothing to do in the dataset.
    """

    due: Condition | None
    delete: Condition | None = None
    anonymise: Condition | None = None
    values: Mapping[str, sa.ColumnElement[Any]] | None = None


@dataclass(frozen=True)
class RelatedSummary:
    """A rule's related rows, aggregated per row of `row`: their latest date and how many have none.

    `latest` and `undated` are columns of a source that joins `row` to the
    aggregate (NULL when the row has no related row at all).
    """

    row: sa.FromClause
    latest: sa.ColumnElement[Any]
    undated: sa.ColumnElement[Any]

    def running(self, rule: RetentionRule, first_running: dt.date) -> Condition:
        """Some related row still running on the day `first_running` stands for (see `rule_expired`)."""
        later = certainly(self.latest >= bound_day(self.latest, first_running))
        return later if rule.undated == "release" else sa.or_(later, certainly(self.undated > 0))


@dataclass
class SystemRules:
    """Everything a plan or a sweep of one system needs: rules, holds, actions, order and the reflected tables."""

    name: str
    datasets: dict[str, Dataset]
    tables: dict[str, sa.Table]
    as_of: dt.date
    rules: dict[str, list[RetentionRule]]
    holds: dict[str, list[HoldRule]]
    actions: dict[str, tuple[ErasureStrategy, str]]
    values: dict[str, dict[str, sa.ColumnElement[Any]]]
    problems: dict[str, str]
    order: SweepOrder
    children: dict[str, list[Link]]
    self_links: dict[str, list[Link]]
    refused: dict[str, list[str]]
    case_holds: CaseHoldConditions
    pseudonyms: dict[str, RowPseudonyms] = field(default_factory=dict)
    # Per rule counting from related rows (by `id(rule)`): their figures already joined to one row source,
    # which a census reads instead of a correlated subquery per condition (see `census`).
    summaries: dict[int, RelatedSummary] = field(default_factory=dict)

    # Rules: has a row run out? -------------------------------------------

    def sweepable(self, name: str) -> bool:
        """Whether a row of `name` can be due at all: every rule executable, and something to do."""
        rules = self.rules[name]
        if not rules or not all(rule.executable for rule in rules):
            return False
        return self.actions[name][0] == "delete" or bool(self.values.get(name))

    def expired(self, name: str, row: sa.FromClause, day: dt.date | None = None) -> Condition:
        """True for rows that every rule of `name` has let go on `day` (default: the as-of date)."""
        if not self.sweepable(name):
            return sa.false()
        return sa.and_(*(self.rule_expired(rule, row, day or self.as_of) for rule in self.rules[name]))

    def rule_expired(self, rule: RetentionRule, row: sa.FromClause, day: dt.date) -> Condition:
        """True for rows that one executable rule has let go on `day` (step 1 of the module).

        A period runs out on its anniversary day (`Duration.last_start_run_out`).
        Own date: `date < first start still running`, and a row without a date
        only under `undated: release`. Related dates: no related row still
        running (a NULL date runs, but under `undated: release`); a row with
        no related row at all is not kept by the rule.
        """
        assert rule.keep is not None and rule.anchor is not None
        first_running = rule.keep.last_start_run_out(day) + dt.timedelta(days=1)
        if rule.own:
            date = self.rule_date(rule, row)
            past = sa.and_(date.is_not(None), date < bound_day(date, first_running))
            return sa.or_(date.is_(None), past) if rule.undated == "release" else past

        summary = self.summaries.get(id(rule))
        if summary is not None and summary.row is row:
            return sa.not_(summary.running(rule, first_running))

        def still_running(date: sa.ColumnElement[Any]) -> Condition:
            later = date >= bound_day(date, first_running)
            return later if rule.undated == "release" else sa.or_(date.is_(None), later)

        return sa.not_(self.related(rule, row, still_running))

    def rule_date(self, rule: RetentionRule, row: sa.FromClause) -> sa.ColumnElement[Any]:
        """The date a rule counts from on a row of its anchor's dataset: the first of its columns not NULL."""
        columns = [row.c[column] for column in rule.columns]
        return columns[0] if len(columns) == 1 else sa.func.coalesce(*columns)

    def related(
        self, rule: RetentionRule, row: sa.FromClause, where: Callable[[sa.ColumnElement[Any]], Condition]
    ) -> Condition:
        """EXISTS a row related to `row` along the rule's chain whose anchor meets `where`."""
        joined, anchor, link = self.chain(rule, row)
        return sa.exists(sa.select(sa.literal(1)).select_from(joined).where(link, where(anchor)).correlate(row))

    def chain(self, rule: RetentionRule, row: sa.FromClause) -> tuple[sa.FromClause, sa.ColumnElement[Any], Condition]:
        """The rule's chain as fresh aliases joined together, its date, and the link to `row`."""
        joined, key, date = self.path_join(rule)
        return joined, date, key == row.c[rule.path[0].source_column]

    def path_join(self, rule: RetentionRule) -> tuple[sa.FromClause, sa.ColumnElement[Any], sa.ColumnElement[Any]]:
        """The rule's chain as fresh aliases joined together, the column its first hop reaches, and its date."""
        assert rule.anchor is not None and rule.path
        aliases = [self.tables[hop.target].alias() for hop in rule.path]
        joined: sa.FromClause = aliases[0]
        for previous, alias, hop in zip(aliases, aliases[1:], rule.path[1:], strict=False):
            joined = joined.join(alias, alias.c[hop.target_column] == previous.c[hop.source_column])
        return joined, aliases[0].c[rule.path[0].target_column], self.rule_date(rule, aliases[-1])

    # Holds and references ------------------------------------------------

    def legally_held(self, name: str, row: sa.FromClause, day: dt.date | None = None) -> Condition | None:
        """True for rows a legal hold keeps on `day`; None when the dataset has no hold."""
        parts = []
        for hold in self.holds[name]:
            anchor = row.c[hold.anchor]
            first_held = hold.first_held_day(day or self.as_of)
            held = anchor.is_not(None)
            parts.append(held if first_held is None else sa.and_(held, anchor >= bound_day(anchor, first_held)))
        return sa.or_(*parts) if parts else None

    def case_held(self, name: str, row: sa.FromClause) -> Condition | None:
        found = self.case_holds.condition(name, row)
        return None if found is None else certainly(found)

    def released(self, name: str, row: sa.FromClause, day: dt.date | None = None) -> Condition:
        """Expired, and held neither by law nor by a case (steps 1 to 3 of the module)."""
        if not self.sweepable(name):
            return sa.false()
        parts = [self.expired(name, row, day)]
        held = self.legally_held(name, row, day)
        case = self.case_held(name, row)
        restricted = self.restricted(name, row)
        parts += [sa.not_(condition) for condition in (held, case, restricted) if condition is not None]
        return sa.and_(*parts)

    def restricted(self, name: str, row: sa.FromClause) -> Condition | None:
        """True for rows restricted at the person's request (Art. 18(2): only stored); None without a flag."""
        column = self.datasets[name].restrict
        if column is None:
            return None
        return certainly(row.c[column] == sa.true())

    def referenced(
        self, name: str, row: sa.FromClause, *, predicted: bool, visiting: frozenset[str] = frozenset()
    ) -> Condition | None:
        """EXISTS a row of another dataset that references `row`; None when no dataset references `name`.

        `predicted`: only rows that will still exist once the sweep is over
        (rows of the other datasets that it will not delete). The sweep asks
        the database as it stands for what it deletes, and the prediction for
        what it anonymises (see `sweep_conditions`). A dataset met again
        along a reference cycle (`visiting`) is predicted to keep its rows.
        """
        parts = []
        for link in self.children[name]:
            child = self.tables[link.child].alias()
            where = [child.c[link.column] == row.c[link.target]]
            if link.child == name:  # a self-reference that cannot be cut: another row of the table
                key = self.datasets[name].key
                where.append(child.c[key] != row.c[key])
            if predicted and link.child not in visiting:
                where.append(sa.not_(self.deleted(link.child, child, visiting | {name})))
            parts.append(sa.exists(sa.select(sa.literal(1)).select_from(child).where(*where).correlate(row)))
        return sa.or_(*parts) if parts else None

    def deleted(self, name: str, row: sa.FromClause, visiting: frozenset[str] = frozenset()) -> Condition:
        """True for rows the sweep will delete (plans): released, and referenced by no row that outlives it."""
        if self.actions[name][0] != "delete" or not self.sweepable(name):
            return sa.false()
        referenced = self.referenced(name, row, predicted=True, visiting=visiting | {name})
        released = self.released(name, row)
        return released if referenced is None else sa.and_(released, sa.not_(referenced))

    def cut_links(self, name: str) -> list[str]:
        """The columns of `name`'s references to itself that a sweep sets to NULL before deleting the rows they name."""
        return [link.column for link in self.self_links[name] if self.tables[name].c[link.column].nullable]

    def batch_anchor(self, name: str) -> str | None:
        """The date column the sweep's batches follow (an index on it finds the due rows); None: the key alone.

        The column of the first rule counting from one date of the row
        itself, when rows without that date are kept: every due row has one.
        """
        for rule in self.rules[name]:
            if rule.own and len(rule.columns) == 1 and rule.undated == "keep":
                return rule.columns[0]
        return None

    def swept_later(self, name: str) -> bool:
        """Whether a dataset that references `name` is swept after it (its rows may free some of `name`'s)."""
        position = self.order.position(name)
        return any(self.order.position(link.child) > position for link in self.children[name])

    def still_personal(self, name: str) -> Condition | None:
        values, table = self.values.get(name), self.tables[name]
        if not values:
            return None
        hashed = pseudonymised_columns(table, self.datasets[name])
        if not hashed:
            return still_personal(table, values)
        # A pseudonymised field is done, with a key or without: it holds a pseudonym (an erasure's, or a
        # sweep's), or the marker. A plan without the key counts the same rows as a sweep with it.
        others = {column: value for column, value in values.items() if column not in hashed}
        parts = [still_personal(table, others)] if others else []
        parts += [
            sa.and_(
                table.c[column].is_not(None),
                table.c[column].is_distinct_from(values[column]),
                sa.not_(pseudonym_shaped(table.c[column])),
            )
            for column in hashed
        ]
        return sa.or_(*parts)

    # The sweep -----------------------------------------------------------

    def sweep_conditions(self, name: str, *, final: bool = False) -> SweepConditions:
        """What the sweep of `name` deletes and anonymises, on the real table, as the database stands.

        A row of a `delete` dataset is deleted when nothing references it
        now, anonymised when rows that outlive the sweep reference it, and
        left for the `final` pass when only rows this sweep deletes later
        reference it (a contact swept before its tickets, which it counts
        from): that pass, after every dataset, deletes what became free.
        """
        if not self.sweepable(name):
            return SweepConditions(None)
        table, values = self.tables[name], self.values.get(name)
        released, personal = self.released(name, table), self.still_personal(name)
        if self.actions[name][0] == "anonymize":
            if final:
                return SweepConditions(None)
            assert personal is not None
            due = sa.and_(released, personal)
            return SweepConditions(due, anonymise=due, values=values)
        referenced = self.referenced(name, table, predicted=False)
        if referenced is None:
            return SweepConditions(None) if final else SweepConditions(released, delete=released)
        delete = sa.and_(released, sa.not_(referenced))
        if personal is None or final:
            return SweepConditions(delete, delete=delete)
        staying = self.referenced(name, table, predicted=True)
        assert staying is not None
        anonymise = sa.and_(released, staying, personal)
        due = sa.and_(released, sa.or_(sa.not_(referenced), sa.and_(staying, personal)))
        return SweepConditions(due, delete=delete, anonymise=anonymise, values=values)


def load_system(
    policy: Policy, name: str, as_of: dt.date, case_holds: Sequence[CaseHold], key: str | bytes | None = None
) -> SystemRules:
    """The rules of system `name` for `as_of`, over its tables reflected (once per process) on a read-only connection.

    Raises SourceError when a dataset's table does not exist.
    """
    catalog = catalog_for(policy.systems[name])
    with read_only_connection(catalog.engine) as connection:
        tables = catalog.tables(connection, policy.systems[name].datasets)
    return compile_system(policy, name, tables, as_of, case_holds, key)


def compile_system(
    policy: Policy,
    name: str,
    tables: Mapping[str, sa.Table],
    as_of: dt.date,
    case_holds: Sequence[CaseHold],
    key: str | bytes | None = None,
) -> SystemRules:
    """The rules of system `name` over its reflected tables (every dataset's), for `as_of`.

    `key` is the secret of pseudonyms (default `$REGISTRE_PSEUDONYM_KEY`; none: `anonymised-<key>`).
    """
    secret = pseudonym_key(key)
    datasets = dict(policy.systems[name].datasets)
    rules = {dataset: retention_rules(policy, name, dataset) for dataset in datasets}
    actions = {dataset: sweep_action(datasets[dataset], rules[dataset]) for dataset in datasets}
    values, problems, refused = {}, {}, {}
    pseudonyms: dict[str, RowPseudonyms] = {}
    for dataset, declared in datasets.items():
        # A dataset that cannot be anonymised as declared: nothing to anonymise, and the plan says why.
        table, row_marker = tables[dataset], marker(tables[dataset], declared)
        try:
            found = anonymised_values(table, declared, row_marker)
        except AnonymisationError as error:
            problems[dataset] = str(error)
            continue
        values[dataset], refused[dataset] = fit_unique_columns(table, declared, found, row_marker)
        per_row = row_pseudonyms(policy, table, declared, values[dataset], secret)
        if per_row is not None:
            pseudonyms[dataset] = per_row
    graph = SystemGraph(datasets)
    self_links = {name: [link for link in graph.cut if link.child == link.parent == name] for name in datasets}
    children = {
        dataset: [link for link in [*graph.links, *graph.cut] if link.parent == dataset and link.child != dataset]
        # A reference to itself that cannot be cut (NOT NULL) keeps the rows it names, as any other reference.
        + [link for link in self_links[dataset] if not tables[dataset].c[link.column].nullable]
        for dataset in datasets
    }
    return SystemRules(
        name=name,
        datasets=datasets,
        tables=dict(tables),
        as_of=as_of,
        rules=rules,
        holds={dataset: hold_rules(policy, name, dataset, declared) for dataset, declared in datasets.items()},
        actions=actions,
        values=values,
        problems=problems,
        order=sweep_order(graph, rules, {dataset: action for dataset, (action, _) in actions.items()}),
        children=children,
        self_links=self_links,
        refused=refused,
        case_holds=CaseHoldConditions(policy, datasets, tables, case_holds),
        pseudonyms=pseudonyms,
    )


def marker(table: sa.Table, dataset: Dataset) -> sa.ColumnElement[Any]:
    """`anonymised-<key>`: what a field anonymised by `hash` becomes in a sweep without a key (see the module)."""
    return row_marker(table, dataset)
