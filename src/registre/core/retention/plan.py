"""Retention plans: what a sweep would do on a given day, per dataset, and what comes next; change nothing.

`plan_retention` reads every system through read-only connections, one
census per dataset (`census`), and says for each: rows due now (to delete,
to anonymise), rows held (by law, by a case), rows becoming due within 30,
90 and 365 days, the next due date, the oldest date, and the rules that
decide, with why a rule never lets a row go when it cannot. A sweep run on
the same day over the same data does exactly what its plan counts.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

import sqlalchemy as sa

from registre.core.engine.anonymisation import AnonymisationError
from registre.core.engine.case_holds import CaseHold, check_case_holds
from registre.core.engine.holds import HoldRule
from registre.core.policy.model import Policy
from registre.core.retention.census import DatasetFigures, RuleFigures, release_day, take_census
from registre.core.retention.due import SystemRules, load_system
from registre.core.retention.rules import RetentionRule
from registre.core.sources.catalog import catalog_for
from registre.core.sources.connection import SourceError, describe_error, display_url, read_only_connection

# Censuses taken at once on PostgreSQL, each on its own connection (see `_take_censuses`): one per core of
# this machine (the database's, when it runs here), two to four. The heaviest census (a table joined to the
# aggregates of its related rows) takes one connection and usually lasts as long as all the others together.
CENSUS_CONNECTIONS = max(2, min(4, os.cpu_count() or 2))
_Read = TypeVar("_Read")


@dataclass(frozen=True)
class RuleStatus:
    """One rule on one dataset, with its figures."""

    rule: RetentionRule
    figures: RuleFigures

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.rule.to_dict(),
            "oldest": _iso(self.figures.oldest),
            "next_release": _iso(self.figures.next_release),
            "undated": self.figures.undated,
        }


@dataclass(frozen=True)
class NeverDue:
    """Rows of a dataset that can never become due as the data stand, and why.

    `code`: `waits` (no row of the dataset can be due), `undated` (a rule
    has no date to count from, under `undated: keep`), `referenced`
    (rows that stay still reference them, and nothing can be anonymised).
    """

    rows: int
    code: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"rows": self.rows, "code": self.code, "reason": self.reason}


@dataclass(frozen=True)
class DatasetRetention:
    """One dataset in a plan. `waits` says why no row of it can be due; `position` is its place in the sweep."""

    system: str
    dataset: str
    action: str
    action_reason: str
    figures: DatasetFigures
    rules: tuple[RuleStatus, ...] = ()
    holds: tuple[HoldRule, ...] = ()
    next_due_date: dt.date | None = None
    position: int = 0
    waits: str | None = None
    problem: str | None = None
    refused: tuple[str, ...] = ()

    @property
    def reference(self) -> str:
        return f"{self.system}.{self.dataset}"

    @property
    def due(self) -> int:
        return self.figures.delete + self.figures.anonymise

    def never_due(self) -> list[NeverDue]:
        """The rows that no sweep can reach as the data stand, by reason (empty: every row can become due)."""
        if self.waits:
            return [NeverDue(self.figures.rows, "waits", self.waits)] if self.figures.rows else []
        found = [
            NeverDue(
                status.figures.undated,
                "undated",
                f"no date to count from for {status.rule.activity} ({', '.join(status.rule.columns)} NULL, "
                "on the row or a related row): declare a fallback (from: [a, b]) or undated: release",
            )
            for status in self.rules
            if status.figures.undated and status.rule.executable
        ]
        if self.figures.skipped:
            reason = "still referenced by rows that stay, and no personal field to anonymise"
            found.append(NeverDue(self.figures.skipped, "referenced", reason))
        return found

    @property
    def oldest(self) -> dt.date | None:
        """The oldest date of the rule that decides alone; None with several rules (see each rule)."""
        return self.rules[0].figures.oldest if len(self.rules) == 1 else None

    def to_dict(self) -> dict[str, Any]:
        figures = self.figures
        return {
            "system": self.system,
            "dataset": self.dataset,
            "action": self.action,
            "action_reason": self.action_reason,
            "position": self.position,
            "rows": figures.rows,
            "due": self.due,
            "delete": figures.delete,
            "anonymise": figures.anonymise,
            "held_legal": figures.held_legal,
            "held_case": figures.held_case,
            "restricted": figures.restricted,
            "already_anonymised": figures.already_anonymised,
            "skipped": figures.skipped,
            "due_within": {str(days): count for days, count in figures.due_within.items()},
            "next_due_date": _iso(self.next_due_date),
            "oldest": _iso(self.oldest),
            "waits": self.waits,
            "problem": self.problem,
            "refused": list(self.refused),
            "rules": [status.to_dict() for status in self.rules],
            "holds": [hold.to_dict() for hold in self.holds],
            "never_due": [found.to_dict() for found in self.never_due()],
        }


@dataclass(frozen=True)
class SystemRetention:
    """One system in a plan; `url` has its password hidden, `error` says why it could not be counted."""

    system: str
    url: str
    datasets: tuple[DatasetRetention, ...] = ()
    order: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "system": self.system,
            "url": self.url,
            "error": self.error,
            "order": list(self.order),
            "notes": list(self.notes),
            "datasets": [dataset.to_dict() for dataset in self.datasets],
        }


@dataclass(frozen=True)
class RetentionPlan:
    """What a sweep on `as_of` would do in every system, with the case holds in force."""

    as_of: dt.date
    systems: tuple[SystemRetention, ...]
    case_holds: tuple[CaseHold, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return all(system.error is None for system in self.systems)

    @property
    def datasets(self) -> list[DatasetRetention]:
        return [dataset for system in self.systems for dataset in system.datasets]

    def dataset(self, reference: str) -> DatasetRetention:
        """The dataset `system.dataset`; KeyError if the plan has no such dataset."""
        for dataset in self.datasets:
            if dataset.reference == reference:
                return dataset
        raise KeyError(reference)

    def total(self, figure: str) -> int:
        """The sum of one figure (`delete`, `anonymise`, `held_legal`...) over every dataset."""
        return sum(int(getattr(dataset.figures, figure)) for dataset in self.datasets)

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "ok": self.ok,
            "due": self.total("delete") + self.total("anonymise"),
            "delete": self.total("delete"),
            "anonymise": self.total("anonymise"),
            "case_holds": [hold.to_dict() for hold in self.case_holds],
            "systems": [system.to_dict() for system in self.systems],
        }

    def to_text(self) -> str:
        """The plan for people: per system and dataset, what is due, held and coming, and the rules."""
        delete, anonymise = self.total("delete"), self.total("anonymise")
        lines = [
            f"Retention plan on {self.as_of.isoformat()}: {delete + anonymise:,} rows due "
            f"({delete:,} to delete, {anonymise:,} to anonymise)"
        ]
        lines += [f"case hold: {_describe_case_hold(hold)}" for hold in self.case_holds]
        for system in self.systems:
            lines.append(f"{system.system} ({system.url})" + (f": ERROR {system.error}" if system.error else ""))
            lines += [f"  note: {note}" for note in system.notes]
            for dataset in sorted(system.datasets, key=lambda found: found.position):
                lines += _dataset_lines(dataset)
        return "\n".join(lines) + "\n"


def _describe_case_hold(hold: CaseHold) -> str:
    parts = [
        f"subject {hold.subject.reference}" if hold.subject else "",
        f"tenant {hold.tenant}" if hold.tenant else "",
    ]
    return " in ".join(part for part in parts if part) + (f" ({hold.reference})" if hold.reference else "")


def _dataset_lines(dataset: DatasetRetention) -> list[str]:
    figures = dataset.figures
    head = f"  {dataset.reference}: {_rows(figures.rows)}"
    if dataset.waits:
        return [f"{head}; never due: {dataset.waits}"]
    lines = [f"{head}; due now: delete {figures.delete:,}, anonymise {figures.anonymise:,} ({dataset.action_reason})"]
    held = [f"{figures.held_legal:,} by law", f"{figures.held_case:,} by case hold"]
    if figures.restricted:
        held.append(f"{figures.restricted:,} restricted (Art. 18)")
    if figures.already_anonymised:
        held.append(f"{figures.already_anonymised:,} already anonymised")
    if figures.skipped:
        held.append(f"{figures.skipped:,} skipped: still referenced, nothing to anonymise")
    lines.append("    held: " + ", ".join(held))
    coming = ", ".join(f"{count:,} within {days} days" for days, count in figures.due_within.items())
    dates = [f"next due {_iso(dataset.next_due_date)}" if dataset.next_due_date else ""]
    dates.append(f"oldest {_iso(dataset.oldest)}" if dataset.oldest else "")
    lines.append("    coming: " + "; ".join(part for part in [coming, *dates] if part))
    if dataset.problem:
        lines.append(f"    problem: {dataset.problem}")
    lines += [f"    refused by the database: {refused}" for refused in dataset.refused]
    lines += [f"    never due: {_rows(found.rows)}: {found.reason}" for found in dataset.never_due()]
    lines += [f"    legal hold {hold.describe(None)}" for hold in dataset.holds]
    for status in dataset.rules:
        found = status.figures
        facts = [f"oldest {_iso(found.oldest) or '-'}", f"next {_iso(found.next_release) or '-'}"]
        if found.undated:
            facts.append(f"{_rows(found.undated)} without a date to count from")
        lines.append(f"    rule {status.rule.describe()} ({', '.join(facts)})")
    return lines


def plan_retention(
    policy: Policy,
    *,
    as_of: dt.date,
    case_holds: Sequence[CaseHold] = (),
    systems: Sequence[str] | None = None,
    key: str | bytes | None = None,
) -> RetentionPlan:
    """Count what a sweep on `as_of` would do in each system (all, or those named); change nothing.

    Each system is read through read-only connections (see `_take_censuses`);
    one that cannot be read is reported with its error and the others are
    still counted. Raises ValueError for a system the policy does not
    declare, and SubjectError for a held subject with an identity type it
    does not declare.
    """
    names = checked_systems(policy, systems)
    check_case_holds(policy, case_holds)
    loaded = {name: _load_system(policy, name, as_of, case_holds, key) for name in names}
    counted = _take_censuses(policy, loaded)
    planned = tuple(_plan_system(policy, name, loaded[name], counted[name]) for name in names)
    return RetentionPlan(as_of, planned, tuple(case_holds))


def checked_systems(policy: Policy, systems: Sequence[str] | None) -> list[str]:
    """The systems named (all when None), in declaration order; ValueError for an unknown one."""
    if systems is None:
        return list(policy.systems)
    unknown = [name for name in systems if name not in policy.systems]
    if unknown:
        known = ", ".join(policy.systems) or "none"
        raise ValueError(f"unknown system(s): {', '.join(unknown)} (declared: {known})")
    return [name for name in policy.systems if name in systems]


# What the censuses of a system gave: the figures of each dataset, or the error that stopped them.
_Counted = dict[str, DatasetFigures] | str


def _load_system(
    policy: Policy, name: str, as_of: dt.date, case_holds: Sequence[CaseHold], key: str | bytes | None
) -> SystemRules | str:
    """The rules of system `name` over its reflected tables, or why they could not be read."""
    return _reading(policy, name, lambda: load_system(policy, name, as_of, case_holds, key))


def _take_censuses(policy: Policy, loaded: Mapping[str, SystemRules | str]) -> dict[str, _Counted]:
    """The census of every dataset of every system loaded, by system.

    On PostgreSQL, every dataset's census runs on its own read-only
    connection, `CENSUS_CONNECTIONS` at a time, the heaviest first (see
    `_heaviness`): the statements are independent, and each one already
    reads its own snapshot in a READ COMMITTED transaction. On the other
    dialects a system's datasets are counted one after the other, in one
    read-only transaction, on the calling thread (an in-memory SQLite
    database belongs to its thread).
    """
    counted: dict[str, _Counted] = {name: rules for name, rules in loaded.items() if isinstance(rules, str)}
    ready = {name: rules for name, rules in loaded.items() if not isinstance(rules, str)}
    together: list[tuple[str, str]] = []
    for name, rules in ready.items():
        if catalog_for(policy.systems[name]).engine.dialect.name == "postgresql":
            together += [(name, dataset) for dataset in rules.datasets]
        else:
            counted[name] = _count(policy, rules, list(rules.datasets))
    order = sorted(together, key=lambda found: _heaviness(ready[found[0]], found[1]), reverse=True)
    with ThreadPoolExecutor(max_workers=CENSUS_CONNECTIONS) as pool:
        running = {found: pool.submit(_count, policy, ready[found[0]], [found[1]]) for found in order}
    figures: dict[str, dict[str, DatasetFigures]] = {}
    for found in together:  # in declaration order: a system's first failing dataset gives its error
        result = running[found].result()
        if isinstance(result, str):
            counted.setdefault(found[0], result)
        else:
            figures.setdefault(found[0], {}).update(result)
    for name, found_figures in figures.items():
        counted.setdefault(name, found_figures)
    return counted


def _heaviness(rules: SystemRules, dataset: str) -> int:
    """How much a census joins to its table: aggregates of related rows, and datasets that reference it."""
    related = sum(1 for rule in rules.rules[dataset] if rule.executable and not rule.own)
    return 2 * related + len(rules.children[dataset])


def _count(policy: Policy, rules: SystemRules, datasets: list[str]) -> _Counted:
    """The census of `datasets` of one system, on one read-only connection, or why it stopped."""

    def count() -> dict[str, DatasetFigures]:
        with read_only_connection(catalog_for(policy.systems[rules.name]).engine) as connection:
            return {dataset: take_census(connection, rules, dataset) for dataset in datasets}

    return _reading(policy, rules.name, count)


def _reading(policy: Policy, name: str, read: Callable[[], _Read]) -> _Read | str:
    """What `read` returns, or the error that stopped it, readable (no password)."""
    try:
        return read()
    except (SourceError, AnonymisationError) as error:
        return str(error)
    except sa.exc.SQLAlchemyError as error:
        return describe_error(error, policy.systems[name].url)


def _plan_system(policy: Policy, name: str, rules: SystemRules | str, counted: _Counted) -> SystemRetention:
    url = display_url(policy.systems[name].url)
    if isinstance(rules, str) or isinstance(counted, str):
        return SystemRetention(name, url, error=counted if isinstance(counted, str) else str(rules))
    datasets = tuple(_plan_dataset(rules, dataset, counted[dataset]) for dataset in policy.systems[name].datasets)
    return SystemRetention(name, url, datasets, rules.order.datasets, rules.order.notes)


def _plan_dataset(system: SystemRules, name: str, figures: DatasetFigures) -> DatasetRetention:
    action, reason = system.actions[name]
    rules = tuple(RuleStatus(rule, found) for rule, found in zip(system.rules[name], figures.rules, strict=True))
    return DatasetRetention(
        system=system.name,
        dataset=name,
        action=action,
        action_reason=reason,
        figures=figures,
        rules=rules,
        holds=tuple(system.holds[name]),
        next_due_date=_next_due_date(system, name, figures),
        position=system.order.position(name),
        waits=_waits(system, name),
        problem=system.problems.get(name),
        refused=tuple(system.refused.get(name, ())),
    )


def _waits(system: SystemRules, name: str) -> str | None:
    """Why no row of `name` can be due, or None."""
    if system.sweepable(name):
        return None
    rules = system.rules[name]
    if not rules:
        return "no activity lists it: no retention applies"
    waiting = [rule.waits for rule in rules if rule.waits]
    if waiting:
        return "; ".join(waiting)
    return f"nothing to anonymise: {system.problems.get(name, 'no personal field')}"


def _next_due_date(system: SystemRules, name: str, figures: DatasetFigures) -> dt.date | None:
    """The first day a row not due now becomes due, where one rule decides (see `census`); else None."""
    rules = system.rules[name]
    if not system.sweepable(name) or len(rules) != 1:
        return None
    rule = rules[0]
    if figures.pending_anchor is not None and rule.keep is not None:
        anchor = figures.pending_anchor
        day = anchor.date() if isinstance(anchor, dt.datetime) else anchor
        # A hold keeps a row through its last day (`HoldRule.until`): released the day after.
        released = [until + dt.timedelta(days=1) for hold in system.holds[name] if (until := hold.until(day))]
        return max([release_day(rule.keep, day), *released])
    if not system.holds[name]:
        return figures.rules[0].next_release
    return None


def _rows(count: int) -> str:
    return f"{count:,} row{'' if count == 1 else 's'}"


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None
