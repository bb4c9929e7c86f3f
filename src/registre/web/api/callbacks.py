"""OpenGDPR statuses of requests, and the status callbacks POSTed when they change (sections 8 and 8.5).

A request received through OpenGDPR has an OpenGDPR status derived from its state (STATUS). When a
change of state changes that status, a signed callback (see `signing`) is queued for each of the
request's `status_callback_urls`, as a delivery retried with backoff (see `deliveries`).
"""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from typing import Any, Literal

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from ninja import Schema
from pydantic import ConfigDict

from registre.web.api.deliveries import queue_delivery
from registre.web.api.models import OpenGdprRequest
from registre.web.requests.models import DataRequest
from registre.web.requests.workflow import State

API_VERSION = "1.0"
OpenGdprStatus = Literal["pending", "in_progress", "completed", "cancelled"]
STATUS = {
    State.RECEIVED: "pending",
    State.VERIFYING: "pending",
    State.REVIEW: "in_progress",
    State.AWAITING_APPROVAL: "in_progress",
    State.FORWARDED: "in_progress",
    State.EXECUTING: "in_progress",
    State.COMPLETED: "completed",
    # OpenGDPR has no "refused": a refused request ends without being fulfilled, as a cancelled one.
    State.REFUSED: "cancelled",
    State.CANCELLED: "cancelled",
}


class StatusBody(Schema):
    controller_id: str
    expected_completion_time: dt.datetime
    subject_request_id: uuid.UUID
    request_status: OpenGdprStatus
    api_version: str
    encoded_request: str
    results_url: str | None = None


class Callback(Schema):
    """The body of a status callback (section 8.6)."""

    model_config = ConfigDict(extra="ignore")

    controller_id: str
    expected_completion_time: dt.datetime
    status_callback_url: str
    subject_request_id: uuid.UUID
    request_status: OpenGdprStatus
    results_url: str | None = None


def expected_completion(request: DataRequest) -> dt.datetime:
    """The end of the day of the request's deadline (Art. 12(3)), in the application's time zone."""
    return timezone.make_aware(dt.datetime.combine(request.due_on, dt.time(23, 59, 59)))


def encoded(record: OpenGdprRequest) -> str:
    return base64.b64encode(record.body.encode("utf-8")).decode()


def status_body(record: OpenGdprRequest) -> dict[str, Any]:
    request = record.request
    return {
        "controller_id": record.controller_id,
        "expected_completion_time": expected_completion(request),
        "subject_request_id": record.subject_request_id,
        "request_status": STATUS[State(request.state)],
        "api_version": record.api_version,
        "encoded_request": encoded(record),
        "results_url": results_url(request),
    }


def results_url(request: DataRequest) -> str | None:
    """The API's download of the request's export, while one is available (for the token that filed it)."""
    if request.state != State.COMPLETED or not any(export.available for export in request.exports.all()):
        return None
    return settings.REGISTRE_BASE_URL + reverse("api:request_export", args=[str(request.public_id)])


def queue_status_callbacks(request: DataRequest) -> None:
    """When the OpenGDPR status of `request` changed, POST it to each of its status callback URLs (section 8.5)."""
    record = OpenGdprRequest.objects.filter(request=request).first()
    if record is None:
        return
    record.request = request
    current = STATUS[State(request.state)]
    if current == record.notified_status:
        return
    record.notified_status = current
    record.save(update_fields=["notified_status"])
    body = status_body(record)
    for url in record.status_callback_urls:
        payload = Callback(**body, status_callback_url=url).model_dump(mode="json", exclude_none=True)
        queue_delivery(url=url, event="opengdpr.status", payload=payload, opengdpr=record)
