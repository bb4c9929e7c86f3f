"""Rights requests and what happens to them: transitions, attachments, letters, exports.

Identity values (the requester's email and name, the identities, the details
of the request, the client's instruction) are encrypted at rest; the email is
found by its lookup hash, and the audit log only ever sees `subject_ref`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registre.core.deadlines import days_left
from registre.core.engine import Identity, Subject
from registre.web.accounts.permissions import ScopeKeys
from registre.web.clients.models import Client
from registre.web.languages import LANGUAGES
from registre.web.requests.workflow import CLOSED, Channel, Kind, State
from registre.web.vault.fields import EncryptedJSONField, EncryptedTextField

CLOSE_DAYS = 7  # the inbox highlights deadlines this close


class DataRequest(models.Model):
    """One request of a person exercising a right, from receipt to its answer."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    kind = models.CharField(_("right"), max_length=20, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.RECEIVED, db_index=True)
    lang = models.CharField(_("language"), max_length=2, choices=LANGUAGES, default="fr")

    requester_email = EncryptedTextField(_("email"))
    email_hash = models.CharField(max_length=64, db_index=True, editable=False)
    requester_name = EncryptedTextField(_("name"), blank=True, default="")
    # [{"type": "email", "value": "...", "verified": true}, ...]: only verified identities reach the engine.
    identities = EncryptedJSONField(default=list)
    # What the right needs: {"changes": {...}} (rectification), {"scope": "direct_marketing"} (objection),
    # {"directive": "..."} (post mortem), {"message": "..."} (anything the person adds).
    details = EncryptedJSONField(default=dict)
    subject_ref = models.CharField(max_length=64, db_index=True, editable=False)

    client = models.ForeignKey(Client, null=True, blank=True, on_delete=models.PROTECT, related_name="requests")
    received_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    due_on = models.DateField(_("due"), db_index=True)
    extension_months = models.PositiveSmallIntegerField(default=0)
    extension_reason = EncryptedTextField(blank=True, default="")
    verified_at = models.DateTimeField(null=True, blank=True)
    verification_method = models.CharField(max_length=20, blank=True, default="")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    refusal_reason = EncryptedTextField(blank=True, default="")
    instruction = EncryptedTextField(blank=True, default="")
    instruction_by = EncryptedTextField(blank=True, default="")
    instruction_at = models.DateTimeField(null=True, blank=True)

    # The engine's plan ({"parts": [...], "clients": [...]}) and result summary: counts and references, no identity.
    plan = models.JSONField(null=True, blank=True)
    planned_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(null=True, blank=True)
    job_id = models.CharField(max_length=64, blank=True, default="")
    completed_at = models.DateTimeField(null=True, blank=True)
    status_digest = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)

    class Meta:
        ordering = ["due_on", "received_at"]
        verbose_name = _("request")
        verbose_name_plural = _("requests")

    def __str__(self) -> str:
        return self.reference

    # --- Scope and identities ---------------------------------------------------------------------------

    def scope_keys(self) -> ScopeKeys:
        """The activities the plan found the person in, and the client whose data it concerns."""
        activities = frozenset(self.activity_rows.values_list("activity", flat=True)) if self.pk else frozenset()
        return ScopeKeys(activities=activities, client=self.client.tenant if self.client else None)

    @property
    def tenant(self) -> str | None:
        return self.client.tenant if self.client else None

    def verified_identities(self) -> list[Identity]:
        return [Identity(item["type"], item["value"]) for item in self.identities if item.get("verified")]

    def engine_subject(self) -> Subject:
        """The data subject the engine looks for: the verified identities only, under a reference without them."""
        return Subject.of(*self.verified_identities(), reference=f"r-{self.public_id.hex[:12]}")

    # --- Deadlines --------------------------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self.state not in CLOSED

    def days_left(self, today: dt.date | None = None) -> int:
        return days_left(self.due_on, today or timezone.localdate())

    @property
    def days_late(self) -> int:
        return max(0, -self.days_left())

    @property
    def urgency(self) -> str:
        """`overdue`, `close` (within CLOSE_DAYS), `ok`, or `closed`: how the inbox highlights the deadline."""
        if not self.is_open:
            return "closed"
        left = self.days_left()
        return "overdue" if left < 0 else "close" if left <= CLOSE_DAYS else "ok"

    @property
    def received_on(self) -> dt.date:
        return timezone.localdate(self.received_at)

    def details_summary(self) -> dict[str, Any]:
        return dict(self.details or {})


class RequestActivity(models.Model):
    """An activity a request concerns (from its plan): what puts it within an activity-scoped agent's reach."""

    request = models.ForeignKey(DataRequest, on_delete=models.CASCADE, related_name="activity_rows")
    activity = models.CharField(max_length=100, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["request", "activity"], name="request_activity_once")]


class ReferenceCounter(models.Model):
    """The last number given in a year: references R-2026-0001, R-2026-0002... have no gap and no repeat."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)


class Transition(models.Model):
    """One step in a request's life: a change of state, or an event that leaves it (an extension, a letter)."""

    class Event(models.TextChoices):
        STATE = "state", _("State changed")
        EXTENDED = "extended", _("Deadline extended")
        LETTER = "letter", _("Letter sent")
        ATTACHMENT = "attachment", _("Attachment added")
        PLANNED = "planned", _("Plan computed")
        INSTRUCTION = "instruction", _("Client's instruction recorded")

    request = models.ForeignKey(DataRequest, on_delete=models.CASCADE, related_name="transitions")
    event = models.CharField(max_length=20, choices=Event.choices, default=Event.STATE)
    from_state = models.CharField(max_length=20, choices=State.choices, blank=True, default="")
    to_state = models.CharField(max_length=20, choices=State.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(max_length=150)
    at = models.DateTimeField(default=timezone.now)
    note = EncryptedTextField(blank=True, default="")  # staff may write anything: encrypted like the rest

    class Meta:
        ordering = ["at", "pk"]


def attachment_name() -> str:
    return f"{uuid.uuid4().hex}.rgf"


class Attachment(models.Model):
    """A document received with a request (a proof of identity...), stored encrypted in the files directory."""

    request = models.ForeignKey(DataRequest, on_delete=models.CASCADE, related_name="attachments")
    filename = EncryptedTextField(_("file name"))
    content_type = models.CharField(max_length=100, default="application/octet-stream")
    size = models.PositiveBigIntegerField(default=0)
    stored_as = models.CharField(max_length=64, unique=True, default=attachment_name, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]


class Letter(models.Model):
    """A letter sent to the person (or a notice to a client), as sent: its text and HTML, encrypted."""

    request = models.ForeignKey(DataRequest, on_delete=models.CASCADE, related_name="letters")
    kind = models.CharField(max_length=30)
    lang = models.CharField(max_length=2, choices=LANGUAGES, default="fr")
    recipient = models.CharField(max_length=10, default="person")  # "person" or "client"
    subject = models.CharField(max_length=300)
    text = EncryptedTextField()
    html = EncryptedTextField(blank=True, default="")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["sent_at", "pk"]


class Export(models.Model):
    """An access bundle, zipped and encrypted at rest, downloadable through an expiring link, then deleted."""

    request = models.ForeignKey(DataRequest, on_delete=models.CASCADE, related_name="exports")
    stored_as = models.CharField(max_length=64, unique=True, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)  # SHA-256 of the download token
    size = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    downloads = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]

    @property
    def available(self) -> bool:
        return self.deleted_at is None and self.expires_at > timezone.now()
