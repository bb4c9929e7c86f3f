"""The versions of each activity's impact assessment (Art. 35): what people assessed, validated and sent.

The policy declares the processing and whether a DPIA is recorded (`dpia: {done, review, version}`); the
assessment itself (the risks rated, who validated it and when, the prior consultation of the authority) is
a record with signatures and dates, kept here, one row per version. A validated version is frozen: a review
is a new version.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registre.core.dpia import Consultation, DpiaRecord, RiskAssessment, Validation


class DpiaVersion(models.Model):
    activity = models.CharField(_("activity"), max_length=100)
    version = models.PositiveIntegerField(_("version"))
    created_on = models.DateField(_("created on"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    context = models.TextField(_("context"), blank=True)
    principles = models.TextField(_("fundamental principles"), blank=True)
    # The three risks, in the order of core.dpia.RISKS: levels and texts (empty: the method's wording).
    risks = models.JSONField(_("risks"), default=list)
    review_on = models.DateField(_("review on"), null=True, blank=True)
    validated_by = models.CharField(_("validated by"), max_length=200, blank=True)
    validator_role = models.CharField(_("validator's role"), max_length=20, blank=True)
    validated_on = models.DateField(_("validated on"), null=True, blank=True)
    opinion = models.TextField(_("opinion"), blank=True)
    consultation_sent_on = models.DateField(_("consultation sent on"), null=True, blank=True)
    consultation_reference = models.CharField(_("consultation reference"), max_length=200, blank=True)
    consultation_answer = models.TextField(_("answer of the authority"), blank=True)
    consultation_answered_on = models.DateField(_("answered on"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["activity", "-version"]
        constraints = [models.UniqueConstraint(fields=["activity", "version"], name="dpia_one_number_per_version")]
        verbose_name = _("DPIA version")

    def __str__(self) -> str:
        return f"{self.activity} v{self.version}"

    def record(self) -> DpiaRecord:
        """The version as the core's record (what the document renders)."""
        validation = None
        if self.validated_on is not None:
            validation = Validation(self.validated_by, self.validator_role, self.validated_on, self.opinion)  # type: ignore[arg-type]
        consultation = None
        if self.consultation_sent_on is not None:
            consultation = Consultation(
                self.consultation_sent_on,
                self.consultation_reference,
                self.consultation_answer,
                self.consultation_answered_on,
            )
        return DpiaRecord(
            activity=self.activity,
            version=self.version,
            created_on=self.created_on,
            context=self.context,
            principles=self.principles,
            risks=tuple(RiskAssessment(**risk) for risk in self.risks),
            validation=validation,
            review_on=self.review_on,
            consultation=consultation,
        )

    @staticmethod
    def fields_of(record: DpiaRecord) -> dict[str, Any]:
        """The assessed fields of `record`, as stored (validation and consultation are recorded by their actions)."""
        return {
            "activity": record.activity,
            "version": record.version,
            "created_on": record.created_on,
            "context": record.context,
            "principles": record.principles,
            "risks": [asdict(risk) for risk in record.risks],
            "review_on": record.review_on,
        }
