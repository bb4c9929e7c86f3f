"""Outgoing POSTs (webhook events, OpenGDPR status callbacks) as background jobs, retried with backoff.

    delivery = queue_delivery(url=..., event="request.state_changed", payload={...}, webhook=hook)
    # a job (`deliver`) POSTs it; a failure is tried again after RETRY_DELAYS[0], [1]... then given up

A delivery is a row (`Delivery`) with its status, attempts, last response code and error; each attempt
is a job, visible on the console's Jobs page. Queued inside the caller's transaction: the event of a
step that rolls back is never sent. Webhook bodies are signed with the webhook's secret (HMAC), OpenGDPR
callbacks with the controller-facing RSA key (see `signing`).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import urllib.error
import urllib.request
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tasks import TaskContext, task

from registre.web.api import signing
from registre.web.api.destinations import RefusedDestination, check_destination
from registre.web.api.models import Delivery, OpenGdprRequest, Webhook
from registre.web.jobs.actions import log_job
from registre.web.redaction import redact

logger = logging.getLogger(__name__)
# Seconds to wait before each new attempt: 1 minute, 5 minutes, 30 minutes, 2 hours, 12 hours; then failed.
RETRY_DELAYS = (60, 300, 1800, 7200, 43200)
TIMEOUT = 10
USER_AGENT = "Registre-Webhooks/1"


def queue_delivery(
    *,
    url: str,
    event: str,
    payload: dict[str, Any],
    webhook: Webhook | None = None,
    opengdpr: OpenGdprRequest | None = None,
) -> Delivery:
    """Record a delivery and enqueue its first attempt (in the caller's transaction)."""
    delivery = Delivery.objects.create(url=url, event=event, payload=payload, webhook=webhook, opengdpr=opengdpr)
    _enqueue(delivery)
    return delivery


def _enqueue(delivery: Delivery, at: dt.datetime | None = None) -> None:
    job = (deliver.using(run_after=at) if at else deliver).enqueue(delivery_id=delivery.pk)
    delivery.job_id = str(job.id)
    Delivery.objects.filter(pk=delivery.pk).update(job_id=delivery.job_id)


@task(takes_context=True)
def deliver(context: TaskContext, delivery_id: int) -> dict[str, Any]:
    """One attempt of a delivery (see `attempt_delivery`)."""
    delivery = attempt_delivery(delivery_id)
    log_job(context, f"{delivery.event} #{delivery.pk}: {delivery.status} after {delivery.attempts} attempt(s)")
    return {"status": delivery.status, "attempts": delivery.attempts, "response_code": delivery.response_code}


def attempt_delivery(delivery_id: int, now: dt.datetime | None = None) -> Delivery:
    """POST the delivery once: delivered on a 2xx answer, else retried after the next delay, or failed.

    A delivery already delivered or failed, or of a webhook since deactivated or deleted, is left alone.
    """
    delivery = Delivery.objects.select_related("webhook").get(pk=delivery_id)
    if delivery.status in (Delivery.Status.DELIVERED, Delivery.Status.FAILED):
        return delivery
    if delivery.webhook is not None and not delivery.webhook.active:
        return _finish(delivery, Delivery.Status.FAILED, None, "the webhook is inactive", now)
    try:
        check_destination(delivery.url)  # again, after DNS: the name may resolve elsewhere since it was saved
    except RefusedDestination as refused:
        return _finish(delivery, Delivery.Status.FAILED, None, str(refused), now)
    body = json.dumps(delivery.payload, sort_keys=True, separators=(",", ":")).encode()
    code, error = post(delivery.url, body, _headers(delivery, body))
    if code is not None and 200 <= code < 300:
        return _finish(delivery, Delivery.Status.DELIVERED, code, "", now)
    if delivery.attempts < len(RETRY_DELAYS):
        return _finish(delivery, Delivery.Status.RETRYING, code, error, now)
    return _finish(delivery, Delivery.Status.FAILED, code, error, now)


def _headers(delivery: Delivery, body: bytes) -> dict[str, str]:
    headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT}
    if delivery.webhook is not None:
        headers[signing.SIGNATURE_HEADER] = signing.webhook_signature(delivery.webhook.secret, body)
        headers[signing.EVENT_HEADER] = delivery.event
        headers[signing.DELIVERY_HEADER] = str(delivery.public_id)
    else:
        headers.update(signing.opengdpr_headers(body))
    return headers


@transaction.atomic
def _finish(delivery: Delivery, status: str, code: int | None, error: str, now: dt.datetime | None) -> Delivery:
    now = now or timezone.now()
    delivery.attempts += 1
    delivery.status, delivery.response_code, delivery.error = status, code, redact(error)[:300]
    delivery.delivered_at = now if status == Delivery.Status.DELIVERED else None
    delivery.next_attempt_at = None
    if status == Delivery.Status.RETRYING:
        delivery.next_attempt_at = now + dt.timedelta(seconds=RETRY_DELAYS[delivery.attempts - 1])
    delivery.save()
    if status == Delivery.Status.RETRYING:
        _enqueue(delivery, delivery.next_attempt_at)
    if delivery.webhook is not None:
        Webhook.objects.filter(pk=delivery.webhook.pk).update(
            last_delivery_at=now, last_delivery_status=status, last_response_code=code
        )
    return delivery


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer, not a place to send the event to again (it could point anywhere)."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int | None, str]:
    """POST `body` to `url`; (the response's status code or None, an error message or "")."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with _opener.open(request, timeout=TIMEOUT) as response:
            return response.status, ""
    except urllib.error.HTTPError as error:
        return error.code, f"HTTP {error.code}"
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        logger.info("delivery to %s failed: %s", url, reason)
        return None, f"{type(error).__name__}: {reason}"
