"""The consent and opt-out ledger: one row per event, never changed, never deleted.

A person is found by `subject_ref` (the lookup hash of their email, as rights
requests name them); their address is kept encrypted, for the proof of consent
and the mailer's suppression list. The IP address is kept only as a keyed hash.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from registre.web.vault.fields import EncryptedTextField


class AppendOnlyError(Exception):
    """An attempt to change or delete a recorded consent event: record a new event instead."""


class ConsentEventQuerySet(models.QuerySet["ConsentEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("consent events cannot be changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("consent events cannot be deleted")


class ConsentEvent(models.Model):
    """A consent given or withdrawn (or an objection, or its withdrawal) by one person for one purpose."""

    class State(models.TextChoices):
        GIVEN = "given", pgettext_lazy("consent", "Given")
        WITHDRAWN = "withdrawn", pgettext_lazy("consent", "Withdrawn")

    class Method(models.TextChoices):
        FORM = "form", _("Web form")
        EMAIL_LINK = "email_link", _("Link in an email")
        ONE_CLICK = "one_click", _("One-click unsubscribe")
        API = "api", _("API")
        CONSOLE = "console", _("Console")
        GPC = "gpc", _("Global Privacy Control")
        IMPORT = "import", _("Import")

    class Basis(models.TextChoices):
        CONSENT = "consent", _("Consent")
        OPT_OUT = "opt_out", _("Opt-out")

    subject_ref = models.CharField(max_length=64, editable=False)
    email = EncryptedTextField(_("email"))
    purpose = models.CharField(_("purpose"), max_length=100)
    basis = models.CharField(_("basis"), max_length=10, choices=Basis.choices)
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    method = models.CharField(_("how"), max_length=12, choices=Method.choices)
    at = models.DateTimeField(_("when"), default=timezone.now)
    lang = models.CharField(_("language"), max_length=2, default="fr")
    # The exact text the person was shown, as the policy declared it then: the proof survives a new version.
    wording_version = models.CharField(_("wording"), max_length=40, blank=True, default="")
    wording_text = models.TextField(blank=True, default="")
    # {"ip_hash", "user_agent", "http_method", "path", "gpc", "token"}: what the request showed, no address.
    evidence = models.JSONField(default=dict, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by_name = models.CharField(_("recorded by"), max_length=150)
    # What the opt-out did on the target databases: counts per dataset, or the error of a system.
    execution = models.JSONField(null=True, blank=True)

    objects = ConsentEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("consent event")
        verbose_name_plural = _("consent events")
        indexes = [
            # The state of one person: their last event per purpose, read from this index alone.
            models.Index(fields=["subject_ref", "purpose", "id"], name="consent_person_purpose"),
            # The suppression list: withdrawals since a date.
            models.Index(fields=["state", "at"], name="consent_state_at"),
        ]

    def __str__(self) -> str:
        return f"{self.purpose}: {self.state} ({self.at:%Y-%m-%d})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("consent events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("consent events cannot be deleted")


class UnsubscribeUse(models.Model):
    """An unsubscribe link that was used: the digest of its token, so that a replay is refused."""

    digest = models.CharField(max_length=64, unique=True)
    used_at = models.DateTimeField(default=timezone.now)
    event = models.ForeignKey(ConsentEvent, null=True, on_delete=models.PROTECT, related_name="+")
