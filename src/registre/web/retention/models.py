"""Case holds placed by staff, and the record of every retention sweep.

A hold on a subject keeps their identities encrypted, found again by their
lookup hash; the audit log only ever sees that hash.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registre.core.engine.case_holds import CaseHold as CoreCaseHold
from registre.web.vault.fields import EncryptedJSONField


class CaseHold(models.Model):
    """A hold on a data subject, a client tenant, or both, in force from its placing until it is lifted."""

    class Reason(models.TextChoices):
        LITIGATION = "litigation", _("Litigation")
        AUTHORITY = "authority", _("Authority request")
        INVESTIGATION = "investigation", _("Internal investigation")
        OTHER = "other", _("Other")
        # The person's restriction (Art. 18), recorded here for the datasets that have no flag column: its
        # reference says on which ground of Art. 18(1) and after which request.
        RESTRICTION = "restriction", _("Restriction at the person’s request")

    # [{"type": "email", "value": "..."}]: encrypted; `subject_ref` is the lookup hash of the first identity.
    identities = EncryptedJSONField(default=list, blank=True)
    subject_ref = models.CharField(max_length=64, blank=True, default="", db_index=True, editable=False)
    tenant = models.CharField(_("client tenant"), max_length=100, blank=True, default="")
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    reference = models.CharField(_("case reference"), max_length=100)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    placed_at = models.DateTimeField(default=timezone.now)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-placed_at", "-pk"]

    def __str__(self) -> str:
        return self.reference

    @property
    def active(self) -> bool:
        return self.lifted_at is None

    def engine_hold(self) -> CoreCaseHold:
        """The hold as the sweep receives it: the subject under a reference without identities."""
        return CoreCaseHold.recorded(
            self.pk,
            [(item["type"], item["value"]) for item in self.identities],
            tenant=self.tenant,
            reference=self.reference,
            restriction=self.reason == self.Reason.RESTRICTION,
        )


class SweepRun(models.Model):
    """One retention sweep (or dry run): when, on which date, what it did per dataset, and any error."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    as_of = models.DateField(_("as of"))
    dry_run = models.BooleanField(_("dry run"), default=False)
    started_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    # [{"system", "dataset", "deleted", "anonymised", ...}]: counts only, no personal data.
    counts = models.JSONField(default=list, blank=True)
    deleted = models.PositiveBigIntegerField(default=0)
    anonymised = models.PositiveBigIntegerField(default=0)
    seconds = models.FloatField(default=0.0)
    error = models.TextField(blank=True, default="")
    actor_name = models.CharField(max_length=150, default="system")

    class Meta:
        ordering = ["-started_at", "-pk"]

    @property
    def failed(self) -> bool:
        return self.status == self.Status.FAILED


class RetentionForecast(models.Model):
    """The last plan computed for the console: the volumes due now and soon, per dataset."""

    as_of = models.DateField()
    computed_at = models.DateTimeField(default=timezone.now)
    datasets = models.JSONField(default=list)
    error = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-computed_at", "-pk"]
