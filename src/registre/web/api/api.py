"""The REST API under /api/v1/ (django-ninja): product intake, the staff's work on requests, webhooks.

OpenAPI: the schema at /api/openapi.json, the interactive documentation at /api/docs. Every
operation authenticates a staff API token (`Authorization: Bearer rgt_...`), checks the token's
action with `can` (through `require`), and calls `requests.actions` (or this app's actions) for every
change of state, as the console's views do. Errors are problem details (`problems.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponseBase, StreamingHttpResponse
from django.utils import timezone, translation
from ninja import Query, Status

from registre.web.accounts.models import ApiToken
from registre.web.accounts.permissions import ACTIONS, allowed_actions, require
from registre.web.api import webhooks
from registre.web.api.actions import file_request
from registre.web.api.auth import StaffToken, filed_by, readable_request, staff_request, token_of
from registre.web.api.callbacks import results_url
from registre.web.api.models import Delivery, Webhook
from registre.web.api.openapi import DescribedAPI
from registre.web.api.pages import MAX_OFFSET
from registre.web.api.problems import error_responses, install_problem_handlers
from registre.web.api.ratelimit import RateLimited, limit_address
from registre.web.api.schemas import (
    CancelIn,
    DeliveryOut,
    ExtendIn,
    ForwardIn,
    InstructionIn,
    IntakeIn,
    IntakeOut,
    KindName,
    NoteIn,
    ReasonIn,
    RequestPage,
    RequestStatus,
    StateName,
    TokenOut,
    WebhookCreated,
    WebhookIn,
    WebhookOut,
    WebhookPatch,
    WebhookSecret,
)
from registre.web.authorised.api import router as authorised_router
from registre.web.authority.api import router as authority_router
from registre.web.breaches.api import router as breaches_router
from registre.web.clients.models import Client
from registre.web.consent.api import router as consent_router
from registre.web.inspections.api import router as inspections_router
from registre.web.instructions.api import router as instructions_router
from registre.web.notices.api import router as notices_router
from registre.web.portal.actions import portal_url
from registre.web.requests import actions
from registre.web.requests.models import DataRequest
from registre.web.requests.scope import scoped
from registre.web.requests.workflow import OPEN

api = DescribedAPI(
    title="Registre API",
    version="1",
    description="Rights requests from the company's product, the staff's work on them, the registers of "
    "accountability (breaches, authority requests, authorised staff, client instructions, audits), the consent "
    "ledger, and webhooks. "
    "Authenticate with a staff API token: `Authorization: Bearer rgt_...`. See docs/api.md.",
    urls_namespace="api",
    auth=StaffToken(),
)
install_problem_handlers(api)


def address_limited(run: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Count every call against its address's rate limit, before authentication (so guessing is limited too)."""

    @wraps(run)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            limit_address(request)
        except RateLimited as exc:
            return api.on_exception(request, exc)
        return run(request, *args, **kwargs)

    return guarded


api.add_decorator(address_limited, mode="view")


