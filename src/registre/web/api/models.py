"""What the REST API keeps besides the requests themselves: who filed a request, webhooks, and outgoing deliveries.

- `Intake`: the API token that filed a request (the product reads the status of its own requests).
- `OpenGdprRequest`: a request received through OpenGDPR, by the controller's `subject_request_id`.
- `Webhook`: an endpoint that receives signed events; its secret is encrypted at rest.
- `Delivery`: one event to POST (a webhook's or an OpenGDPR status callback), retried with backoff.

No identity value is stored here in clear: the OpenGDPR request body (which holds the identities) is
encrypted, and events and callbacks carry references and states only.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registre.web.accounts.models import ApiToken
from registre.web.requests.models import DataRequest
from registre.web.vault.fields import EncryptedTextField

STATE_CHANGED = "request.state_changed"
EVENTS = (STATE_CHANGED,)


def default_events() -> list[str]:
    return [STATE_CHANGED]


class Intake(models.Model):
    """A request filed through the API, and the token that filed it (which may read its status)."""

    request = models.OneToOneField(DataRequest, on_delete=models.CASCADE, related_name="api_intake")
    token = models.ForeignKey(ApiToken, null=True, on_delete=models.SET_NULL, related_name="intakes")
    verified_by_token = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)


class OpenGdprRequest(models.Model):
    """A request received through OpenGDPR: the controller's id for it, its callbacks, and the body it sent."""

    subject_request_id = models.UUIDField(unique=True)
    request = models.OneToOneField(DataRequest, on_delete=models.CASCADE, related_name="opengdpr")
    token = models.ForeignKey(ApiToken, null=True, on_delete=models.SET_NULL, related_name="opengdpr_requests")
    controller_id = models.CharField(max_length=100)
    api_version = models.CharField(max_length=10, default="1.0")
    # The body as received (it holds the identities: encrypted), returned base64-encoded as `encoded_request`.
    body = EncryptedTextField()
    status_callback_urls = models.JSONField(default=list)
    # The OpenGDPR status last told to the callbacks: they are called when it changes.
    notified_status = models.CharField(max_length=20, default="pending")
    received_at = models.DateTimeField(default=timezone.now)


class Webhook(models.Model):
    """An endpoint of the company's systems that receives request events, signed with its secret."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    url = models.URLField(_("URL"), max_length=500)
    secret = EncryptedTextField()
    events = models.JSONField(default=default_events)
    active = models.BooleanField(_("active"), default=True)
    description = models.CharField(_("description"), max_length=200, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_delivery_at = models.DateTimeField(null=True, blank=True)
    last_delivery_status = models.CharField(max_length=20, blank=True, default="")
    last_response_code = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.url


class Delivery(models.Model):
    """One outgoing POST: an event to a webhook, or a status callback of an OpenGDPR request."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        RETRYING = "retrying", _("Retrying")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    webhook = models.ForeignKey(Webhook, null=True, on_delete=models.CASCADE, related_name="deliveries")
    opengdpr = models.ForeignKey(OpenGdprRequest, null=True, on_delete=models.CASCADE, related_name="callbacks")
    url = models.URLField(max_length=500)
    event = models.CharField(max_length=50)
    payload = models.JSONField()  # references and states only: never an identity
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True, default="")
    job_id = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
