"""Which datasets an objection (Art. 21) or a withdrawal of consent (Art. 7(3)) touches, and how.

The rule, the same for the console, the API and the command line:

1. The direct-marketing activities are those the policy declares `marketing: true`; when none
   is, the controller activities on legitimate interest or consent that process data of
   `prospects` (people the organisation markets to).
2. For the activities objected to (or whose consent is withdrawn), a dataset that no other
   activity uses is erased: its data served only those purposes (Art. 17(1)(b) and (c)). A
   dataset that other activities also use is kept as it is: those purposes still need its rows,
   and the objection stops only the objected activities for the person (recorded with the
   request), without restricting rows that contract or support still use.
3. The engine works on a policy narrowed to the datasets to erase, so that nothing else is
   reached. A dataset that no identity reaches within the narrowed policy (its rows are found
   through a parent dataset, such as support calls through contacts) is restricted instead of
   erased, with its parents added as helpers stripped of their `restrict` column: they lead to
   the rows, and are never changed.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass

from registre.core.engine.request import Action
from registre.core.policy.model import Policy

MARKETING_BASES = frozenset({"legitimate_interest", "consent"})
OBJECTION_BASES = frozenset({"legitimate_interest", "public_task"})
PROSPECTS = "prospects"


def marketing_activities(policy: Policy) -> list[str]:
    """The keys of the direct-marketing activities (rule 1 above)."""
    declared = [key for key, activity in policy.activities.items() if activity.marketing]
    if declared:
        return declared
    return [
        key
        for key, activity in policy.activities_by_role("controller").items()
        if activity.legal_basis in MARKETING_BASES and PROSPECTS in policy.activity_subjects(activity)
    ]


def objectionable_activities(policy: Policy) -> list[str]:
    """The controller activities a person may object to on grounds of their situation (Art. 21(1))."""
    return [
        key
        for key, activity in policy.activities_by_role("controller").items()
        if activity.legal_basis in OBJECTION_BASES
    ]


def consent_activities(policy: Policy) -> list[str]:
    """The controller activities on consent: a withdrawal of consent concerns them all."""
    return [
        key for key, activity in policy.activities_by_role("controller").items() if activity.legal_basis == "consent"
    ]


@dataclass(frozen=True)
class Split:
    """The datasets (`system.dataset`) to erase, to restrict, the helpers leading to them, and those kept.

    `kept` are the datasets that other activities still use: an objection leaves them as they are.
    """

    erase: tuple[str, ...]
    restrict: tuple[str, ...]
    helpers: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()


@dataclass(frozen=True)
class ObjectionPart:
    """One engine operation of an objection: the action, on the narrowed policy, for these datasets."""

    action: Action
    policy: Policy
    datasets: tuple[str, ...]


def split_datasets(policy: Policy, activities: Iterable[str]) -> Split:
    """Rules 2 and 3: what to erase, what to restrict, through which parent datasets, and what stays."""
    chosen = set(activities)
    erase: set[str] = set()
    kept: set[str] = set()
    for key in chosen:
        for reference in policy.activities[key].datasets if key in policy.activities else []:
            if policy.dataset(reference) is not None:
                (kept if set(policy.activities_using(reference)) - chosen else erase).add(reference)
    alone = reachable_alone(policy, erase)
    restrict = erase - alone
    helpers = set().union(*(ancestors(policy, reference) for reference in restrict)) - restrict
    return Split(tuple(sorted(alone)), tuple(sorted(restrict)), tuple(sorted(helpers)), tuple(sorted(kept)))


def objection_parts(policy: Policy, activities: Iterable[str]) -> list[ObjectionPart]:
    """The engine operations of an objection to `activities`: an erasure and a restriction, on narrowed policies."""
    split = split_datasets(policy, activities)
    parts = []
    if split.erase:
        parts.append(ObjectionPart("erase", narrowed_policy(policy, split.erase), split.erase))
    if split.restrict:
        parts.append(ObjectionPart("restrict", narrowed_policy(policy, split.restrict, split.helpers), split.restrict))
    return parts


def reachable_alone(policy: Policy, references: set[str]) -> set[str]:
    """The datasets of `references` that an identity reaches without leaving `references`."""
    reached = {ref for ref in references if (dataset := policy.dataset(ref)) is not None and dataset.identity}
    while True:
        more = {ref for ref in references - reached if any(parent in reached for parent in parents(policy, ref))}
        if not more:
            return reached
        reached |= more


def parents(policy: Policy, reference: str) -> set[str]:
    """The datasets that `reference`'s references point at (same system)."""
    system, _dot, _name = reference.partition(".")
    dataset = policy.dataset(reference)
    targets = dataset.references.values() if dataset is not None else []
    return {f"{system}.{target.partition('.')[0]}" for target in targets}


def ancestors(policy: Policy, reference: str) -> set[str]:
    found: set[str] = set()
    pending = [reference]
    while pending:
        for parent in parents(policy, pending.pop()) - found:
            found.add(parent)
            pending.append(parent)
    return found


_narrowed: dict[tuple[int, tuple[str, ...], tuple[str, ...]], tuple[Policy, Policy]] = {}
_lock = threading.Lock()


def narrowed_policy(policy: Policy, references: Iterable[str], helpers: Iterable[str] = ()) -> Policy:
    """`policy` with only the datasets `references` in its systems, and `helpers` without their restrict column.

    The same object for the same arguments, kept per policy object, so that the engine's statement
    templates are reused. Mentions of datasets left out are dropped: they cannot be reached.
    """
    wanted = tuple(sorted(set(references)))
    leading = tuple(sorted(set(helpers) - set(wanted)))
    key = (id(policy), wanted, leading)
    with _lock:
        found = _narrowed.get(key)
        if found is not None and found[0] is policy:
            return found[1]
    systems = {}
    for name, system in policy.systems.items():
        datasets = {
            d: spec if f"{name}.{d}" in wanted else spec.model_copy(update={"restrict": None})
            for d, spec in system.datasets.items()
            if f"{name}.{d}" in wanted or f"{name}.{d}" in leading
        }
        datasets = {
            d: spec.model_copy(
                update={
                    "mentions": {
                        c: m
                        for c, m in spec.mentions.items()
                        if m.person is None or m.person.partition(".")[0] in datasets
                    }
                }
            )
            for d, spec in datasets.items()
        }
        if datasets:
            systems[name] = system.model_copy(update={"datasets": datasets})
    narrowed = policy.model_copy(update={"systems": systems})
    with _lock:
        if len(_narrowed) > 64:
            _narrowed.clear()
        _narrowed[key] = (policy, narrowed)
    return narrowed
