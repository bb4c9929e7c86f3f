"""Notice campaigns: a policy change put to the clients of the processor activities it concerns.

A `Campaign` is one policy change (its diff kept as JSON); it sends each
client concerned one `ClientNotice`, in the client's language, with a signed
link to object or consent. The notice keeps what the client was told (the
core's `ClientNotice`, as JSON), when, whether it was late, and the answer.
Its outcome on a date is decided by `registre.core.notices.decide_outcome`.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registre.core.notices import ClientNotice as PlannedNotice
from registre.core.notices import Outcome, decide_outcome
from registre.core.policy.diff import PolicyDiff
from registre.web.accounts.permissions import ScopeKeys
from registre.web.clients.models import Client

OUTCOME_LABELS = {
    "not_sent": _("not sent"),
    "awaiting": _("awaiting an answer"),
    "objected": _("objected"),
    "consented": _("consented"),
    "accepted": _("accepted by silence"),
    "refused": _("no consent: refused by silence"),
}


class Campaign(models.Model):
    reference = models.CharField(max_length=20, unique=True)
    effective = models.DateField(help_text=_("The day the new policy applies."))
    old_label = models.CharField(max_length=300, help_text=_("The policy in force: a file or a git revision."))
    new_label = models.CharField(max_length=300, help_text=_("The new version: a file or a git revision."))
    diff = models.JSONField(default=dict)
    late_allowed = models.BooleanField(default=False, help_text=_("Late notices were sent, flagged as late."))
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notice campaign")

    def __str__(self) -> str:
        return self.reference

    def policy_diff(self) -> PolicyDiff:
        return PolicyDiff.from_dict(self.diff)

    def processors(self) -> list[str]:
        """The sub-processors the campaign is about, in order."""
        seen: dict[str, None] = {}
        for notice in self.notices.all():
            seen.update(dict.fromkeys(item["processor"] for item in notice.items))
        return list(seen)


class ClientNotice(models.Model):
    class Answer(models.TextChoices):
        OBJECTED = "objected", _("objected")
        CONSENTED = "consented", _("consented")

    class Terms(models.TextChoices):
        OBJECTION = "objection", _("objection window")
        CONSENT = "consent", _("prior consent")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="notices")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="change_notices")
    terms = models.CharField(max_length=10, choices=Terms.choices)
    days = models.PositiveSmallIntegerField()
    opens = models.DateField(help_text=_("The last day to send the notice in time."))
    effective = models.DateField()
    items = models.JSONField(default=list)
    language = models.CharField(max_length=2, default="fr")
    sent_at = models.DateTimeField(null=True, blank=True)
    closes = models.DateField(null=True, blank=True, help_text=_("The day the change may apply to the client."))
    late = models.BooleanField(default=False)
    # Only the SHA-256 of the last link sent is kept: that link alone opens the notice.
    link_digest = models.CharField(max_length=64, blank=True, db_index=True)
    answer = models.CharField(max_length=10, choices=Answer.choices, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.CharField(max_length=200, blank=True)
    note = models.TextField(blank=True)
    settled_at = models.DateTimeField(null=True, blank=True)
    dpo_alerted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["campaign", "client__name"]
        constraints = [models.UniqueConstraint(fields=["campaign", "client"], name="one_notice_per_client")]

    def __str__(self) -> str:
        return f"{self.campaign} to {self.client}"

    def planned(self) -> PlannedNotice:
        """What the client is told, as the core plans it."""
        return PlannedNotice.model_validate(
            {
                "client": self.client.tenant,
                "terms": self.terms,
                "days": self.days,
                "opens": self.opens,
                "effective": self.effective,
                "items": self.items,
            }
        )

    def outcome(self, today: dt.date | None = None) -> Outcome:
        return decide_outcome(
            self.terms,  # type: ignore[arg-type]
            sent_on=timezone.localdate(self.sent_at) if self.sent_at else None,
            closes=self.closes,
            answer=self.answer or None,  # type: ignore[arg-type]
            today=today or timezone.localdate(),
        )

    def outcome_label(self) -> str:
        return str(OUTCOME_LABELS[self.outcome()])

    def scope_keys(self) -> ScopeKeys:
        return ScopeKeys(client=self.client.tenant)
