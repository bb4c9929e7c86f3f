"""Every change of state in retention: placing and lifting case holds, running sweeps, computing the forecast.

`active_case_holds()` is what the sweep (and erasure, and offboarding) must respect.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from registre.core.engine import Identity
from registre.core.policy import Policy
from registre.core.retention import CaseHold as CoreCaseHold
from registre.core.retention import RetentionRun, SweepProgress, plan_retention, run_retention
from registre.web.audit.actions import Actor, record
from registre.web.audit.trail import recorded_changes
from registre.web.policy import current_policy
from registre.web.redaction import redact
from registre.web.retention.models import CaseHold, RetentionForecast, SweepRun
from registre.web.vault.keys import lookup_hash

HORIZONS = (30, 90, 365)  # days ahead shown in the forecast


class PolicyUnavailable(Exception):
    """The policy file is missing or has errors: nothing can be swept."""


def require_policy() -> Policy:
    policy = current_policy()
    if policy is None:
        raise PolicyUnavailable("the policy is missing or has errors: run `registre check`")
    return policy


# --- Case holds ------------------------------------------------------------------------------------------


def place_hold(
    actor: Any, *, reason: str, reference: str, identities: list[Identity] | None = None, tenant: str = ""
) -> CaseHold:
    """Place a hold on a subject (their identities), a client tenant, or both; audited."""
    identities = list(identities or [])
    if not identities and not tenant:
        raise ValueError("a case hold names a subject, a client tenant, or both")
    subject = f"{identities[0].type}:{identities[0].value}" if identities else None
    with transaction.atomic():
        hold = CaseHold.objects.create(
            identities=[{"type": item.type, "value": item.value} for item in identities],
            subject_ref=lookup_hash(subject) if subject else "",
            tenant=tenant,
            reason=reason,
            reference=reference,
            placed_by=_user(actor),
        )
        record(
            actor,
            "case_hold.placed",
            subject_ref=hold.subject_ref or None,
            details={
                "hold": hold.pk,
                "reason": reason,
                "reference": reference,
                **({"tenant": tenant} if tenant else {}),
            },
        )
    return hold


def lift_hold(hold: CaseHold, actor: Any) -> CaseHold:
    """Lift a hold in force: the next sweep treats the rows it kept as any other. Audited."""
    if not hold.active:
        return hold
    with transaction.atomic():
        hold.lifted_by, hold.lifted_at = _user(actor), timezone.now()
        hold.save(update_fields=["lifted_by", "lifted_at"])
        record(
            actor,
            "case_hold.lifted",
            subject_ref=hold.subject_ref or None,
            details={"hold": hold.pk, "reference": hold.reference, **_tenant_of(hold.tenant)},
        )
    return hold


def record_restriction(actor: Any, identities: list[Identity], *, ground: str, tenant: str = "") -> CaseHold:
    """Record that the person's data are restricted (Art. 18), on `ground`; the one already in force is kept.

    Datasets with a flag column carry the restriction in the row; the others only through this record,
    which erasures and sweeps read as they read case holds: the rows are only stored while it lasts.
    """
    found = _restrictions_of(identities, tenant)
    if found:
        return found[0]
    return place_hold(actor, reason=CaseHold.Reason.RESTRICTION, reference=ground, identities=identities, tenant=tenant)


def lift_restriction(actor: Any, identities: list[Identity], *, tenant: str = "") -> list[CaseHold]:
    """Lift the restrictions recorded for the person (and tenant); audited. The ones lifted."""
    return [lift_hold(hold, actor) for hold in _restrictions_of(identities, tenant)]


def _restrictions_of(identities: list[Identity], tenant: str) -> list[CaseHold]:
    """The restrictions in force whose identities are exactly `identities`, within `tenant`.

    Found by the lookup hash of the first identity, as `place_hold` records it (the identities are encrypted).
    """
    if not identities:
        return []
    wanted = sorted((item.type, item.value) for item in identities)
    in_force = CaseHold.objects.filter(
        reason=CaseHold.Reason.RESTRICTION,
        lifted_at__isnull=True,
        tenant=tenant,
        subject_ref=lookup_hash(f"{identities[0].type}:{identities[0].value}"),
    )
    return [hold for hold in in_force if sorted((i["type"], i["value"]) for i in hold.identities) == wanted]


def _tenant_of(tenant: str) -> dict[str, str]:
    """The tenant for an entry's details; nothing when the hold names none."""
    return {"tenant": tenant} if tenant else {}


