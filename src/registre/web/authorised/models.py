"""The register of authorised staff: people (with a console account or not) designated to process personal data."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registre.core.designation import Designation, training_due, training_status


class AuthorisedPerson(models.Model):
    full_name = models.CharField(_("full name"), max_length=200)
    job_title = models.CharField(_("role"), max_length=200)
    # The console account of this person, if they have one: it is deactivated when the mission ends.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="authorisation"
    )
    activities = models.JSONField(_("activities"), default=list, blank=True)
    systems = models.JSONField(_("systems"), default=list, blank=True)
    designated_on = models.DateField(_("designated on"))
    designation_signed_on = models.DateField(_("designation signed on"), null=True, blank=True)
    confidentiality_signed_on = models.DateField(_("confidentiality undertaking signed on"), null=True, blank=True)
    last_trained_on = models.DateField(_("last trained on"), null=True, blank=True)
    reminded_for = models.DateField(null=True, blank=True)  # the due date last reminded of
    mission_ended_on = models.DateField(_("mission ended on"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["full_name", "pk"]
        verbose_name = _("authorised person")
        verbose_name_plural = _("authorised staff")

    def __str__(self) -> str:
        return self.full_name

    @property
    def training_due(self) -> dt.date:
        return training_due(designated_on=self.designated_on, last_trained_on=self.last_trained_on)

    def training_status(self, today: dt.date | None = None) -> str:
        ended = self.mission_ended_on is not None
        return training_status(self.training_due, today=today or timezone.localdate(), ended=ended)

    def designation(self) -> Designation:
        return Designation(
            full_name=self.full_name,
            job_title=self.job_title,
            activities=tuple(self.activities),
            systems=tuple(self.systems),
            designated_on=self.designated_on,
            confidentiality_signed_on=self.confidentiality_signed_on,
            last_trained_on=self.last_trained_on,
        )
