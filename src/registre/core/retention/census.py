"""Counting what a sweep would do in one dataset: one read-only `SELECT` over its table.

Every figure of a dataset's plan comes from a single statement of
`COUNT(CASE WHEN ... THEN 1 END)` and `MIN(...)` over the table, with the
conditions of `due`: rows due now (to delete, to anonymise), rows held (by
law, by a case), rows already anonymised, rows becoming due within a few
days, and for each rule its oldest date, the next date it lets a row go and
the rows it cannot let go as things stand (no date, nothing to count from).
The database scans the table once; nothing but the figures reaches Python.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import operator
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.sql import elements
from sqlalchemy.sql import operators as sql_operators
from sqlalchemy.sql.visitors import iterate, replacement_traverse

from registre.core.retention.due import RelatedSummary, SystemRules, certainly
from registre.core.retention.rules import RetentionRule

Condition = sa.ColumnElement[bool]
WINDOWS = (30, 90, 365)


@dataclass(frozen=True)
class RuleFigures:
    """One rule on one dataset: its oldest date, its next release, and the rows it cannot release.

    For a rule counting from a related dataset, a row's date is the latest
    of its related rows'. `undated`: rows without a date (their own, or
    some related row's), or with no related row at all.
    """

    oldest: dt.date | None = None
    next_release: dt.date | None = None
    undated: int = 0


@dataclass(frozen=True)
class DatasetFigures:
    """What the census of one dataset counted."""

    rows: int = 0
    delete: int = 0
    anonymise: int = 0
    held_legal: int = 0
    held_case: int = 0
    restricted: int = 0
    already_anonymised: int = 0
    skipped: int = 0
    due_within: dict[int, int] = field(default_factory=dict)
    rules: tuple[RuleFigures, ...] = ()
    pending_anchor: Any = None


def release_day(keep: Any, anchor: dt.date) -> dt.date:
    """The first day on which a row dated `anchor` has run out under `keep` (a Duration): its anniversary.

    A start day missing in the target month runs out on that month's last day.
    """
    start = anchor.date() if isinstance(anchor, dt.datetime) else anchor
    day: dt.date = keep.add_to(start)
    return day


class _Flags:
    """The per-row conditions and values of a census, each computed once per row, and the rows grouped by them.

    The counts combine the same conditions many times (a row released now,
    in 30 days, referenced...); written inline, the database would evaluate
    each condition (a correlated subquery, some of them) once per count and
    per row. Here the conditions are the bits of an integer per row (a mask,
    one per 30 conditions), and an inner query groups the rows by the masks,
    with their number (`rows_in`) and, per value (`v_<n>`), its least in the
    group: a few groups, whatever the size of the table. The outer query
    sums the rows of the groups a count's condition holds for, and takes the
    least of the groups' least values. A value is therefore read only as
    `MIN(CASE WHEN <conditions> AND value IS NOT NULL THEN value END)`: the
    least of a group is not NULL exactly when some row of it has one.

    Neither the rows nor the values leave the database's scan: it hashes one
    integer per row, where a query of the conditions fenced by `OFFSET 0`
    handed every row to the aggregate above it (and on PostgreSQL, every
    row from the parallel workers to the leader). On the other dialects the
    per-row query is still fenced, so that no planner flattening the grouped
    query could evaluate a condition twice.
    """

    BITS = 30  # conditions per mask: a sum that fits a 32-bit integer on every database

    def __init__(self) -> None:
        self.conditions: dict[str, Condition] = {}
        self.values: dict[str, sa.ColumnElement[Any]] = {}
        self.bounded: dict[str, _Bound] = {}  # the conditions that compare a date column with days
        self._known: dict[Any, Condition] = {}
        self._lists: dict[Any, list[tuple[frozenset[Any], Condition]]] = {}  # flagged ANDs and ORs, by operator

    def flag(self, condition: Condition | None) -> Condition | None:
        """`condition` (two-valued, as `due` builds them), read from the groups; None stays None.

        A condition already flagged, or a NOT, AND or OR of conditions
        already flagged, is read from their flags: no new bit per row.
        """
        if condition is None:
            return None
        known = self._from_known(condition)
        if known is not None:
            return known
        bound = _Bound.of(condition)
        if bound is None and self._splits(condition):
            self._flag_bounds(condition)
            split = self._from_known(condition)
            assert split is not None
            return split
        label = f"f_{len(self.conditions) + len(self.values)}"
        self.conditions[label] = condition
        if bound is not None:
            self.bounded[label] = bound
        self._known[_identity(condition)] = flagged = sa.column(label, sa.Integer) == 1
        if isinstance(condition, elements.BooleanClauseList):
            members = frozenset(_identity(clause) for clause in condition.clauses)
            self._lists.setdefault(condition.operator, []).append((members, flagged))
        return flagged

    def _splits(self, condition: Any) -> bool:
        """Whether `condition` is an AND, OR and NOT of conditions already flagged and of bounds on dates.

        Such a condition costs no bit of its own: each bound is read from
        the bucket of its date (`_bucket_keys`), computed once per row.
        """
        if isinstance(condition, elements.Grouping):
            return self._splits(condition.element)
        if self._known.get(_identity(condition)) is not None or _Bound.of(condition) is not None:
            return True
        if isinstance(condition, elements.UnaryExpression) and condition.operator is operator.inv:
            return self._splits(condition.element)
        if isinstance(condition, elements.BooleanClauseList) and condition.operator in (operator.and_, operator.or_):
            return all(self._splits(clause) for clause in condition.clauses)
        return False

    def _flag_bounds(self, condition: Any) -> None:
        """Flag every bound on a date in `condition` (see `_splits`)."""
        if _Bound.of(condition) is not None:
            self.flag(condition)
        elif isinstance(condition, elements.Grouping | elements.UnaryExpression):
            self._flag_bounds(condition.element)
        elif isinstance(condition, elements.BooleanClauseList):
            for clause in condition.clauses:
                self._flag_bounds(clause)

    def _from_known(self, condition: Any) -> Condition | None:
        found = self._known.get(_identity(condition))
        if found is not None:
            return found
        if isinstance(condition, elements.Grouping):
            return self._from_known(condition.element)
        if isinstance(condition, elements.UnaryExpression) and condition.operator is operator.inv:
            inner = self._from_known(condition.element)
            return None if inner is None else sa.not_(inner)
        if isinstance(condition, elements.BooleanClauseList) and condition.operator in (operator.and_, operator.or_):
            return self._from_known_clauses(condition.operator, list(condition.clauses))
        if isinstance(condition, elements.BinaryExpression) and condition.negate is not None:
            # A comparison whose negation is flagged (`x != 1` of `x = 1`): never NULL, as that one.
            negated = self._known.get(_identity(sa.not_(condition)))
            return None if negated is None else sa.not_(negated)
        return None

    def _from_known_clauses(self, combined: Any, clauses: list[Any]) -> Condition | None:
        """AND (or OR) of `clauses` from flags: each clause's own, or that of an AND (OR) of some of them.

        SQLAlchemy flattens an AND of ANDs into one list: a rule's condition
        is a run of clauses in the dataset's, which its flag stands for.
        """
        parts, missing = [], set()
        for clause in clauses:
            known = self._from_known(clause)
            if known is None:
                missing.add(_identity(clause))
            else:
                parts.append(known)
        present = {_identity(clause) for clause in clauses}
        for members, flagged in self._lists.get(combined, []):
            if missing & members and members <= present:
                parts.append(flagged)
                missing -= members
        if missing:
            return None
        return sa.and_(*parts) if combined is operator.and_ else sa.or_(*parts)

    def value(self, expression: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
        """`expression`'s least value in each group (see the class for how it may be read)."""
        identity = ("value", _identity(expression))
        if identity not in self._known:
            label = f"v_{len(self.conditions) + len(self.values)}"
            self.values[label] = expression
            self._known[identity] = sa.column(label, expression.type)
        return self._known[identity]

    def count(self, condition: Condition | None = None) -> sa.ColumnElement[Any]:
        """The rows that meet `condition` (a condition on flags), all rows when None; NULL for none."""
        rows = sa.column("rows_in", sa.Integer)
        return sa.func.sum(rows if condition is None else sa.case((condition, rows)))

    def select(self, columns: Sequence[sa.ColumnElement[Any]], table: sa.FromClause, fenced: bool) -> sa.Select[Any]:
        """`columns` (counts and minima of flags and values) over the rows of `table` grouped by the flags read."""
        read = {found.name for column in columns for found in iterate(column) if isinstance(found, sa.ColumnClause)}
        used = [label for label in self.conditions if label in read]
        keys, flags = self._bucket_keys([label for label in used if label in self.bounded])
        masks, mask_flags = self._mask_keys([label for label in used if label not in self.bounded])
        keys.update(masks)
        flags.update(mask_flags)
        values = {label: found for label, found in self.values.items() if label in read}
        per_row = [expression.label(label) for label, expression in {**keys, **values}.items()]
        rows = sa.select(*(per_row or [sa.literal(1).label("one")])).select_from(table)
        row = (rows.offset(0) if fenced else rows).subquery("census_rows")
        group_keys = [row.c[label] for label in keys]
        least = [sa.func.min(row.c[label]).label(label) for label in values]
        grouped = sa.select(*group_keys, sa.func.count().label("rows_in"), *least).select_from(row)
        groups = grouped.group_by(*group_keys).subquery("census")

        def read_flag(element: Any, **_: Any) -> Any:
            if isinstance(element, sa.ColumnClause) and element.table is None:
                return flags.get(element.name)
            return None

        return sa.select(*(replacement_traverse(column, {}, read_flag) for column in columns)).select_from(groups)

    def _mask_keys(self, used: list[str]) -> tuple[dict[str, sa.ColumnElement[Any]], dict[str, Condition]]:
        """The masks of the conditions `used` (per row), and each condition read from its bit (per group)."""
        masks: dict[str, sa.ColumnElement[Any]] = {}
        flags: dict[str, Condition] = {}
        for start in range(0, len(used), self.BITS):
            mask = sa.column(f"mask_{start // self.BITS}", sa.Integer)
            chunk = list(enumerate(used[start : start + self.BITS]))
            terms = [sa.case((self.conditions[label], 1 << bit), else_=0) for bit, label in chunk]
            masks[mask.name] = functools.reduce(operator.add, terms)
            flags.update({label: sa.case((mask.bitwise_and(1 << bit) != 0, 1), else_=0) for bit, label in chunk})
        return masks, flags

    def _bucket_keys(
        self, used: list[str]
    ) -> tuple[dict[str, sa.ColumnElement[Any]], dict[str, sa.ColumnElement[Any]]]:
        """Per date column compared with days, the bucket of each row's date, and each comparison read from it.

        With the days `b1 < b2 < ... < bk` a column is compared with, a row's
        bucket is 0 for no date, `i` for `b(i-1) <= date < bi` (1 before b1,
        k + 1 from bk on): one CASE per row, which stops at the first day
        after the date, instead of a comparison per day.
        """
        keys: dict[str, sa.ColumnElement[Any]] = {}
        flags: dict[str, Condition] = {}
        by_column: dict[Any, list[str]] = {}
        for label in used:
            by_column.setdefault(self.bounded[label].column, []).append(label)
        for number, (column, labels) in enumerate(by_column.items()):
            days = {
                self.bounded[label].key: self.bounded[label].day
                for label in labels
                if self.bounded[label].day is not None
            }
            order = sorted(days)
            bucket = sa.column(f"bucket_{number}", sa.Integer)
            after = [(column < days[key], index + 1) for index, key in enumerate(order)]
            keys[bucket.name] = sa.case((column.is_(None), 0), *after, else_=len(order) + 1)
            for label in labels:
                bound = self.bounded[label]
                position = order.index(bound.key) + 1 if bound.day is not None else 0
                test = {
                    "null": bucket == 0,
                    "before": sa.and_(bucket >= 1, bucket <= position),
                    "from": bucket > position,
                }[bound.comparison]
                flags[label] = sa.case((test, 1), else_=0)
        return keys, flags


