"""Audits of the processor by a client or by the supervisory authority (SOURCES 20; 004 Art. 6, 000 §11).

Each audit has its request date, its on-site date and the notice date the rules give
(`core.inspections.check_audit`): 30 days before, or what the client's agreement declares; a client has one
routine on-site audit within any 12 months unless its agreement allows more, or the audit follows a
breach or an authority's demand. The audit package built for it is kept with it: the signed ZIP,
encrypted at rest, with its SHA-256 and the manifest listing every file's SHA-256.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registre.core.inspections import PastAudit
from registre.web.accounts.permissions import ScopeKeys, scope_of
from registre.web.clients.models import Client


class Inspection(models.Model):
    class Auditor(models.TextChoices):
        CLIENT = "client", _("A client")
        AUTHORITY = "authority", _("The supervisory authority")

    class Trigger(models.TextChoices):
        ROUTINE = "routine", _("Routine audit")
        BREACH = "breach", _("Following a breach")
        AUTHORITY = "authority", _("Following an authority's demand")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    by = models.CharField(_("audited by"), max_length=10, choices=Auditor.choices)
    client = models.ForeignKey(Client, null=True, blank=True, on_delete=models.PROTECT, related_name="inspections")
    trigger = models.CharField(_("reason"), max_length=10, choices=Trigger.choices, default=Trigger.ROUTINE)
    trigger_reference = models.CharField(_("breach or demand"), max_length=100, blank=True)
    auditor = models.CharField(_("auditing firm"), max_length=200)
    scope = models.TextField(_("scope"), blank=True)
    requested_on = models.DateField(_("requested on"))
    onsite_on = models.DateField(_("on-site audit on"), db_index=True)
    notice_on = models.DateField(_("notice by"), null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    reminded_on = models.JSONField(default=list, blank=True)  # the reminder dates already sent
    # The audit package kept with the audit: a ZIP encrypted at rest, its SHA-256, the manifest it carries.
    package_stored_as = models.CharField(max_length=64, blank=True)
    package_sha256 = models.CharField(max_length=64, blank=True)
    package_manifest = models.JSONField(default=dict, blank=True)
    package_built_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-onsite_on", "-pk"]
        verbose_name = _("audit")
        verbose_name_plural = _("audits")

    def __str__(self) -> str:
        return self.reference

    def scope_keys(self) -> ScopeKeys:
        """A client's audit belongs to the client; the authority's, to no client."""
        return ScopeKeys(client=self.client.tenant if self.client else None)

    def past_audit(self) -> PastAudit:
        return PastAudit(onsite_on=self.onsite_on, trigger=self.trigger)  # type: ignore[arg-type]


def within_scope(found: QuerySet[Inspection], user: Any) -> QuerySet[Inspection]:
    """The audits `user` may see, as `can(user, "inspections.view", audit)` decides one by one."""
    scope = scope_of(user)
    if scope.activities is not None:
        return found.none()
    if scope.clients is not None:
        found = found.filter(client__tenant__in=scope.clients)
    return found
