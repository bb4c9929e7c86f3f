"""The history of a request: each step is a `Transition` row and an audit entry, written together.

The audit entry names the request by its reference and the person by
`subject_ref` (a keyed hash); notes, which staff write freely, stay in the
request's own timeline and never reach the audit log.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from registre.web.audit.actions import Actor, record
from registre.web.requests.models import DataRequest, Transition
from registre.web.requests.workflow import State, TransitionError, step_allowed, target_of

# The audit action of each step of the workflow.
STEP_ACTIONS = {
    "start_verification": "request.verification_started",
    "verify": "request.verified",
    "request_approval": "request.approval_requested",
    "approve": "request.approved",
    "execute": "request.execution_started",
    "forward": "request.forwarded",
    "instruct": "request.instructed",
    "complete": "request.completed",
    "fail": "request.execution_failed",
    "refuse": "request.refused",
    "cancel": "request.cancelled",
}


@transaction.atomic
def apply_step(request: DataRequest, step: str, actor: Any, note: str = "", **fields: Any) -> Transition:
    """Move `request` through `step` (see `workflow.STEPS`), saving `fields` with it; TransitionError if refused.

    The row is locked first, so two staff members (or a worker and a person) cannot both move it.
    """
    current = DataRequest.objects.select_for_update().only("state").get(pk=request.pk).state
    if not step_allowed(step, current, request.kind):
        raise TransitionError(
            _("%(reference)s: this step is not possible while the request is “%(state)s”.")
            % {"reference": request.reference, "state": State(current).label}
        )
    request.state = target_of(step)
    for name, value in fields.items():
        setattr(request, name, value)
    request.save(update_fields=["state", *fields])
    return add_event(
        request,
        STEP_ACTIONS[step],
        actor,
        event=Transition.Event.STATE,
        from_state=current,
        note=note,
    )


def add_event(
    request: DataRequest,
    action: str,
    actor: Any,
    *,
    event: str,
    from_state: str | None = None,
    note: str = "",
    counts: Mapping[str, int] | None = None,
    details: Mapping[str, Any] | None = None,
) -> Transition:
    """Record one step of `request` in its timeline and in the audit log (`action`, e.g. `request.extended`)."""
    who = Actor.of(actor)
    row = Transition.objects.create(
        request=request,
        event=event,
        from_state=request.state if from_state is None else from_state,
        to_state=request.state,
        actor_id=who.id if who.kind in ("user", "api") else None,
        actor_name=who.name[:150],
        note=note,
    )
    audit_details = {"kind": request.kind, "from": row.from_state, "to": row.to_state, **(details or {})}
    record(
        who, action, request_id=request.reference, subject_ref=request.subject_ref, counts=counts, details=audit_details
    )
    return row


__all__ = ["STEP_ACTIONS", "TransitionError", "add_event", "apply_step"]
