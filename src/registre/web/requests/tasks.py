"""The jobs of requests: executing one (the engine, the bundle, the letter), and deleting expired exports."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskContext, task

from registre.core.engine import AccessResult, ChangeResult, ErasureResult
from registre.core.policy import Policy
from registre.web.jobs.actions import log_job
from registre.web.policy import current_policy
from registre.web.redaction import redact
from registre.web.requests.execution import Outcome, Progress, execute_parts
from registre.web.requests.exports import create_export, delete_expired_exports
from registre.web.requests.history import apply_step
from registre.web.requests.holds import case_hold_on
from registre.web.requests.letters import Composed, client_notice, person_letter, send_letter
from registre.web.requests.models import DataRequest, Export
from registre.web.requests.plans import objected_activities
from registre.web.requests.storage import files_dir
from registre.web.requests.workflow import Kind, State


class PolicyUnavailable(Exception):
    """The policy file is missing or has errors: nothing can be planned or executed."""


def require_policy() -> Policy:
    policy = current_policy()
    if policy is None:
        raise PolicyUnavailable("the policy is missing or has errors: run `registre check`")
    return policy


@task(takes_context=True)
def run_request(context: TaskContext, request_id: int) -> dict[str, Any]:
    """Execute a request that is in the `executing` state (see `perform_execution`)."""
    return perform_execution(request_id, progress=lambda message: log_job(context, message))


@task(takes_context=True)
def delete_expired(context: TaskContext) -> dict[str, int]:
    """Delete the export files whose link has expired (scheduled for each export's expiry)."""
    deleted = delete_expired_exports()
    log_job(context, f"{deleted} expired export(s) deleted")
    return {"deleted": deleted}


def perform_execution(request_id: int, progress: Progress | None = None) -> dict[str, Any]:
    """Run the engine for the request, then complete it and send the answer; on failure, back to review.

    1. Execute each part of the plan (one transaction per system each; a failing system is rolled back).
    2. For an access: encrypt the zipped bundle as an export; schedule its deletion at expiry.
    3. Complete the request with the result's summary, and send the letter: to the person, or, for a
       request executed on a client's instruction, to the client (who answers the person).
    """
    request = DataRequest.objects.select_related("client").get(pk=request_id)
    if request.state != State.EXECUTING:
        return {"skipped": request.state}
    policy = current_policy()
    hold = case_hold_on(request, policy) if request.kind == Kind.ERASURE and policy is not None else None
    if hold is not None:
        # Placed after the approval: the erasure goes back to review until the hold is lifted.
        apply_step(request, "fail", "system", note=f"Stopped by case hold {hold.reference}.")
        return {"stopped_by": hold.reference}
    export, letter = None, None
    try:
        policy = require_policy()
        with tempfile.TemporaryDirectory(dir=files_dir("work")) as work:
            outcome = execute_parts(request, policy, today=timezone.localdate(), work=Path(work), progress=progress)
            if outcome.error is None:
                export, token = create_export(request, outcome.archive) if outcome.archive else (None, "")
                letter = outcome_letter(request, policy, outcome, export, token)
    except Exception as error:
        # The request must not stay "executing" forever: back to review, with what went wrong.
        apply_step(request, "fail", "system", note=f"Execution failed: {redact(f'{type(error).__name__}: {error}')}")
        raise
    if outcome.error is not None or letter is None:
        apply_step(request, "fail", "system", note=f"Execution failed: {outcome.error}", result=outcome.summary)
        if progress is not None:
            progress("execution failed; the request is back in review")
        return {"error": outcome.error}
    if export is not None:
        delete_expired.using(run_after=export.expires_at).enqueue()
    apply_step(request, "complete", "system", result=outcome.summary, completed_at=timezone.now())
    send_letter(request, letter, policy)
    return {"parts": len(outcome.results), "export": export is not None}


def download_url(token: str) -> str:
    return settings.REGISTRE_BASE_URL + reverse("portal:download", args=[token])


def outcome_letter(
    request: DataRequest, policy: Policy, outcome: Outcome, export: Export | None, token: str
) -> Composed:
    """The answer: the letter of the request's kind to the person, or the notice to the client."""
    link = (
        {"download_url": download_url(token), "available_until": timezone.localdate(export.expires_at)}
        if export
        else {}
    )
    if request.client is not None:
        return client_notice(request, request.client, policy, "client_done", summary=outcome.summary, **link)
    result = outcome.results[0] if outcome.results else None
    if request.kind in (Kind.ACCESS, Kind.PORTABILITY):
        assert isinstance(result, AccessResult)
        return person_letter(request, "access", policy, result=result, **link)
    if request.kind == Kind.ERASURE:
        assert isinstance(result, ErasureResult)
        return person_letter(request, "erasure", policy, result=result)
    if request.kind in (Kind.RECTIFICATION, Kind.RESTRICTION):
        assert isinstance(result, ChangeResult)
        return person_letter(request, request.kind, policy, result=result)
    if request.kind == Kind.OBJECTION:
        activities = objected_activities(policy, request.kind, request.details)
        return person_letter(request, "objection", policy, activities=activities)
    return person_letter(request, "withdrawal" if request.kind == Kind.WITHDRAW_CONSENT else "directive", policy)
