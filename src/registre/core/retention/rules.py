"""Retention rules: which activities keep a dataset's rows, from which date, for how long, and what happens then.

Art. 5(1)(e) GDPR (storage limitation): personal data are kept no longer than
the purposes of their processing need. Each activity that lists a dataset
keeps its rows for the activity's `retention: {keep, from, then}`:

- `from` names a date column of the dataset itself: a row runs out `keep`
  after its own date (a row without a date never runs out: a running
  contract has no end date yet);
- `from` names a date column of another dataset of the same system: a row
  runs out when it has at least one related row there and every related
  row's date is `keep` in the past (related: along the shortest chain of
  declared references, see `paths`);
- `from` lists several columns (`from: [a, b]`, or `fallback:`), all of
  the anchor's dataset: the first that is not NULL counts;
- a row with no date at all is kept (`undated: keep`, the default: the
  event has not happened yet) or released (`undated: release`); either
  way the plan counts those rows, and says why they wait;
- a related row that does not exist keeps nothing: an activity that has
  no data for a row (a contact without any ticket) does not keep it;
- no `from` (only `after:`, an event the databases do not record), an
  anchor in another system, or no chain of references: the rule never lets
  a row go, and says why.

A row is due only when every activity listing its dataset has run out
(Art. 5(1)(b) and (e): data collected for several purposes may be kept
as long as one of them still needs it).

What happens to due rows: each activity's `then` (the dataset's `erase`
when the activity does not state it). Deletion wins only when every rule
says delete; one rule saying anonymise keeps the rows, anonymised. An
anonymised row is no longer personal data (Recital 26), so it meets every
rule's promise, while deleting it would defeat the rule that asked to keep
it in that form (statistics, accounting totals).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from registre.core.engine.holds import describe_duration
from registre.core.policy.durations import Duration
from registre.core.policy.model import Activity, Dataset, ErasureStrategy, Policy
from registre.core.retention.paths import Hop, describe_path, reference_path


@dataclass(frozen=True)
class Anchor:
    """The date column a retention counts from: `system.dataset.column`."""

    system: str
    dataset: str
    column: str

    @classmethod
    def parse(cls, text: str) -> Anchor | None:
        parts = text.split(".")
        return cls(*parts) if len(parts) == 3 and all(parts) else None

    def __str__(self) -> str:
        return f"{self.system}.{self.dataset}.{self.column}"


@dataclass(frozen=True)
class RetentionRule:
    """One activity's retention as it applies to one dataset.

    `path` is empty when the anchor is a column of the dataset itself.
    `waits` says why the rule never lets a row go; None for a rule the
    databases can execute.
    """

    activity: str
    keep: Duration | None
    anchor: Anchor | None
    then: ErasureStrategy
    path: tuple[Hop, ...] = ()
    waits: str | None = None
    fallbacks: tuple[str, ...] = ()
    undated: str = "keep"

    @property
    def columns(self) -> tuple[str, ...]:
        """The anchor's dataset's date columns counted from, first not NULL wins."""
        assert self.anchor is not None
        return (self.anchor.column, *self.fallbacks)

    @property
    def executable(self) -> bool:
        return self.waits is None

    @property
    def own(self) -> bool:
        """Whether the rule counts from a column of the dataset itself."""
        return self.executable and not self.path

    def reads(self) -> set[str]:
        """The other datasets whose rows decide this rule."""
        return {hop.target for hop in self.path}

    def describe(self) -> str:
        """`contract-management: 5 years from crm.contracts.ended_at, via contacts.id = contracts.signatory_id`."""
        if self.waits is not None:
            return self.waits
        assert self.keep is not None and self.anchor is not None
        via = f", via {describe_path(self.path)}" if self.path else ""
        also = "".join(f", else {column}" for column in self.fallbacks)
        undated = ", rows without a date released" if self.undated == "release" else ""
        period = f"{describe_duration(self.keep)} from {self.anchor}{also}"
        return f"{self.activity}: {period}{via}, then {self.then}{undated}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "activity": self.activity,
            "keep": str(self.keep) if self.keep else None,
            "from": str(self.anchor) if self.anchor else None,
            "fallback": list(self.fallbacks),
            "undated": self.undated,
            "then": self.then,
            "path": [str(hop) for hop in self.path],
            "executable": self.executable,
            "waits": self.waits,
            "description": self.describe(),
        }


def retention_rules(policy: Policy, system: str, dataset: str) -> list[RetentionRule]:
    """The rule of each activity that lists `system.dataset`, in declaration order."""
    declared = policy.systems[system].datasets
    return [
        _rule(key, activity, declared, system, dataset)
        for key, activity in policy.activities_using(f"{system}.{dataset}").items()
    ]


def _rule(key: str, activity: Activity, declared: dict[str, Dataset], system: str, name: str) -> RetentionRule:
    retention = activity.retention
    if retention is None:
        return RetentionRule(key, None, None, declared[name].erase, waits=f"waits for {key}: it declares no retention")
    then = retention.then if "then" in retention.model_fields_set else declared[name].erase
    if retention.from_ is None:
        after = f", it counts from {retention.after.get('en')}" if retention.after else ""
        return RetentionRule(
            key, retention.keep, None, then, waits=f"waits for {key}: no date column to count from{after}"
        )
    anchor = Anchor.parse(retention.from_)
    if anchor is None or anchor.system != system or anchor.dataset not in declared:
        reason = f"waits for {key}: its date {retention.from_} is not in system {system}"
        return RetentionRule(key, retention.keep, anchor, then, waits=reason)
    fallbacks = _fallbacks(retention.fallback, anchor)
    if fallbacks is None:
        reason = f"waits for {key}: its fallback dates {', '.join(retention.fallback)} are not all in {anchor.dataset}"
        return RetentionRule(key, retention.keep, anchor, then, waits=reason)
    path = reference_path(declared, name, anchor.dataset)
    if path is None:
        reason = f"waits for {key}: no chain of references from {name} to {anchor.dataset} (its {anchor.column})"
        return RetentionRule(key, retention.keep, anchor, then, waits=reason)
    return RetentionRule(key, retention.keep, anchor, then, path, fallbacks=fallbacks, undated=retention.undated)


def _fallbacks(declared: Sequence[str], anchor: Anchor) -> tuple[str, ...] | None:
    """The fallback columns, each a column name or `system.dataset.column` of the anchor's dataset; None if not."""
    columns = []
    for text in declared:
        if "." not in text:
            columns.append(text)
            continue
        other = Anchor.parse(text)
        if other is None or (other.system, other.dataset) != (anchor.system, anchor.dataset):
            return None
        columns.append(other.column)
    return tuple(columns)


def sweep_action(dataset: Dataset, rules: Sequence[RetentionRule]) -> tuple[ErasureStrategy, str]:
    """What due rows undergo, and why: anonymised when any rule says so, else deleted (see the module)."""
    if not rules:
        return dataset.erase, f"no activity lists it (erase: {dataset.erase})"
    anonymising = [rule.activity for rule in rules if rule.then == "anonymize"]
    if anonymising:
        return "anonymize", f"then: anonymize ({', '.join(anonymising)})"
    return "delete", "then: delete (every activity)"
