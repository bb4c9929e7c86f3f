"""The breach register (Art. 33(5) GDPR): every breach, the clients it concerns, and each notification made.

A breach stores its facts and the scope derived from the policy when it was
declared (datasets, systems, activities, subjects, categories), so that the
register keeps saying what was known then even after the policy changes.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registre.core.breaches import BreachFacts, BreachScope, Clock, authority_clock, client_clock, duties
from registre.core.breaches.facts import Duties
from registre.web.clients.models import Client

if TYPE_CHECKING:  # the documents (Babel, templates) load when a record is made, not with the models
    from registre.core.documents.breach import NotificationRecord


class Breach(models.Model):
    class Risk(models.TextChoices):
        NONE = "none", _("No risk")
        RISK = "risk", _("Risk")
        HIGH = "high", _("High risk")

    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    occurred_at = models.DateTimeField(_("started on"), null=True, blank=True)
    ongoing = models.BooleanField(_("ongoing"), default=False)
    aware_at = models.DateTimeField(_("became aware on"), db_index=True)
    discovery = models.TextField(_("how it was discovered"), blank=True)
    natures = models.JSONField(_("nature"), default=list)
    description = models.TextField(_("circumstances"))
    cause = models.TextField(_("cause"), blank=True)
    # The scope derived from the policy when declared: `system.dataset` and activity keys.
    datasets = models.JSONField(default=list)
    systems = models.JSONField(default=list)
    controller_activities = models.JSONField(default=list)
    processor_activities = models.JSONField(default=list)
    subjects = models.JSONField(default=list)
    categories = models.JSONField(default=list)
    tenant_datasets = models.JSONField(default=list)
    # Tenants found in the data with no client record, and why the tenants could not be read, if so.
    unknown_tenants = models.JSONField(default=list, blank=True)
    clients_error = models.TextField(blank=True)
    subject_count = models.PositiveIntegerField(_("approximate number of data subjects"), null=True, blank=True)
    record_count = models.PositiveBigIntegerField(_("approximate number of records"), null=True, blank=True)
    consequences = models.TextField(_("likely consequences"), blank=True)
    measures_taken = models.TextField(_("measures taken"), blank=True)
    measures_proposed = models.TextField(_("measures proposed"), blank=True)
    risk = models.CharField(_("risk"), max_length=10, choices=Risk.choices, default=Risk.RISK)
    risk_reasons = models.TextField(_("reasons for the risk assessment"), blank=True)
    delay_reasons = models.TextField(_("reasons for a late notification"), blank=True)
    people_exemption = models.TextField(_("why the people are not informed (Art. 34(3))"), blank=True)
    # The DPA's delay to notify clients, from the policy when declared (None: without undue delay).
    client_hours = models.PositiveIntegerField(null=True, blank=True)
    # Reminder thresholds already e-mailed, by clock: {"authority": [48, 24], "clients": [24]}.
    reminders = models.JSONField(default=dict, blank=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    declared_at = models.DateTimeField(default=timezone.now, editable=False)
    closed_at = models.DateTimeField(_("closed on"), null=True, blank=True)

    class Meta:
        ordering = ["-aware_at", "-pk"]
        verbose_name = _("breach")
        verbose_name_plural = _("breaches")

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def scope(self) -> BreachScope:
        return BreachScope(
            datasets=tuple(self.datasets),
            systems=tuple(self.systems),
            controller_activities=tuple(self.controller_activities),
            processor_activities=tuple(self.processor_activities),
            subjects=tuple(self.subjects),
            categories=tuple(self.categories),
            tenant_datasets=tuple(self.tenant_datasets),
        )

    def facts(self) -> BreachFacts:
        return BreachFacts(
            reference=self.reference,
            title=self.title,
            aware_at=self.aware_at,
            occurred_at=self.occurred_at,
            ongoing=self.ongoing,
            discovery=self.discovery,
            natures=tuple(self.natures),
            description=self.description,
            cause=self.cause,
            scope=self.scope(),
            subject_count=self.subject_count,
            record_count=self.record_count,
            consequences=self.consequences,
            measures_taken=self.measures_taken,
            measures_proposed=self.measures_proposed,
            risk=self.risk,  # type: ignore[arg-type]
            risk_reasons=self.risk_reasons,
            delay_reasons=self.delay_reasons,
            people_exemption=self.people_exemption,
        )

    def duties(self) -> Duties:
        return duties(self.risk, self.scope())  # type: ignore[arg-type]

    def authority_clock(self) -> Clock:
        return authority_clock(self.aware_at)

    def client_clock(self) -> Clock:
        return client_clock(self.aware_at, self.client_hours)

    def notified(self, recipient: str, client: Client | None = None) -> dt.datetime | None:
        """When the first notification to `recipient` (and `client`) was made, or None."""
        found = self.notifications.filter(recipient=recipient, client=client).order_by("sent_at").first()
        return found.sent_at if found else None

    def records(self) -> list[NotificationRecord]:
        return [item.record() for item in self.notifications.select_related("client").order_by("sent_at", "pk")]


class AffectedClient(models.Model):
    """A client whose tenant has rows in the breached processor datasets (counted on the target database)."""

    breach = models.ForeignKey(Breach, on_delete=models.CASCADE, related_name="affected_clients")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="breaches")
    records = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["client__name"]
        constraints = [models.UniqueConstraint(fields=["breach", "client"], name="one_row_per_client_and_breach")]


class Notification(models.Model):
    """One notification of a breach, phase by phase (Art. 33(4)): to the authority, a client, or the people."""

    class Recipient(models.TextChoices):
        AUTHORITY = "authority", _("Supervisory authority")
        CLIENT = "client", _("Client")
        PEOPLE = "people", _("Data subjects")

    breach = models.ForeignKey(Breach, on_delete=models.CASCADE, related_name="notifications")
    recipient = models.CharField(_("recipient"), max_length=10, choices=Recipient.choices)
    client = models.ForeignKey(Client, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    phase = models.PositiveSmallIntegerField(default=1)
    sent_at = models.DateTimeField(_("sent on"))
    channel = models.CharField(_("channel"), max_length=100, blank=True)
    reference = models.CharField(_("reference given by the recipient"), max_length=100, blank=True)
    details = models.TextField(_("what this notification adds"), blank=True)
    late_reasons = models.TextField(_("reasons for the delay"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["sent_at", "pk"]

    def record(self) -> NotificationRecord:
        from registre.core.documents.breach import NotificationRecord

        return NotificationRecord(
            recipient=self.recipient,
            phase=self.phase,
            sent_at=self.sent_at,
            channel=self.channel,
            reference=self.reference,
            client_name=self.client.name if self.client else "",
            late_reasons=self.late_reasons,
            details=self.details,
        )