@dataclass(frozen=True)
class _Bound:
    """A condition on a date column alone: `column IS NULL`, or not NULL and before (`<`) or from (`>=`) a day."""

    column: Any
    comparison: str  # null, before, from
    day: Any = None  # the bound parameter of the day
    key: Any = None  # its value

    @classmethod
    def of(cls, condition: Any) -> _Bound | None:
        """The bound `condition` states, or None when it is anything else.

        Also `certainly(column < day)` (or `>=`, see `due.certainly`), on any column (an aggregate's).
        """
        if _is_null(condition, sql_operators.is_):
            return cls(condition.left, "null")
        certain = _certain(condition)
        if certain is not None:
            return cls._compared(certain)
        if not isinstance(condition, elements.BooleanClauseList) or condition.operator is not operator.and_:
            return None
        clauses = list(condition.clauses)
        if len(clauses) != 2 or not _is_null(clauses[0], sql_operators.is_not):
            return None
        bound = cls._compared(clauses[1])
        return bound if bound is not None and bound.column is clauses[0].left else None

    @classmethod
    def _compared(cls, comparison: Any) -> _Bound | None:
        """`column < day` or `column >= day` (a parameter), read as not NULL and before or from the day."""
        if not (
            isinstance(comparison, elements.BinaryExpression)
            and comparison.operator in (operator.lt, operator.ge)
            and isinstance(comparison.left, sa.ColumnClause)
            and isinstance(comparison.right, elements.BindParameter)
        ):
            return None
        kind = "before" if comparison.operator is operator.lt else "from"
        return cls(comparison.left, kind, comparison.right, comparison.right.effective_value)