def in_english(run: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """The API speaks English, titles and details alike, whatever the console's default language."""

    @wraps(run)
    def english(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        with translation.override("en"):
            return run(request, *args, **kwargs)

    return english


api.add_decorator(in_english, mode="view")
# The registers of accountability, each in its app's api.py.
api.add_router("/v1/breaches", breaches_router)
api.add_router("/v1/notice-campaigns", notices_router)
api.add_router("/v1/authority-requests", authority_router)
api.add_router("/v1/authorised-staff", authorised_router)
api.add_router("/v1/instructions", instructions_router)
api.add_router("/v1/inspections", inspections_router)
INTAKE, STAFF, HOOKS = ["Intake"], ["Requests (staff)"], ["Webhooks"]
SUMMARY_FIELDS = ("reference", "kind", "state", "channel", "received_at", "due_on", "urgency")
# The workflow's steps (requests.workflow.STEPS) that the API takes, by the path that takes them.
STEP_PATHS = {
    "verify": "verify",
    "request_approval": "request-approval",
    "approve": "approve",
    "execute": "execute",
    "forward": "forward",
    "instruct": "instruction",
    "refuse": "refuse",
    "cancel": "cancel",
}


# --- Product intake -------------------------------------------------------------------------------------------


@api.post(
    "/v1/requests",
    response={201: IntakeOut, **error_responses(400)},
    tags=INTAKE,
    url_name="request_create",
    summary="File a request",
)
def create(request: HttpRequest, body: IntakeIn) -> Status[dict[str, Any]]:
    """File a request for a person logged in to the product (`requests.create`).

    With `requests.create_verified` the identities are taken as verified; otherwise the person receives the
    portal's verification email (a link and a code), and the request waits for it.
    """
    data_request, status_token = file_request(
        token_of(request),
        kind=body.kind,
        email=body.identities.email,
        identities=body.identities.model_dump(),
        name=body.name,
        lang=body.lang,
        details=body.details.model_dump(exclude_none=True),
        tenant=body.client,
    )
    return Status(
        201,
        {
            "id": data_request.public_id,
            **{name: getattr(data_request, name) for name in ("reference", "kind", "state", "received_at", "due_on")},
            "verified": data_request.verified_at is not None,
            "status_url": portal_url("portal:status", status_token) if status_token else None,
        },
    )


@api.get(
    "/v1/requests/{request_id}",
    response={200: RequestStatus, **error_responses(404)},
    tags=INTAKE,
    url_name="request_detail",
    summary="Read a request",
    by_alias=True,
)
def detail(request: HttpRequest, request_id: str) -> dict[str, Any]:
    """A request's status and timeline: for the token that filed it, or a staff token (`requests.view`).

    `request_id` is the public id returned at intake, or the reference. Staff tokens also see the plan,
    the steps the state allows, notes and actors.
    """
    token = token_of(request)
    data_request, as_staff = readable_request(token, request_id)
    return status_of(data_request, as_staff=as_staff, filer=filed_by(data_request, token))


def status_of(data_request: DataRequest, *, as_staff: bool, filer: bool = False) -> dict[str, Any]:
    """The body of RequestStatus: without personal data; with the staff's fields when `as_staff`."""
    body = summary_of(data_request)
    body.update(
        extension_months=data_request.extension_months,
        completed_at=data_request.completed_at,
        timeline=[
            {
                "event": step.event,
                "from": step.from_state,
                "to": step.to_state,
                "at": step.at,
                **({"actor": step.actor_name, "note": step.note} if as_staff else {}),
            }
            for step in data_request.transitions.all()
        ],
        results_url=results_url(data_request) if filer else None,
    )
    if as_staff:
        body.update(
            plan=data_request.plan,
            steps=[STEP_PATHS[step] for step in actions.pending_steps(data_request) if step in STEP_PATHS],
            job_id=data_request.job_id or None,
            refusal_reason=data_request.refusal_reason or None,
        )
    return body


def summary_of(data_request: DataRequest) -> dict[str, Any]:
    return {
        "id": data_request.public_id,
        **{name: getattr(data_request, name) for name in SUMMARY_FIELDS},
        "days_left": data_request.days_left(),
        "client": data_request.tenant,
    }


@api.get(
    "/v1/requests/{request_id}/export",
    response=error_responses(404),
    tags=INTAKE,
    url_name="request_export",
    summary="Download a request's export",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The zip of the person's data (an access or portability request, once completed).",
                "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def export(request: HttpRequest, request_id: str) -> StreamingHttpResponse:
    """Download the export of a completed access or portability request: for the token that filed it only."""
    token = token_of(request)
    data_request, _as_staff = readable_request(token, request_id)
    available = [item for item in data_request.exports.all() if item.available]
    if not filed_by(data_request, token) or not available:
        raise Http404(request_id)
    response = StreamingHttpResponse(actions.download_export(available[0], token), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{data_request.reference}.zip"'
    response["Cache-Control"] = "no-store"
    return response


# --- Staff: the inbox and the steps of a request -----------------------------------------------------------------


@api.get(
    "/v1/requests",
    response={200: RequestPage, **error_responses()},
    tags=STAFF,
    url_name="request_list",
    summary="List requests",
)
def inbox(
    request: HttpRequest,
    state: list[StateName] | None = Query(None, description="Only these states (repeat the parameter)."),  # noqa: B008
    kind: list[KindName] | None = Query(None, description="Only these rights."),  # noqa: B008
    overdue: bool | None = Query(None, description="Only open requests past their deadline (or not)."),
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
) -> dict[str, Any]:
    """The requests within the token owner's scope (`requests.view`), soonest deadline first."""
    token = token_of(request)
    require(token, "requests.view")
    found = scoped(DataRequest.objects.select_related("client"), token.owner)
    if state:
        found = found.filter(state__in=state)
    if kind:
        found = found.filter(kind__in=kind)
    if overdue is not None:
        late = found.filter(state__in=OPEN, due_on__lt=timezone.localdate())
        found = late if overdue else found.exclude(pk__in=late.values("pk"))
    page = found.order_by("due_on", "received_at", "pk")[offset : offset + limit]
    return {"items": [summary_of(item) for item in page], "count": found.count(), "limit": limit, "offset": offset}


def step(path: str, name: str, summary: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """`POST /v1/requests/{request_id}/<path>`: a step of a request, answered with its status for staff."""
    return api.post(
        f"/v1/requests/{{request_id}}/{path}",
        response={200: RequestStatus, **error_responses(400, 404, 409)},
        tags=STAFF,
        url_name=f"request_{name}",
        by_alias=True,
        summary=summary,
    )


def acting(request: HttpRequest, request_id: str, action: str) -> tuple[ApiToken, DataRequest]:
    token = token_of(request)
    return token, staff_request(token, request_id, action)


def after(token: ApiToken, data_request: DataRequest) -> dict[str, Any]:
    data_request.refresh_from_db()
    return status_of(data_request, as_staff=True, filer=filed_by(data_request, token))


@step("verify", "verify", "Verify the identities")
def verify(request: HttpRequest, request_id: str, body: NoteIn) -> dict[str, Any]:
    """Verify every identity (as staff do with a proof of identity): the request moves to review (`requests.handle`)."""
    token, data_request = acting(request, request_id, "requests.handle")
    actions.verify_identity(data_request, token, method="manual", note=body.note)
    return after(token, data_request)


@step("plan", "plan", "Compute the plan again")
def plan(request: HttpRequest, request_id: str) -> dict[str, Any]:
    """Compute the engine's plan again (`requests.handle`)."""
    token, data_request = acting(request, request_id, "requests.handle")
    actions.refresh_plan(data_request, token)
    return after(token, data_request)


@step("request-approval", "request_approval", "Ask for a DPO's approval")
def request_approval(request: HttpRequest, request_id: str, body: NoteIn) -> dict[str, Any]:
    """Ask a DPO to approve an erasure (`requests.handle`)."""
    token, data_request = acting(request, request_id, "requests.handle")
    actions.request_approval(data_request, token, body.note)
    return after(token, data_request)


@step("approve", "approve", "Approve an erasure")
def approve(request: HttpRequest, request_id: str, body: NoteIn) -> dict[str, Any]:
    """Approve an erasure, then executed in the background (`requests.approve_erasure`: a DPO's token)."""
    token, data_request = acting(request, request_id, "requests.approve_erasure")
    actions.approve_erasure(data_request, token, body.note)
    return after(token, data_request)


@step("execute", "execute", "Execute")
def execute(request: HttpRequest, request_id: str, body: NoteIn) -> dict[str, Any]:
    """Execute a request in review in the background; an erasure is approved instead (`requests.handle`)."""
    token, data_request = acting(request, request_id, "requests.handle")
    actions.execute_request(data_request, token, body.note)
    return after(token, data_request)


@step("refuse", "refuse", "Refuse")
def refuse(request: HttpRequest, request_id: str, body: ReasonIn) -> dict[str, Any]:
    """Refuse; the letter gives the reason and the right to complain, Art. 12(4) (`requests.handle`)."""
    token, data_request = acting(request, request_id, "requests.handle")
    actions.refuse_request(data_request, token, body.reason)
    return after(token, data_request)


@step("extend", "extend", "Extend the deadline")
def extend(request: HttpRequest, request_id: str, body: ExtendIn) -> dict[str, Any]:
    """Extend the deadline by 1 or 2 months, within the first month, telling the person why (`requests.handle`)."""
    token, data_request = acting(request, request_id, "requests.handle")
    actions.extend_deadline(data_request, token, months=body.months, reason=body.reason)
    return after(token, data_request)


@step("cancel", "cancel", "Cancel")
def cancel(request: HttpRequest, request_id: str, body: CancelIn) -> dict[str, Any]:
    """Cancel the request: a duplicate, withdrawn by the person... (`requests.handle`)."""
    token, data_request = acting(request, request_id, "requests.handle")
    actions.cancel_request(data_request, token, body.reason)
    return after(token, data_request)


@step("forward", "forward", "Forward to a client")
def forward(request: HttpRequest, request_id: str, body: ForwardIn) -> dict[str, Any]:
    """Forward the request to the client whose data it concerns, processor mode (`requests.handle`)."""
    token, data_request = acting(request, request_id, "requests.handle")
    client = Client.objects.filter(tenant=body.client).first()
    if client is None:
        raise ValueError(f"no client has the tenant {body.client!r}")
    actions.forward_to_client(data_request, token, client, body.note)
    return after(token, data_request)


@step("instruction", "instruction", "Record a client's instruction")
def instruction(request: HttpRequest, request_id: str, body: InstructionIn) -> dict[str, Any]:
    """Record the client's documented instruction: executed for its tenant (`requests.handle`)."""
    token, data_request = acting(request, request_id, "requests.handle")
    actions.record_instruction(data_request, token, instruction=body.instruction, given_by=body.given_by)
    return after(token, data_request)


@api.get(
    "/v1/token",
    response={200: TokenOut, **error_responses()},
    tags=STAFF,
    url_name="token",
    summary="Read the calling token",
)
def token_info(request: HttpRequest) -> dict[str, Any]:
    """The calling token: its name, the actions given to it and those it may do now."""
    token = token_of(request)
    allowed = set(allowed_actions(token))
    return {
        "name": token.name,
        "prefix": token.prefix,
        "actions": token.actions,
        "allowed": [name for name in ACTIONS if name in allowed],
    }


# --- Webhooks ---------------------------------------------------------------------------------------------------


def _webhook(request: HttpRequest, webhook_id: str) -> Webhook:
    require(token_of(request), "webhooks.manage")
    try:
        return Webhook.objects.get(public_id=webhook_id)
    except (Webhook.DoesNotExist, ValidationError):  # unknown, or not a UUID
        raise Http404(webhook_id) from None


def webhook_body(webhook: Webhook) -> dict[str, Any]:
    return {"id": webhook.public_id, **{name: getattr(webhook, name) for name in WEBHOOK_FIELDS}}


WEBHOOK_FIELDS = (
    "url",
    "events",
    "active",
    "description",
    "created_at",
    "last_delivery_at",
    "last_delivery_status",
    "last_response_code",
)


@api.get(
    "/v1/webhooks",
    response={200: list[WebhookOut], **error_responses()},
    tags=HOOKS,
    url_name="webhook_list",
    summary="List webhooks",
)
def webhook_list(request: HttpRequest) -> list[dict[str, Any]]:
    """Every webhook (`webhooks.manage`)."""
    require(token_of(request), "webhooks.manage")
    return [webhook_body(hook) for hook in Webhook.objects.all()]


@api.post(
    "/v1/webhooks",
    response={201: WebhookCreated, **error_responses(400)},
    tags=HOOKS,
    url_name="webhook_create",
    summary="Create a webhook",
)
def webhook_create(request: HttpRequest, body: WebhookIn) -> Status[dict[str, Any]]:
    """A new webhook; the answer holds its signing secret, shown this once."""
    hook, secret = webhooks.create_webhook(
        token_of(request), url=body.url, events=body.events, description=body.description, active=body.active
    )
    return Status(201, {**webhook_body(hook), "secret": secret})


@api.get(
    "/v1/webhooks/{webhook_id}",
    response={200: WebhookOut, **error_responses(404)},
    tags=HOOKS,
    url_name="webhook_detail",
    summary="Read a webhook",
)
def webhook_detail(request: HttpRequest, webhook_id: str) -> dict[str, Any]:
    """A webhook and the status of its last delivery."""
    return webhook_body(_webhook(request, webhook_id))


@api.patch(
    "/v1/webhooks/{webhook_id}",
    response={200: WebhookOut, **error_responses(400, 404)},
    tags=HOOKS,
    url_name="webhook_update",
    summary="Change a webhook",
)
def webhook_update(request: HttpRequest, webhook_id: str, body: WebhookPatch) -> dict[str, Any]:
    """Change a webhook's URL, events, description, or deactivate it."""
    hook = webhooks.update_webhook(_webhook(request, webhook_id), token_of(request), **body.model_dump())
    return webhook_body(hook)


@api.delete(
    "/v1/webhooks/{webhook_id}",
    response={204: None, **error_responses(404)},
    tags=HOOKS,
    url_name="webhook_delete",
    summary="Delete a webhook",
)
def webhook_delete(request: HttpRequest, webhook_id: str) -> Status[None]:
    """Delete a webhook and its deliveries."""
    webhooks.delete_webhook(_webhook(request, webhook_id), token_of(request))
    return Status(204, None)


@api.post(
    "/v1/webhooks/{webhook_id}/rotate-secret",
    response={200: WebhookSecret, **error_responses(404)},
    tags=HOOKS,
    url_name="webhook_rotate_secret",
    summary="Rotate a webhook's secret",
)
def webhook_rotate_secret(request: HttpRequest, webhook_id: str) -> dict[str, str]:
    """A new signing secret; the old one stops at once."""
    return {"secret": webhooks.rotate_secret(_webhook(request, webhook_id), token_of(request))}


@api.post(
    "/v1/webhooks/{webhook_id}/ping",
    response={202: DeliveryOut, **error_responses(404)},
    tags=HOOKS,
    url_name="webhook_ping",
    summary="Ping a webhook",
)
def webhook_ping(request: HttpRequest, webhook_id: str) -> Status[Delivery]:
    """Send a `webhook.ping` event, to test the receiving side."""
    return Status(202, webhooks.ping_webhook(_webhook(request, webhook_id), token_of(request)))


@api.get(
    "/v1/webhooks/{webhook_id}/deliveries",
    response={200: list[DeliveryOut], **error_responses(404)},
    tags=HOOKS,
    url_name="webhook_deliveries",
    summary="List a webhook's deliveries",
)
def webhook_deliveries(request: HttpRequest, webhook_id: str) -> list[Delivery]:
    """The webhook's 50 latest deliveries, newest first."""
    return list(_webhook(request, webhook_id).deliveries.all()[:50])


# --- The consent ledger (web/consent/api.py) -------------------------------------------------------------------

api.add_router("/v1/", consent_router)
