"""What the engine would do for a request, before it does it: the plan shown to staff.

A request becomes one or more engine operations ("parts"): an access, an
erasure, or, for an objection or a withdrawal of consent, an erasure and a
restriction on a narrowed policy (see `objections`). Every erase part takes
the case holds in force: the core leaves a held person's rows untouched,
in the plan and in execution alike (Art. 17(3)(e)). The plan of each part
comes from `plan_request(...).to_dict()`: counts, decisions and reasons per
dataset, and the SQL with parameter names, never identity values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from registre.core.engine import Action, Subject, plan_request
from registre.core.policy import Policy
from registre.web.clients.models import Client
from registre.web.requests.objections import (
    consent_activities,
    marketing_activities,
    objection_parts,
    objectionable_activities,
)
from registre.web.requests.workflow import Kind
from registre.web.retention.actions import active_case_holds

DIRECT_MARKETING = "direct_marketing"


@dataclass(frozen=True)
class Part:
    """One engine operation of a request: the action, on which policy, with which options."""

    action: Action
    policy: Policy
    options: dict[str, Any] = field(default_factory=dict)
    datasets: tuple[str, ...] = ()  # the datasets of a narrowed policy, for the plan's heading


def objected_activities(policy: Policy, kind: str, details: dict[str, Any]) -> list[str]:
    """The activities an objection or a withdrawal of consent concerns."""
    if kind == Kind.WITHDRAW_CONSENT:
        return consent_activities(policy)
    if details.get("scope") == DIRECT_MARKETING:
        return marketing_activities(policy)
    chosen = [key for key in details.get("activities", []) if key in policy.activities]
    return chosen or objectionable_activities(policy)


def request_parts(policy: Policy, kind: str, details: dict[str, Any]) -> list[Part]:
    """The engine operations of a request of `kind` (none for directives after death: they are recorded)."""
    if kind in (Kind.ACCESS, Kind.PORTABILITY):
        return [Part("access", policy, {"portability": kind == Kind.PORTABILITY})]
    if kind == Kind.ERASURE:
        return [Part("erase", policy, erase_options())]
    if kind == Kind.RECTIFICATION:
        return [Part("rectify", policy, {"changes": dict(details.get("changes") or {})})]
    if kind == Kind.RESTRICTION:
        return [Part("restrict", policy)]
    if kind in (Kind.OBJECTION, Kind.WITHDRAW_CONSENT):
        erase = erase_options()
        return [
            Part(part.action, part.policy, erase if part.action == "erase" else {}, part.datasets)
            for part in objection_parts(policy, objected_activities(policy, kind, details))
        ]
    return []


def erase_options() -> dict[str, Any]:
    """The options of every erase part: the pseudonym key, and the case holds in force."""
    return {"key": settings.REGISTRE_PSEUDONYM_KEY, "case_holds": active_case_holds()}


def compute_plan(
    policy: Policy, kind: str, details: dict[str, Any], subject: Subject, *, tenant: str | None, today: dt.date
) -> dict[str, Any]:
    """The plan of every part, as JSON: {"parts": [{"action", "datasets", "plan"}], "ok": bool}."""
    parts = []
    for part in request_parts(policy, kind, details):
        plan = plan_request(part.policy, part.action, subject, tenant=tenant, today=today, **part.options)
        parts.append({"action": part.action, "datasets": list(part.datasets), "plan": plan.to_dict()})
    return {"parts": parts, "ok": all(part["plan"]["ok"] for part in parts)}


def planned_datasets(plan: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(`system.dataset`, its plan) for each dataset a part acts on (not the helpers that lead to them)."""
    for part in plan.get("parts", []):
        targets = set(part.get("datasets") or [])
        for system in part["plan"]["systems"]:
            for dataset in system["datasets"]:
                reference = f"{system['system']}.{dataset['dataset']}"
                if not targets or reference in targets:
                    yield reference, dataset


def concerned_activities(policy: Policy, plan: dict[str, Any]) -> set[str]:
    """The activities using a dataset where the plan found the person's rows."""
    found: set[str] = set()
    for reference, dataset in planned_datasets(plan):
        if dataset["rows"]:
            found |= set(policy.activities_using(reference))
    return found


def matching_clients(policy: Policy, subject: Subject, today: dt.date) -> list[Client]:
    """The clients whose tenant data hold the person: one access plan per client, on its tenant's datasets."""
    if not any(dataset.tenant for _ref, _system, _name, dataset in policy.iter_datasets()):
        return []
    found = []
    for client in Client.objects.all():
        plan = plan_request(policy, "access", subject, tenant=client.tenant, today=today)
        if plan.rows() > 0:
            found.append(client)
    return found


def plan_rows(plan: dict[str, Any]) -> int:
    """The person's rows found in the datasets the plan acts on."""
    return sum(dataset["rows"] for _reference, dataset in planned_datasets(plan))