def _certain(condition: Any) -> Any:
    """The condition `x` of `CASE WHEN x THEN 1 ELSE 0 END = 1` (`due.certainly`), or None."""
    if not (isinstance(condition, elements.BinaryExpression) and condition.operator is operator.eq):
        return None
    case, one = condition.left, condition.right
    if not (isinstance(case, elements.Case) and isinstance(one, elements.BindParameter) and one.value == 1):
        return None
    if len(case.whens) != 1 or case.value is not None:
        return None
    when, then = case.whens[0]
    otherwise = case.else_
    if not (isinstance(then, elements.BindParameter) and then.value == 1):
        return None
    if not (isinstance(otherwise, elements.BindParameter) and otherwise.value == 0):
        return None
    return when.element if isinstance(when, elements.Grouping) else when


def _is_null(condition: Any, test: Any) -> bool:
    """Whether `condition` is `<column> IS NULL` (`test` is_) or `IS NOT NULL` (is_not), on a table's column."""
    return (
        isinstance(condition, elements.BinaryExpression)
        and condition.operator is test
        and isinstance(condition.left, sa.Column)
        and isinstance(condition.right, elements.Null)
    )


def _identity(condition: sa.ColumnElement[Any]) -> Any:
    """What tells two conditions apart: their structure and the values of their parameters."""
    cache = condition._generate_cache_key()
    if cache is None:
        return id(condition)
    return cache.key, tuple(repr(parameter.effective_value) for parameter in cache.bindparams)


