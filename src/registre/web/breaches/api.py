"""The breach register in the REST API (/api/v1/breaches): read it, declare a breach, record its notifications.

Mounted on the API of `registre.web.api.api`; each operation checks the token's action with `require`
and calls `breaches.actions`, as the console's views do.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema, Status
from pydantic import Field

from registre.web.accounts.permissions import require
from registre.web.api.auth import token_of
from registre.web.api.problems import error_responses
from registre.web.breaches import actions
from registre.web.breaches.models import Breach

router = Router(tags=["Breaches"])


class ClockOut(Schema):
    duty: Literal["authority", "client"]
    due_at: dt.datetime
    notified_at: dt.datetime | None
    status: str = Field(description="running, soon, overdue, done or done_late.")


class NotificationOut(Schema):
    recipient: Literal["authority", "client", "people"]
    client: str | None = Field(None, description="The client's tenant, for a notice to a client.")
    phase: int
    sent_at: dt.datetime
    channel: str
    reference: str
    late: bool


class BreachOut(Schema):
    reference: str
    title: str
    aware_at: dt.datetime
    occurred_at: dt.datetime | None
    natures: list[str]
    datasets: list[str]
    systems: list[str]
    activities: list[str]
    clients: list[str] = Field(description="The tenants of the clients concerned.")
    subject_count: int | None
    record_count: int | None
    risk: Literal["none", "risk", "high"]
    clocks: list[ClockOut]
    notifications: list[NotificationOut]
    closed_at: dt.datetime | None


class BreachIn(Schema):
    title: str = Field(max_length=200)
    aware_at: dt.datetime = Field(description="When the company became aware of it: the clocks start here.")
    datasets: list[str] = Field(min_length=1, description="`system.dataset` references of the policy.")
    natures: list[Literal["confidentiality", "integrity", "availability"]] = Field(min_length=1)
    description: str
    occurred_at: dt.datetime | None = None
    ongoing: bool = False
    discovery: str = ""
    cause: str = ""
    subject_count: int | None = Field(None, ge=0)
    record_count: int | None = Field(None, ge=0)
    consequences: str = ""
    measures_taken: str = ""
    measures_proposed: str = ""
    risk: Literal["none", "risk", "high"] = "risk"
    risk_reasons: str = ""


class NotificationIn(Schema):
    recipient: Literal["authority", "people"]
    sent_at: dt.datetime
    channel: str = Field("", max_length=100)
    reference: str = Field("", max_length=100)
    details: str = ""
    late_reasons: str = Field("", description="Required when the notification to the authority is late (Art. 33(1)).")


class ClientNoticeIn(Schema):
    details: str = Field(
        "", description="Empty: first notices to the clients not yet told; else the next phase to all."
    )
    late_reasons: str = ""


def breach_body(breach: Breach) -> dict[str, Any]:
    now = timezone.now()
    clocks = []
    owed = breach.duties()
    if owed.authority:
        done = breach.notified("authority")
        clock = breach.authority_clock()
        clocks.append(
            {"duty": "authority", "due_at": clock.due_at, "notified_at": done, "status": clock.status(now, done).value}
        )
    if owed.clients:
        told = set(breach.notifications.filter(recipient="client").values_list("client_id", flat=True))
        affected = set(breach.affected_clients.values_list("client_id", flat=True))
        last = breach.notifications.filter(recipient="client").order_by("sent_at").last()
        done = last.sent_at if last and affected and affected <= told else None
        clock = breach.client_clock()
        clocks.append(
            {"duty": "client", "due_at": clock.due_at, "notified_at": done, "status": clock.status(now, done).value}
        )
    return {
        "reference": breach.reference,
        "title": breach.title,
        "aware_at": breach.aware_at,
        "occurred_at": breach.occurred_at,
        "natures": breach.natures,
        "datasets": breach.datasets,
        "systems": breach.systems,
        "activities": breach.controller_activities + breach.processor_activities,
        "clients": [item.client.tenant for item in breach.affected_clients.select_related("client")],
        "subject_count": breach.subject_count,
        "record_count": breach.record_count,
        "risk": breach.risk,
        "clocks": clocks,
        "notifications": [
            {
                "recipient": item.recipient,
                "client": item.client.tenant if item.client else None,
                "phase": item.phase,
                "sent_at": item.sent_at,
                "channel": item.channel,
                "reference": item.reference,
                "late": bool(item.late_reasons),
            }
            for item in breach.notifications.select_related("client")
        ],
        "closed_at": breach.closed_at,
    }


@router.get("", response={200: list[BreachOut], **error_responses()}, url_name="breach_list", summary="List breaches")
def breach_list(request: HttpRequest) -> list[dict[str, Any]]:
    """The breach register, most recent first (`breaches.view`)."""
    require(token_of(request), "breaches.view")
    return [breach_body(breach) for breach in Breach.objects.all()]


@router.post(
    "", response={201: BreachOut, **error_responses(400)}, url_name="breach_create", summary="Declare a breach"
)
def breach_create(request: HttpRequest, body: BreachIn) -> Status[dict[str, Any]]:
    """Record a breach (`breaches.manage`): its activities, systems and clients are derived from the policy."""
    data = body.dict()
    breach = actions.declare_breach(
        token_of(request), aware_at=data.pop("aware_at"), datasets=data.pop("datasets"), **data
    )
    return Status(201, breach_body(breach))


@router.get(
    "/{reference}", response={200: BreachOut, **error_responses(404)}, url_name="breach_detail", summary="Read a breach"
)
def breach_detail(request: HttpRequest, reference: str) -> dict[str, Any]:
    require(token_of(request), "breaches.view")
    return breach_body(get_object_or_404(Breach, reference=reference))


@router.post(
    "/{reference}/notifications",
    response={201: BreachOut, **error_responses(400, 404)},
    url_name="breach_notification",
    summary="Record a notification to the authority or the people",
)
def breach_notification(request: HttpRequest, reference: str, body: NotificationIn) -> Status[dict[str, Any]]:
    """The next phase of the notification to `recipient` (`breaches.manage`); late ones need their reasons."""
    require(token_of(request), "breaches.manage")
    breach = get_object_or_404(Breach, reference=reference)
    actions.record_notification(breach, token_of(request), **body.dict())
    return Status(201, breach_body(breach))


@router.post(
    "/{reference}/client-notices",
    response={201: BreachOut, **error_responses(400, 404)},
    url_name="breach_notify_clients",
    summary="Send the notices to the clients concerned",
)
def breach_notify_clients(request: HttpRequest, reference: str, body: ClientNoticeIn) -> Status[dict[str, Any]]:
    """E-mail each client concerned its notice with the PDF attached, and record it (`breaches.manage`)."""
    require(token_of(request), "breaches.manage")
    breach = get_object_or_404(Breach, reference=reference)
    actions.notify_clients(breach, token_of(request), **body.dict())
    return Status(201, breach_body(breach))
