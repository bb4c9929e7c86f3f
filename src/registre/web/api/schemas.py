"""The bodies of the REST API (/api/v1/): what comes in, what goes out. The OpenAPI schema is made from these.

Outgoing bodies never carry an identity value: requests are named by their public id and reference,
timelines by events and states. Staff tokens see more of a request (its plan, the steps it allows)
than the product token that filed it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from ninja import Schema
from pydantic import BaseModel, ConfigDict, Field

from registre.web.api.models import EVENTS
from registre.web.requests.workflow import Kind, State

KindName = Literal[
    "access", "rectification", "erasure", "restriction", "objection", "portability", "withdraw_consent", "post_mortem"
]
StateName = Literal[
    "received",
    "verifying",
    "review",
    "awaiting_approval",
    "executing",
    "completed",
    "refused",
    "cancelled",
    "forwarded",
]
assert set(KindName.__args__) == set(Kind.values) and set(StateName.__args__) == set(State.values)  # type: ignore[attr-defined]


class Strict(Schema):
    """An incoming body: unknown fields are refused rather than silently ignored."""

    model_config = ConfigDict(extra="forbid")


# --- Product intake ------------------------------------------------------------------------------------------


class RequestDetails(Strict):
    changes: dict[str, str] | None = Field(
        None, description="Rectification: the new value of each field, by the policy's field name."
    )
    scope: Literal["direct_marketing", "situation"] | None = Field(
        None, description="Objection: to direct marketing (honoured at once), or on grounds of the person's situation."
    )
    activities: list[str] | None = Field(None, description="Objection on grounds: the policy's activities objected to.")
    grounds: str | None = Field(None, max_length=5000, description="Objection on grounds: why.")
    directive: str | None = Field(None, max_length=20000, description="Directives for after death: their text.")
    message: str | None = Field(None, max_length=5000, description="Anything the person adds.")


class Identities(BaseModel):
    """The person's identities by type: `email`, and the other identity types that the policy declares.

    The schema served at /api/openapi.json names those types (`api.openapi`), from the policy in force.
    A pydantic model rather than a ninja Schema, which would drop the other types (its extra fields).
    """

    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[str, str]
    email: str = Field(pattern="@", max_length=254, description="Required: where the answers go.")


class IntakeIn(Strict):
    kind: KindName = Field(description="The right exercised.")
    identities: Identities = Field(
        description="The person's identities by type: `email` (required; where answers go) and any other identity "
        "type that the policy declares (`customer_number`, `phone`...).",
        examples=[{"email": "ada@example.org", "customer_number": "C-1042"}],
    )
    name: str = Field("", max_length=200, description="The person's name, for letters.")
    lang: Literal["fr", "en"] = Field("fr", description="The language of the letters and emails.")
    details: RequestDetails = Field(default_factory=RequestDetails)
    client: str | None = Field(
        None,
        max_length=100,
        description="Processor mode: the tenant of the client whose data the request concerns. A tenant that no "
        "client has is refused (400, `refused-input`).",
    )


class IntakeOut(Schema):
    id: uuid.UUID = Field(description="The request's public id: use it to read its status.")
    reference: str = Field(description="The reference given to the person (R-2026-0042).")
    kind: KindName
    state: StateName
    received_at: dt.datetime
    due_on: dt.date = Field(
        description="The deadline tracked: the earlier of one month from receipt (Art. 12(3) GDPR) and the "
        "notice's own promise (`notices.response_days`)."
    )
    verified: bool = Field(description="Whether the identity is verified (by the token's scope), else by email.")
    status_url: str | None = Field(
        description="The private status page for the person (a secret link). Null while the person has not "
        "confirmed their email: they receive the link by email when they do."
    )


# --- Reading requests ----------------------------------------------------------------------------------------


class TimelineEvent(Schema):
    event: str = Field(description="state, extended, letter, attachment, planned or instruction.")
    from_state: str = Field(alias="from")
    to_state: str = Field(alias="to")
    at: dt.datetime
    actor: str | None = Field(None, description="Staff tokens only: who did it.")
    note: str | None = Field(None, description="Staff tokens only: the note written with the step.")


class RequestSummary(Schema):
    id: uuid.UUID
    reference: str
    kind: KindName
    state: StateName
    channel: str
    received_at: dt.datetime
    due_on: dt.date
    days_left: int = Field(description="Days until the deadline; negative when overdue.")
    urgency: Literal["overdue", "close", "ok", "closed"]
    client: str | None = Field(None, description="The tenant of the client whose data it concerns (processor mode).")


class RequestStatus(RequestSummary):
    extension_months: int
    completed_at: dt.datetime | None
    timeline: list[TimelineEvent]
    results_url: str | None = Field(
        None,
        description="When an export of the person's data is available: where the token that filed the "
        "request may download it (the same bearer token).",
    )
    plan: dict[str, Any] | None = Field(
        None, description="Staff tokens only: the engine's plan (counts, decisions, reasons; no identity value)."
    )
    steps: list[str] | None = Field(
        None, description="Staff tokens only: the steps the request's state allows now, as the paths that take them."
    )
    job_id: str | None = Field(None, description="Staff tokens only: the background job executing it, if any.")
    refusal_reason: str | None = Field(None, description="Staff tokens only: why it was refused.")


class RequestPage(Schema):
    items: list[RequestSummary]
    count: int = Field(description="How many requests match, in all.")
    limit: int
    offset: int


# --- Acting on a request -------------------------------------------------------------------------------------


class NoteIn(Strict):
    note: str = Field("", max_length=5000, description="Kept in the request's timeline (never in the audit log).")


class ReasonIn(Strict):
    reason: str = Field(min_length=1, max_length=5000, description="Told to the person in the letter.")


class CancelIn(Strict):
    reason: str = Field("", max_length=5000)


class ExtendIn(Strict):
    months: int = Field(ge=1, le=2, description="The extension after the first month: 1 or 2 (Art. 12(3) GDPR).")
    reason: str = Field(min_length=1, max_length=5000, description="Why: told to the person.")


class InstructionIn(Strict):
    instruction: str = Field(min_length=1, max_length=20000, description="The client's documented instruction.")
    given_by: str = Field(min_length=1, max_length=200, description="Who gave it, for the client.")


class ForwardIn(Strict):
    client: str = Field(max_length=100, description="The tenant of the client to forward the request to.")
    note: str = Field("", max_length=5000)


class TokenOut(Schema):
    name: str
    prefix: str
    actions: list[str] = Field(description="The actions given to the token.")
    allowed: list[str] = Field(description="Of those, the ones the token may do now (its owner's role allows them).")


# --- Webhooks ------------------------------------------------------------------------------------------------

EventName = Literal["request.state_changed"]
assert set(EventName.__args__) == set(EVENTS)  # type: ignore[attr-defined]


class WebhookIn(Strict):
    url: str = Field(max_length=500, description="https, or http on the loopback (127.0.0.1, localhost) for tests.")
    events: list[EventName] = Field(default_factory=lambda: ["request.state_changed"], min_length=1)
    description: str = Field("", max_length=200)
    active: bool = True


class WebhookPatch(Strict):
    url: str | None = Field(None, max_length=500)
    events: list[EventName] | None = Field(None, min_length=1)
    description: str | None = Field(None, max_length=200)
    active: bool | None = None


class WebhookOut(Schema):
    id: uuid.UUID
    url: str
    events: list[str]
    active: bool
    description: str
    created_at: dt.datetime
    last_delivery_at: dt.datetime | None
    last_delivery_status: str = Field(description="delivered, retrying or failed; empty before the first delivery.")
    last_response_code: int | None


class WebhookSecret(Schema):
    secret: str = Field(description="The signing secret (`whsec_...`): keep it in the receiving system.")


class WebhookCreated(WebhookOut, WebhookSecret):
    pass


class DeliveryOut(Schema):
    id: uuid.UUID = Field(validation_alias="public_id")
    event: str
    status: Literal["pending", "retrying", "delivered", "failed"]
    attempts: int
    response_code: int | None
    error: str
    created_at: dt.datetime
    next_attempt_at: dt.datetime | None
    delivered_at: dt.datetime | None
    payload: dict[str, Any]