def active_case_holds() -> list[CoreCaseHold]:
    """The case holds in force, as the engine takes them (sweeps, erasure, offboarding)."""
    return [hold.engine_hold() for hold in CaseHold.objects.filter(lifted_at__isnull=True).order_by("pk")]


# --- Sweeps ----------------------------------------------------------------------------------------------


def run_sweep(
    actor: Any, *, as_of: dt.date | None = None, dry_run: bool = False, progress: SweepProgress | None = None
) -> SweepRun:
    """Sweep every system on `as_of` (today) with the case holds in force; record the run and audit it.

    A failure (an exception, or a system that stopped with an error) is recorded on the run as `failed`
    with its error; the batches already committed stay counted.
    """
    who = Actor.of(actor)  # before anything is deleted: an unknown actor changes nothing
    as_of = as_of or timezone.localdate()
    run = SweepRun.objects.create(as_of=as_of, dry_run=dry_run, actor_name=who.name)
    try:
        with recorded_changes(who, "retention.data_changed", details={"run": run.pk, "as_of": as_of.isoformat()}):
            # The erasures' key: a swept row keeps the pseudonym a later erasure or access looks for.
            result = run_retention(
                require_policy(),
                as_of=as_of,
                dry_run=dry_run,
                case_holds=active_case_holds(),
                progress=progress,
                key=settings.REGISTRE_PSEUDONYM_KEY,
            )
    except Exception as error:
        _finish(run, who, error=redact(f"{type(error).__name__}: {error}"))
        raise
    errors = [f"{system.system}: {system.error}" for system in result.systems if system.error]
    _finish(run, who, result=result, error=redact("; ".join(errors)))
    return run


def _finish(run: SweepRun, actor: Actor, *, result: RetentionRun | None = None, error: str = "") -> None:
    with transaction.atomic():  # the run is "done" only with its audit entry
        _save_finished(run, actor, result, error)


def _save_finished(run: SweepRun, actor: Actor, result: RetentionRun | None, error: str) -> None:
    run.finished_at = timezone.now()
    run.status = SweepRun.Status.FAILED if error else SweepRun.Status.DONE
    run.error = error
    if result is not None:
        run.counts = [dataset.to_dict() for dataset in result.datasets]
        run.deleted, run.anonymised, run.seconds = result.deleted, result.anonymised, result.seconds
    else:
        run.seconds = (run.finished_at - run.started_at).total_seconds()
    run.save()
    record(
        actor,
        "retention.swept",
        counts={"deleted": run.deleted, "anonymised": run.anonymised},
        details={"run": run.pk, "as_of": run.as_of.isoformat(), "dry_run": run.dry_run, "status": run.status},
    )


def compute_forecast(as_of: dt.date | None = None) -> RetentionForecast:
    """Plan the retention on `as_of` (today) and keep, per dataset, the rows due now and within each horizon."""
    as_of = as_of or timezone.localdate()
    try:
        policy, holds = require_policy(), active_case_holds()
        plan = plan_retention(policy, as_of=as_of, case_holds=holds, key=settings.REGISTRE_PSEUDONYM_KEY)
    except Exception as error:
        return RetentionForecast.objects.create(as_of=as_of, error=redact(f"{type(error).__name__}: {error}"))
    datasets = []
    for found in plan.to_dict()["systems"]:
        for dataset in found["datasets"]:
            within = dataset["due_within"]
            datasets.append(
                {
                    "reference": f"{found['system']}.{dataset['dataset']}",
                    "action": dataset["action"],
                    "due": dataset["due"],
                    "within": [within.get(str(days), 0) for days in HORIZONS],
                    "next_due_date": dataset["next_due_date"],
                }
            )
    errors = "; ".join(f"{found.system}: {found.error}" for found in plan.systems if found.error)
    return RetentionForecast.objects.create(as_of=as_of, datasets=datasets, error=redact(errors))


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None
