"""Published versions of the policy, and the announcements of the changes the data subjects must hear of first.

A `PolicyVersion` keeps the whole policy as it was published (its systems'
URLs without their passwords), so that its notice, register and sub-processor
annex can be rendered again for any past date. An `Announcement` runs from the
publication of a version until it takes effect: a banner on the portal, and an
e-mail to the list the company gives.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registre.core.i18n import Lang
from registre.core.policy import Policy
from registre.core.policy.diff import Change, Obligation
from registre.core.policy.versions import describe_for_people


class PolicyVersion(models.Model):
    effective = models.DateField(_("effective on"), db_index=True)
    revision = models.CharField(_("git revision"), max_length=64, blank=True)
    source = models.CharField(_("file"), max_length=500, blank=True)
    policy = models.JSONField(default=dict)
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("policy version")

    def __str__(self) -> str:
        return f"version {self.pk} ({self.effective.isoformat()})"

    def as_policy(self) -> Policy:
        return Policy.model_validate(self.policy)


class Announcement(models.Model):
    version = models.OneToOneField(PolicyVersion, on_delete=models.CASCADE, related_name="announcement")
    obligations = models.JSONField(default=list)
    changes = models.JSONField(default=list, help_text=_("The changes of the version that the obligations cite."))
    late = models.BooleanField(default=False, help_text=_("Published after the last day to announce it."))
    recipients = models.PositiveIntegerField(default=0)
    emailed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"announcement of {self.version}"

    def lines(self, lang: str) -> list[str]:
        """Each change the data subjects must hear of, in `lang`."""
        changes = [Change.model_validate(item) for item in self.changes]
        policy = self.version.as_policy()
        code: Lang = "en" if lang == "en" else "fr"
        return [
            describe_for_people(Obligation.model_validate(item), changes, policy, code) for item in self.obligations
        ]