def take_census(connection: Connection, system: SystemRules, name: str) -> DatasetFigures:
    """Count, in one statement, every figure of dataset `name`'s plan (see the module)."""
    system, source = _summarised(system, name)
    flags = _Flags()
    counts = _due_counts(system, name, flags) if system.sweepable(name) else {}
    minima: dict[str, sa.ColumnElement[Any]] = {}
    for index, rule in enumerate(system.rules[name]):
        if rule.executable:
            oldest, release, undated = _rule_columns(system, name, rule, flags)
            minima[f"oldest_{index}"], minima[f"next_{index}"] = oldest, release
            counts[f"undated_{index}"] = undated
    pending = _pending_anchor(system, name, flags)
    if pending is not None:
        minima["pending"] = pending
    columns = [flags.count().label("rows")]
    columns += [flags.count(condition).label(label) for label, condition in counts.items()]
    columns += [expression.label(label) for label, expression in minima.items()]
    postgresql = connection.dialect.name == "postgresql"
    if postgresql:
        # The planner's estimates for the aggregates are rough, and past its cost threshold PostgreSQL
        # compiles the statement (JIT): seconds of compiling for a scan of a few hundred milliseconds.
        connection.exec_driver_sql("SET LOCAL jit = off")
        # The censuses of a plan run side by side (`plan`): parallel workers would only share the same
        # cores, each computing the aggregates of related rows again.
        connection.exec_driver_sql("SET LOCAL max_parallel_workers_per_gather = 0")
    statement = flags.select(columns, source, fenced=not postgresql)
    row = connection.execute(statement).one()._mapping
    return _figures(system, name, row)


