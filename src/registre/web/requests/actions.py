"""Every change of state of rights requests. The console's views and the REST API both call these.

    req = create_request(kind="access", channel="api", email="ada@example.org", actor=token)
    verify_identity(req, request.user, method="manual")   # -> review; plans it (or forwards it, or honours it)
    execute_request(req, request.user)                    # -> executing; a job runs the engine, then completes it
    request_approval(req, agent); approve_erasure(req, dpo)   # an erasure needs a DPO's approval

`actor` is a staff member, an API token, "system" or "subject" (the person,
through the portal). Staff and tokens are checked against the permission
table (`requests.handle`, `requests.approve_erasure`...) on the request
itself, so scopes hold whichever interface calls. An `audit.Actor` is taken
as already checked by its caller (and recorded by name). A step that the request's
state does not allow raises `TransitionError`; invalid input raises
`ValueError`. Every step is a `Transition` row and an audit entry.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from registre.core.deadlines import MAX_EXTENSION_MONTHS, response_deadline, tracked_deadline
from registre.core.engine import RectificationError, SubjectError, identity_kinds, validate_changes
from registre.core.policy import Policy
from registre.web.accounts.permissions import require
from registre.web.audit.actions import Actor, record
from registre.web.clients.models import Client
from registre.web.instructions.actions import log_forwarded_instruction
from registre.web.policy import current_policy
from registre.web.requests import exports
from registre.web.requests.history import add_event, apply_step
from registre.web.requests.holds import case_hold_on
from registre.web.requests.letters import client_notice, person_letter, send_letter
from registre.web.requests.models import (
    Attachment,
    DataRequest,
    Export,
    ReferenceCounter,
    RequestActivity,
    Transition,
)
from registre.web.requests.plans import (
    DIRECT_MARKETING,
    compute_plan,
    concerned_activities,
    matching_clients,
    objected_activities,
    plan_rows,
)
from registre.web.requests.storage import attachment_path
from registre.web.requests.tasks import PolicyUnavailable, perform_execution, require_policy, run_request
from registre.web.requests.workflow import STEPS, Channel, Kind, TransitionError, step_allowed
from registre.web.vault.files import decrypt_stream, encrypt_file
from registre.web.vault.keys import lookup_hash

__all__ = [
    "PolicyUnavailable",
    "TransitionError",
    "add_attachment",
    "approve_erasure",
    "cancel_request",
    "create_request",
    "download_export",
    "execute_request",
    "extend_deadline",
    "find_by_status_token",
    "find_export",
    "forward_to_client",
    "issue_status_token",
    "open_attachment",
    "pending_steps",
    "read_directive",
    "record_instruction",
    "refresh_plan",
    "refuse_request",
    "request_approval",
    "start_verification",
    "verify_identity",
]


def _authorise(actor: Any, action: str, request: DataRequest | None = None) -> None:
    """Staff and API tokens need `action` (on `request`, within their scope); the system and the person do not."""
    if isinstance(actor, Actor) or actor in ("system", "subject"):
        return
    require(actor, action, request)


# --- Receiving a request ---------------------------------------------------------------------------------


def create_request(
    *,
    kind: str,
    channel: str,
    email: str,
    actor: Any,
    name: str = "",
    identities: Mapping[str, str] | None = None,
    details: Mapping[str, Any] | None = None,
    lang: str = "fr",
    client: Client | None = None,
    received_at: dt.datetime | None = None,
) -> DataRequest:
    """Record a new request in the `received` state, with its reference and its Art. 12(3) deadline.

    - `email`: the requester's address, where answers go; also their first identity.
    - `identities`: other identities by type (`{"phone": "+33..."}`), among the policy's identity types.
      None is verified yet: only verified identities reach the engine.
    - `details`: what the right needs: `changes` {field: new value} (rectification, checked against the
      policy), `scope` "direct_marketing" or "situation" and `activities` (objection), `directive`
      (directives after death), `message` (anything the person adds).
    - `client`: the client whose data it concerns, when filed with a tenant (processor mode).
    - `received_at`: when it arrived (manual intake of a letter received earlier); default now.
    """
    _authorise(actor, "requests.handle")
    policy = require_policy()
    clean = _checked_request(policy, kind, channel, email, identities or {}, dict(details or {}), lang)
    received_at = received_at or timezone.now()
    with transaction.atomic():
        request = DataRequest.objects.create(
            reference=_next_reference(timezone.localdate(received_at).year),
            kind=kind,
            channel=channel,
            lang=lang,
            requester_email=clean["email"],
            email_hash=lookup_hash(clean["email"]),
            requester_name=name.strip(),
            identities=clean["identities"],
            details=clean["details"],
            subject_ref=lookup_hash(f"email:{clean['email']}"),
            client=client,
            received_at=received_at,
            due_on=tracked_deadline(
                timezone.localdate(received_at),
                country=policy.organisation.country,
                promised_days=policy.notices.response_days,
            ).due,
        )
        add_event(
            request,
            "request.created",
            actor,
            event=Transition.Event.STATE,
            from_state="",
            note="",
            details={"channel": channel, "tenant": client.tenant if client else None},
        )
    return request


def _checked_request(
    policy: Policy,
    kind: str,
    channel: str,
    email: str,
    identities: Mapping[str, str],
    details: dict[str, Any],
    lang: str,
) -> dict[str, Any]:
    if kind not in Kind.values:
        raise ValueError(f"unknown right {kind!r}: choose one of {', '.join(Kind.values)}")
    if channel not in Channel.values:
        raise ValueError(f"unknown channel {channel!r}: choose one of {', '.join(Channel.values)}")
    if lang not in ("fr", "en"):
        raise ValueError(f"unknown language {lang!r}: fr or en")
    email = email.strip()
    if "@" not in email or len(email) > 254:
        raise ValueError(_("The requester's email address is not valid."))
    known = identity_kinds(policy)
    listed = [{"type": "email", "value": email, "verified": False}]
    for identity_type, value in identities.items():
        # An undeclared type is refused even when empty: the API's schema names the declared ones only.
        if identity_type != "email" and identity_type not in known:
            raise ValueError(f"unknown identity type {identity_type!r}: the policy declares {', '.join(known)}")
        if value and value.strip() and identity_type != "email":
            listed.append({"type": identity_type, "value": value.strip(), "verified": False})
    if kind == Kind.RECTIFICATION:
        try:
            validate_changes(policy, details.get("changes") or {})
        except RectificationError as error:
            raise ValueError(str(error)) from None
    if kind == Kind.POST_MORTEM and not str(details.get("directive") or "").strip():
        raise ValueError(_("Directives for after death need their text."))
    if kind == Kind.OBJECTION and details.get("scope") not in (DIRECT_MARKETING, "situation"):
        details["scope"] = DIRECT_MARKETING
    return {"email": email, "identities": listed, "details": details}


def _next_reference(year: int) -> str:
    """R-2026-0042: the next number of the year, under a lock, so that references never repeat."""
    ReferenceCounter.objects.get_or_create(year=year)
    counter = ReferenceCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"R-{year}-{counter.last:04d}"


def issue_status_token(request: DataRequest) -> str:
    """A new private status link token for the person (any previous one stops working); only its hash is kept."""
    token = secrets.token_urlsafe(32)
    DataRequest.objects.filter(pk=request.pk).update(status_digest=_digest(token))
    request.status_digest = _digest(token)
    return token


def find_by_status_token(token: str) -> DataRequest | None:
    return DataRequest.objects.select_related("client").filter(status_digest=_digest(token)).first()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# --- Verification, plan, forwarding ------------------------------------------------------------------------


def start_verification(request: DataRequest, actor: Any, note: str = "") -> None:
    """received -> verifying: the person is asked to prove who they are (by email on the portal, else by staff)."""
    _authorise(actor, "requests.handle", request)
    apply_step(request, "start_verification", actor, note)


def verify_identity(request: DataRequest, actor: Any, *, method: str, note: str = "") -> DataRequest:
    """received|verifying -> review, then what follows at once:

    - `method="email"` (the portal's link or code) verifies the email address; `"manual"` (staff, e.g.
      with a proof of identity attached) verifies every identity of the request.
    - An objection to direct marketing is then honoured at once (Art. 21(3)): executed and completed.
    - A request filed with a client, or whose person is found only in one client's tenant data, is
      forwarded to that client (processor mode).
    - Otherwise the plan is computed for staff to review.
    """
    _authorise(actor, "requests.handle", request)
    if method not in ("email", "manual"):
        raise ValueError(_("The verification method is email or manual."))
    identities = [
        {**item, "verified": item.get("verified") or method == "manual" or item["type"] == "email"}
        for item in request.identities
    ]
    apply_step(
        request,
        "verify",
        actor,
        note,
        identities=identities,
        verified_at=timezone.now(),
        verification_method=method,
    )
    _after_verification(request)
    return request


def _after_verification(request: DataRequest) -> None:
    if request.kind == Kind.OBJECTION and request.details.get("scope") == DIRECT_MARKETING:
        honour_objection(request)
    elif request.client is not None:
        forward_to_client(
            request, "system", request.client, note=gettext_noop("Filed with a client: executed on its instruction.")
        )
    else:
        plan = refresh_plan(request, "system")
        clients = plan.get("clients", [])
        if len(clients) == 1 and plan_rows(plan) == 0:
            client = Client.objects.get(tenant=clients[0])
            forward_to_client(request, "system", client, note=gettext_noop("Found only in a client's data."))


def honour_objection(request: DataRequest) -> None:
    """An objection to direct marketing, honoured at once (Art. 21(3)): planned, executed and answered now."""
    refresh_plan(request, "system")
    apply_step(
        request, "execute", "system", gettext_noop("Objection to direct marketing: honoured at once (Art. 21(3)).")
    )
    perform_execution(request.pk)
    request.refresh_from_db()


def refresh_plan(request: DataRequest, actor: Any) -> dict[str, Any]:
    """Compute the engine's plan for the request's verified identities, and the clients whose data hold them.

    Stored on the request (counts, decisions, reasons and SQL: no identity value), with the activities
    it concerns (what puts it in an activity-scoped agent's reach). A plan that cannot be computed
    is stored with its `error`.
    """
    _authorise(actor, "requests.view", request)
    policy = require_policy()
    today = timezone.localdate()
    try:
        subject = request.engine_subject()
        plan = compute_plan(policy, request.kind, request.details, subject, tenant=request.tenant, today=today)
        plan["clients"] = [] if request.client else [c.tenant for c in matching_clients(policy, subject, today)]
    except (SubjectError, RectificationError, ValueError) as error:
        plan = {"parts": [], "ok": False, "error": str(error), "clients": []}
    activities = concerned_activities(policy, plan)
    if request.kind in (Kind.OBJECTION, Kind.WITHDRAW_CONSENT):
        activities |= set(objected_activities(policy, request.kind, request.details))
    with transaction.atomic():
        request.plan, request.planned_at = plan, timezone.now()
        request.save(update_fields=["plan", "planned_at"])
        RequestActivity.objects.filter(request=request).delete()
        RequestActivity.objects.bulk_create(RequestActivity(request=request, activity=a) for a in sorted(activities))
        add_event(request, "request.planned", actor, event=Transition.Event.PLANNED, counts={"rows": plan_rows(plan)})
    return plan


def forward_to_client(request: DataRequest, actor: Any, client: Client, note: str = "") -> None:
    """review -> forwarded: the request concerns data processed for `client`, who decides (Art. 28(3)(e)).

    The person is told (letter "forwarded_to_client"); the client's contact receives what it needs to answer.
    """
    _authorise(actor, "requests.handle", request)
    policy = require_policy()
    apply_step(request, "forward", actor, note, client=client)
    send_letter(request, person_letter(request, "forwarded_to_client", policy, client=client.name), policy, actor)
    send_letter(request, client_notice(request, client, policy, "client_notice"), policy, actor)


def record_instruction(request: DataRequest, actor: Any, *, instruction: str, given_by: str) -> str:
    """forwarded -> executing: the client's documented instruction is recorded, and the request executed for its tenant.

    Returns the id of the job. `instruction` and `given_by` (who gave it, for the client) are kept encrypted.
    """
    _authorise(actor, "requests.handle", request)
    if not instruction.strip() or not given_by.strip():
        raise ValueError(_("An instruction needs its text and who gave it."))
    with transaction.atomic():
        apply_step(
            request,
            "instruct",
            actor,
            gettext_noop("Executed on the client's instruction."),
            instruction=instruction.strip(),
            instruction_by=given_by.strip(),
            instruction_at=timezone.now(),
        )
        if request.client is not None:  # the client's log of instructions holds this one too (Art. 28(3)(a))
            log_forwarded_instruction(request, actor)
    return _enqueue(request)


# --- Review, approval, execution ----------------------------------------------------------------------------


def request_approval(request: DataRequest, actor: Any, note: str = "") -> None:
    """review -> awaiting_approval: an erasure waits for a DPO (or an administrator) to approve it."""
    _authorise(actor, "requests.handle", request)
    _require_plan(request)
    apply_step(request, "request_approval", actor, note)


def approve_erasure(request: DataRequest, actor: Any, note: str = "") -> str:
    """awaiting_approval -> executing: approved by `actor` (requests.approve_erasure); the job's id."""
    _authorise(actor, "requests.approve_erasure", request)
    _refuse_if_held(request)
    approver = actor if getattr(actor, "is_authenticated", False) else getattr(actor, "owner", None)
    apply_step(request, "approve", actor, note, approved_by=approver, approved_at=timezone.now())
    return _enqueue(request)


def _refuse_if_held(request: DataRequest) -> None:
    policy = current_policy()
    hold = case_hold_on(request, policy) if policy is not None else None
    if hold is not None:
        raise TransitionError(
            _("A case hold (%(reference)s) covers this person: the erasure waits until it is lifted.")
            % {"reference": hold.reference}
        )


def execute_request(request: DataRequest, actor: Any, note: str = "") -> str:
    """review -> executing (not for an erasure, which is approved instead); the job's id.

    Refused when the person was found only in a client's data: such a request is forwarded.
    """
    _authorise(actor, "requests.handle", request)
    plan = _require_plan(request)
    if plan.get("clients") and plan_rows(plan) == 0:
        raise TransitionError(_("The person's data are a client's: forward the request to the client."))
    apply_step(request, "execute", actor, note)
    return _enqueue(request)


def _require_plan(request: DataRequest) -> dict[str, Any]:
    if request.kind != Kind.POST_MORTEM and not request.plan:
        raise TransitionError(_("Compute the plan first."))
    return request.plan or {}


def _enqueue(request: DataRequest) -> str:
    job = run_request.enqueue(request_id=request.pk)
    request.job_id = str(job.id)
    DataRequest.objects.filter(pk=request.pk).update(job_id=request.job_id)
    return request.job_id


# --- Ending a request otherwise ---------------------------------------------------------------------------


def refuse_request(request: DataRequest, actor: Any, reason: str) -> None:
    """-> refused, with the reason; the person's letter says it and names their right to complain (Art. 12(4))."""
    _authorise(actor, "requests.handle", request)
    if not reason.strip():
        raise ValueError(_("A refusal states its reason (Art. 12(4) GDPR)."))
    policy = require_policy()
    apply_step(request, "refuse", actor, "", refusal_reason=reason.strip())
    send_letter(request, person_letter(request, "refusal", policy, reason=reason.strip()), policy, actor)


def cancel_request(request: DataRequest, actor: Any, reason: str = "") -> None:
    """-> cancelled: withdrawn by the person (the portal's status page), or closed by staff (a duplicate...)."""
    _authorise(actor, "requests.handle", request)
    apply_step(request, "cancel", actor, reason.strip())


def extend_deadline(request: DataRequest, actor: Any, *, months: int, reason: str) -> dt.date:
    """Extend the time limit to `months` (1 or 2) after the first month, telling the person why (Art. 12(3)).

    The person must be told within the first month: refused once the original deadline has passed.
    Returns the new deadline.
    """
    _authorise(actor, "requests.handle", request)
    if not request.is_open:
        raise TransitionError(_("The request is closed."))
    if not 1 <= months <= MAX_EXTENSION_MONTHS or months <= request.extension_months:
        raise ValueError(_("The extension is 1 or 2 months, and longer than the current one."))
    if not reason.strip():
        raise ValueError(_("An extension states its reasons (Art. 12(3) GDPR)."))
    policy = require_policy()
    country = policy.organisation.country
    first_deadline = response_deadline(request.received_on, country=country)
    if timezone.localdate() > first_deadline:
        raise ValueError(_("The person must be told of an extension within the first month (Art. 12(3) GDPR)."))
    due = response_deadline(request.received_on, country=country, extension_months=months)
    with transaction.atomic():
        request.due_on, request.extension_months, request.extension_reason = due, months, reason.strip()
        request.save(update_fields=["due_on", "extension_months", "extension_reason"])
        add_event(
            request,
            "request.extended",
            actor,
            event=Transition.Event.EXTENDED,
            note=reason.strip(),
            details={"months": months, "due_on": due.isoformat()},
        )
    letter = person_letter(request, "extension", policy, reason=reason.strip(), extended_until=due)
    send_letter(request, letter, policy, actor)
    return due


# --- Attachments, directives, exports ---------------------------------------------------------------------


def add_attachment(request: DataRequest, actor: Any, upload: UploadedFile) -> Attachment:
    """Keep a document received with the request (a proof of identity...), encrypted at rest."""
    _authorise(actor, "requests.handle", request)
    attachment = Attachment(
        request=request,
        filename=(upload.name or "attachment")[:255],
        content_type=(upload.content_type or "application/octet-stream")[:100],
        size=upload.size or 0,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    encrypt_file(_chunks(upload.chunks()), attachment_path(attachment.stored_as))
    with transaction.atomic():
        attachment.save()
        add_event(
            request,
            "request.attachment_added",
            actor,
            event=Transition.Event.ATTACHMENT,
            details={"attachment_id": attachment.pk, "bytes": attachment.size},
        )
    return attachment


def _chunks(chunks: Iterable[bytes]) -> Iterator[bytes]:
    yield from chunks


def open_attachment(attachment: Attachment, actor: Any) -> Iterator[bytes]:
    """The attachment's plain bytes, chunk by chunk; reading it is recorded in the audit log."""
    request = attachment.request
    _authorise(actor, "requests.handle", request)
    record(
        actor,
        "request.attachment_read",
        request_id=request.reference,
        subject_ref=request.subject_ref,
        details={"attachment_id": attachment.pk},
    )
    return decrypt_stream(attachment_path(attachment.stored_as))


def read_directive(request: DataRequest, actor: Any) -> str:
    """The text of the person's directives for after death; each reading is recorded in the audit log."""
    _authorise(actor, "requests.read_directive", request)
    if request.kind != Kind.POST_MORTEM:
        raise ValueError(_("This request holds no directive."))
    record(actor, "request.directive_read", request_id=request.reference, subject_ref=request.subject_ref)
    return str(request.details.get("directive", ""))


find_export = exports.find_export


def download_export(export: Export, actor: Any = "subject") -> Iterator[bytes]:
    """The bundle's zip, decrypted as a stream, while the link lasts; FileNotFoundError once expired (and deleted)."""
    if not export.available:
        exports.delete_export(export)
        raise FileNotFoundError("the export has expired")
    return exports.open_export(export, actor)


def pending_steps(request: DataRequest) -> list[str]:
    """The steps the request's state allows now (the console shows one form for each the user may take)."""
    return [step for step in STEPS if step_allowed(step, request.state, request.kind)]
