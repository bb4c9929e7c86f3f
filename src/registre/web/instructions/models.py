"""The log of the clients' documented instructions (Art. 28(3)(a) GDPR), processor mode.

Each entry says when the instruction was received, how (e-mail, letter, the contract, a ticket, a
meeting, a forwarded rights request), from whom at the client, what it says, and the processor
activities it covers. An instruction that looks unlawful is flagged with the reason, and the client is
told (Art. 28(3), last paragraph). Who gave it and what it says are encrypted at rest: an instruction
may name people.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registre.web.accounts.permissions import ScopeKeys, scope_of
from registre.web.clients.models import Client
from registre.web.requests.models import DataRequest
from registre.web.vault.fields import EncryptedTextField


class Instruction(models.Model):
    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        LETTER = "letter", _("Letter")
        CONTRACT = "contract", _("Contract or its annex")
        TICKET = "ticket", _("Support ticket")
        MEETING = "meeting", _("Meeting (minutes)")
        REQUEST = "request", _("Forwarded rights request")

    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="instructions")
    received_at = models.DateTimeField(_("received on"), default=timezone.now)
    channel = models.CharField(_("received by"), max_length=10, choices=Channel.choices)
    given_by = EncryptedTextField(_("given by"))
    text = EncryptedTextField(_("instruction"))
    activities = models.JSONField(_("processing covered"), default=list, blank=True)
    # A forwarded rights request executed on this instruction (Art. 28(3)(e)): the same instruction, logged.
    request = models.ForeignKey(DataRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    unlawful_reason = models.TextField(_("why it looks unlawful"), blank=True)
    flagged_at = models.DateTimeField(_("flagged on"), null=True, blank=True)
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    client_told_at = models.DateTimeField(_("client told on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("client instruction")
        verbose_name_plural = _("client instructions")

    def __str__(self) -> str:
        return f"{self.reference} {self.client}"

    @property
    def flagged(self) -> bool:
        return self.flagged_at is not None

    def scope_keys(self) -> ScopeKeys:
        """An instruction belongs to its client and concerns the activities it covers."""
        return ScopeKeys(activities=frozenset(self.activities), client=self.client.tenant)


def within_scope(found: QuerySet[Instruction], user: Any) -> QuerySet[Instruction]:
    """The instructions `user` may see, as `can(user, "instructions.view", instruction)` decides one by one."""
    scope = scope_of(user)
    if scope.clients is not None:
        found = found.filter(client__tenant__in=scope.clients)
    if scope.activities is not None:
        # A JSON list cannot be searched alike on SQLite and PostgreSQL: the client's log is read once here.
        rows = found.values_list("pk", "activities")
        found = found.filter(pk__in=[pk for pk, activities in rows if scope.activities & set(activities)])
    return found