def _summarised(system: SystemRules, name: str) -> tuple[SystemRules, sa.FromClause]:
    """`system` reading each rule that counts from related rows through one aggregate joined to the table.

    Per row, what the rule's conditions ask of its related rows (some still
    running on a day, some without a date, their latest date) follows from
    two aggregates over the chain, grouped by the column its first hop
    reaches: `MAX(date)` and the number of related rows without a date. The
    database computes them once per table, in one pass over the chain,
    instead of a correlated subquery per condition and per row. A row with
    no related row at all meets the outer join with NULLs: nothing runs,
    which is what the subqueries say too.
    """
    table = system.tables[name]
    source: sa.FromClause = table
    summaries = dict(system.summaries)
    for index, rule in enumerate(system.rules[name]):
        if rule.own or not rule.executable:
            continue
        joined, key, date = system.path_join(rule)
        undated = sa.func.count() - sa.func.count(date)
        related = (
            sa.select(key.label("key"), sa.func.max(date).label("latest"), undated.label("undated"))
            .select_from(joined)
            .group_by(key)
            .subquery(f"related_{index}")
        )
        source = source.outerjoin(related, related.c.key == table.c[rule.path[0].source_column])
        summaries[id(rule)] = RelatedSummary(table, related.c.latest, related.c.undated)
    return (dataclasses.replace(system, summaries=summaries) if summaries else system), source


def _due_counts(system: SystemRules, name: str, flags: _Flags) -> dict[str, Condition]:
    """The conditions counted for a dataset that can have due rows.

    Each rule's and each hold's condition on each day counted is flagged
    first: the dataset's (expired, released...) are then read from theirs.
    """
    table = system.tables[name]
    for rule in system.rules[name]:
        if id(rule) in system.summaries:  # some related row without a date: the same on every day
            flags.flag(certainly(system.summaries[id(rule)].undated > 0))
    for day in [system.as_of, *(system.as_of + dt.timedelta(days=days) for days in WINDOWS)]:
        for rule in system.rules[name]:
            flags.flag(system.rule_expired(rule, table, day))
        flags.flag(system.legally_held(name, table, day))
    expired = flags.flag(system.expired(name, table))
    legal, case = flags.flag(system.legally_held(name, table)), flags.flag(system.case_held(name, table))
    restricted = flags.flag(system.restricted(name, table))
    personal = flags.flag(system.still_personal(name))
    assert expired is not None
    released = sa.and_(expired, *(sa.not_(held) for held in (legal, case, restricted) if held is not None))
    counts: dict[str, Condition] = {}
    if legal is not None:
        counts["held_legal"] = sa.and_(expired, legal)
    if case is not None:
        counts["held_case"] = sa.and_(expired, *([sa.not_(legal)] if legal is not None else []), case)
    if restricted is not None:
        counts["restricted"] = sa.and_(expired, restricted)
    pending = _split_released(system, name, released, personal, counts, flags)
    for days in WINDOWS:
        later = flags.flag(system.released(name, table, system.as_of + dt.timedelta(days=days)))
        assert later is not None
        counts[f"within_{days}"] = sa.and_(later, sa.not_(released), *pending)
    return counts


