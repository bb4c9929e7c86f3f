"""Scans of the target databases for personal data, and the DPO's decision on each finding.

A scan keeps verdicts and counts (which column, which category, how many
sampled values matched), never a sampled value: nothing here is personal data.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ScanRun(models.Model):
    """One scan of the policy's systems: when, by whom, and its report (`ScanReport.to_dict()`)."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    started_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    rows = models.PositiveIntegerField(_("rows sampled per table"))
    report = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True, default="")
    actor_name = models.CharField(max_length=150, default="system")

    class Meta:
        ordering = ["-started_at", "-pk"]

    @property
    def findings(self) -> list[dict[str, Any]]:
        """The columns to act on: personal data the policy does not declare, or declares otherwise."""
        columns = self.report.get("columns", [])
        return [column for column in columns if column.get("undeclared") or column.get("contradicted")]


class FindingDecision(models.Model):
    """The DPO's answer to one finding of a scan: add it to the policy (accepted) or not (dismissed)."""

    class Decision(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        DISMISSED = "dismissed", _("Dismissed")

    scan = models.ForeignKey(ScanRun, on_delete=models.CASCADE, related_name="decisions")
    system = models.CharField(max_length=100)
    table = models.CharField(max_length=200)
    column = models.CharField(max_length=200)
    decision = models.CharField(max_length=10, choices=Decision.choices)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scan", "system", "table", "column"], name="one_decision_per_finding")
        ]

    @property
    def key(self) -> str:
        return f"{self.system}.{self.table}.{self.column}"
