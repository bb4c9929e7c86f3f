"""Counting what a sweep would do in one dataset: one read-only `SELECT` over its table.

Every figure of a dataset's plan comes from a single statement of sums
and `MIN(...)` over the table's rows grouped by the conditions of `due`
(`row_groups`): rows due now (to delete, to anonymise), rows held (by law,
by a case), rows already anonymised, rows becoming due within a few days,
and for each rule its oldest date, the next date it lets a row go and the
rows it cannot let go as things stand (no date, nothing to count from).
The database scans the table once; nothing but the figures reaches Python.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from registre.core.retention.due import RelatedSummary, SystemRules, certainly
from registre.core.retention.row_groups import RowGroups
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


def take_census(connection: Connection, system: SystemRules, name: str) -> DatasetFigures:
    """Count, in one statement, every figure of dataset `name`'s plan (see the module)."""
    system, source = _summarised(system, name)
    flags = RowGroups()
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


def _due_counts(system: SystemRules, name: str, flags: RowGroups) -> dict[str, Condition]:
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
    flags: RowGroups,
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
    system: SystemRules, name: str, rule: RetentionRule, flags: RowGroups
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


def _pending_anchor(system: SystemRules, name: str, flags: RowGroups) -> sa.ColumnElement[Any] | None:
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
