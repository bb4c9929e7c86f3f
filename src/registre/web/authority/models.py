"""The register of requests from public authorities (police, courts, tax and other administrations).

Who asked, under which legal basis, for what, whether the company was legally
compelled, whether telling the client or the person is forbidden and until
when, what was disclosed (counts per dataset from the engine's access plan,
never the values), when the client and the person were told, and the case
hold placed to preserve the data.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registre.core.engine import Identity, Subject
from registre.web.accounts.permissions import ScopeKeys, scope_of
from registre.web.clients.models import Client
from registre.web.retention.models import CaseHold
from registre.web.vault.fields import EncryptedJSONField


class AuthorityRequest(models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        DISCLOSED = "disclosed", _("Disclosed")
        REFUSED = "refused", _("Refused")

    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    authority = models.CharField(_("authority"), max_length=200)
    authority_reference = models.CharField(_("the authority's reference"), max_length=100, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    received_at = models.DateTimeField(_("received on"), default=timezone.now)
    data_requested = models.TextField(_("data requested"))
    compelled = models.BooleanField(_("legally compelled"), default=False)
    gag_until = models.DateField(_("telling the client or the person forbidden until"), null=True, blank=True)
    gag_basis = models.CharField(_("basis of the prohibition"), max_length=300, blank=True)
    # The person concerned: encrypted; `subject_ref` is the lookup hash of the first identity.
    identities = EncryptedJSONField(default=list, blank=True)
    subject_ref = models.CharField(max_length=64, blank=True, default="", db_index=True, editable=False)
    client = models.ForeignKey(Client, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RECEIVED)
    # [{"reference": "crm.contacts", "rows": 3}]: what the access plan found, then what was handed over.
    planned = models.JSONField(default=list, blank=True)
    disclosed = models.JSONField(default=list, blank=True)
    disclosed_at = models.DateTimeField(_("disclosed on"), null=True, blank=True)
    refusal = models.TextField(_("reason for refusing"), blank=True)
    client_told_at = models.DateTimeField(_("client told on"), null=True, blank=True)
    person_told_at = models.DateTimeField(_("person told on"), null=True, blank=True)
    hold = models.ForeignKey(CaseHold, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("authority request")
        verbose_name_plural = _("authority requests")

    def __str__(self) -> str:
        return f"{self.reference} {self.authority}"

    def scope_keys(self) -> ScopeKeys:
        """A request belongs to its client: staff restricted to some clients see only theirs."""
        return ScopeKeys(client=self.client.tenant if self.client else None)

    def subject(self) -> Subject | None:
        if not self.identities:
            return None
        return Subject.of(
            *(Identity(item["type"], item["value"]) for item in self.identities), reference=self.reference
        )


def within_scope(found: QuerySet[AuthorityRequest], user: Any) -> QuerySet[AuthorityRequest]:
    """The requests `user` may see, as `can(user, "authority.view", request)` decides one by one.

    Restricted to clients: the requests of those clients only. Restricted to activities: none (a request
    concerns a person or a client, not an activity).
    """
    scope = scope_of(user)
    if scope.activities is not None:
        return found.none()
    if scope.clients is not None:
        found = found.filter(client__tenant__in=scope.clients)
    return found