def _split_released(
    system: SystemRules,
    name: str,
    released: Condition,
    personal: Condition | None,
    counts: dict[str, Condition],
    flags: _Flags,
) -> list[Condition]:
    """Add the counts of released rows by fate; return what a released row still needs to be due (still personal)."""
    if system.actions[name][0] == "anonymize":
        assert personal is not None, "a dataset swept by anonymisation has fields to anonymise"
        counts["anonymise"] = sa.and_(released, personal)
        counts["already_anonymised"] = sa.and_(released, sa.not_(personal))
        return [personal]
    referenced = flags.flag(system.referenced(name, system.tables[name], predicted=True))
    if referenced is None:
        counts["delete"] = released
        return []
    counts["delete"] = sa.and_(released, sa.not_(referenced))
    if personal is None:
        counts["skipped"] = sa.and_(released, referenced)
    else:
        counts["anonymise"] = sa.and_(released, referenced, personal)
        counts["already_anonymised"] = sa.and_(released, referenced, sa.not_(personal))
    return []


def _rule_columns(
    system: SystemRules, name: str, rule: RetentionRule, flags: _Flags
) -> tuple[sa.ColumnElement[Any], sa.ColumnElement[Any], Condition]:
    """MIN(date), MIN(date of rows the rule still keeps), and the rows it cannot release, for one rule.

    Rows it cannot release (`undated`) have no date in either minimum.
    """
    table = system.tables[name]
    assert rule.anchor is not None
    running = flags.flag(sa.not_(system.rule_expired(rule, table, system.as_of)))
    if rule.own:
        date: sa.ColumnElement[Any] = system.rule_date(rule, table)
        undated: Condition | None = date.is_(None)
    else:
        summary = system.summaries[id(rule)]
        date, undated = summary.latest, certainly(summary.undated > 0)
    if rule.undated == "release":
        undated = sa.false()
    date, undated = flags.value(date), flags.flag(undated)
    assert running is not None and undated is not None
    dated = sa.and_(date.is_not(None), sa.not_(undated))
    kept = sa.and_(running, dated)
    return sa.func.min(sa.case((dated, date))), sa.func.min(sa.case((kept, date))), undated


def _pending_anchor(system: SystemRules, name: str, flags: _Flags) -> sa.ColumnElement[Any] | None:
    """MIN(date) of the rows not released yet, when one own rule and holds on the same date decide them all."""
    rules, holds = system.rules[name], system.holds[name]
    if len(rules) != 1 or not rules[0].own or rules[0].fallbacks or not system.sweepable(name):
        return None
    anchor = rules[0].anchor
    assert anchor is not None
    if any(hold.anchor != anchor.column or hold.keep is None for hold in holds):
        return None
    table = system.tables[name]
    column = flags.value(table.c[anchor.column])
    waiting = flags.flag(sa.not_(sa.and_(system.expired(name, table), *_not_held(system, name))))
    assert waiting is not None
    return sa.func.min(sa.case((sa.and_(column.is_not(None), waiting), column)))


def _not_held(system: SystemRules, name: str) -> list[Condition]:
    held = system.legally_held(name, system.tables[name])
    return [] if held is None else [sa.not_(held)]


def _figures(system: SystemRules, name: str, row: Any) -> DatasetFigures:
    def count(label: str) -> int:
        return int(row[label] or 0) if label in row else 0

    rules: list[RuleFigures] = []
    for index, rule in enumerate(system.rules[name]):
        if not rule.executable or rule.keep is None:
            rules.append(RuleFigures())
            continue
        release = row[f"next_{index}"]
        next_release = release_day(rule.keep, release) if release is not None else None
        rules.append(RuleFigures(_day(row[f"oldest_{index}"]), next_release, count(f"undated_{index}")))
    return DatasetFigures(
        rows=count("rows"),
        delete=count("delete"),
        anonymise=count("anonymise"),
        held_legal=count("held_legal"),
        held_case=count("held_case"),
        restricted=count("restricted"),
        already_anonymised=count("already_anonymised"),
        skipped=count("skipped"),
        due_within={days: count(f"within_{days}") for days in WINDOWS} if system.sweepable(name) else {},
        rules=tuple(rules),
        pending_anchor=_anchor_day(row.get("pending")),
    )


def _day(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


def _anchor_day(value: Any) -> dt.date | None:
    """A date from an anchor column; text that is not an ISO date (a text column holding garbage) is none."""
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return _day(value)
