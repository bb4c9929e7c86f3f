"""Which datasets an objection (Art. 21) or a withdrawal of consent (Art. 7(3)) touches, and how.

The rule (docs/web.md, "Objection to direct marketing"):

1. The direct-marketing activities are those named by REGISTRE_MARKETING_ACTIVITIES; when it is
   empty, the controller activities on legitimate interest or consent that process data of
   `prospects` (people the organisation markets to).
2. For the activities objected to (or whose consent is withdrawn), a dataset that no other activity
   uses is erased: its data served only those purposes (Art. 17(1)(b) and (c)). A dataset that other
   activities also use is restricted (Art. 18, the engine's restriction; where it declares no
   `restrict` column the plan says that nothing can be recorded there), since the other purposes
   still need its rows.
3. The engine works on a policy narrowed to those datasets, so that nothing else is reached. A
   dataset that no identity reaches within the narrowed policy (its rows are found through a parent
   dataset, such as support calls through contacts) is restricted instead of erased, with its parents
   added as helpers stripped of their `restrict` column: they lead to the rows, and are never changed.
   Where such a dataset declares no `restrict` column either, the plan says nothing can be recorded
   there: staff handle it by hand.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings

from registre.core.policy import Policy

MARKETING_BASES = frozenset({"legitimate_interest", "consent"})
OBJECTION_BASES = frozenset({"legitimate_interest", "public_task"})
PROSPECTS = "prospects"


def marketing_activities(policy: Policy) -> list[str]:
    """The keys of the direct-marketing activities (rule 1 above)."""
    named = [key for key in settings.REGISTRE_MARKETING_ACTIVITIES if key in policy.activities]
    if named:
        return named
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
    return [
        key for key, activity in policy.activities_by_role("controller").items() if activity.legal_basis == "consent"
    ]


@dataclass(frozen=True)
class Split:
    """The datasets (`system.dataset`) to erase, those to restrict, and the helpers that lead to them."""

    erase: tuple[str, ...]
    restrict: tuple[str, ...]
    helpers: tuple[str, ...] = ()


def split_datasets(policy: Policy, activities: Iterable[str]) -> Split:
    """Rules 2 and 3: what to erase, what to restrict, and through which parent datasets."""
    chosen = set(activities)
    erase, restrict = set(), set()
    for key in chosen:
        for reference in policy.activities[key].datasets if key in policy.activities else []:
            if policy.dataset(reference) is not None:
                (restrict if set(policy.activities_using(reference)) - chosen else erase).add(reference)
    alone = reachable_alone(policy, erase)
    restrict |= erase - alone
    helpers = set().union(*(ancestors(policy, reference) for reference in restrict)) - restrict
    return Split(tuple(sorted(alone)), tuple(sorted(restrict)), tuple(sorted(helpers)))


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
    templates are reused.
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
        if datasets:
            systems[name] = system.model_copy(update={"datasets": datasets})
    narrowed = policy.model_copy(update={"systems": systems})
    with _lock:
        if len(_narrowed) > 64:
            _narrowed.clear()
        _narrowed[key] = (policy, narrowed)
    return narrowed
