"""The log of a job. The job itself is django_tasks_db's DBTaskResult row."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import pgettext_lazy
from django_tasks_db.models import DBTaskResult

# The statuses of django_tasks, labelled again here so that Registre's French catalog carries them.
STATUS_LABELS = {
    "READY": pgettext_lazy("Task", "Ready"),
    "RUNNING": pgettext_lazy("Task", "Running"),
    "FAILED": pgettext_lazy("Task", "Failed"),
    "SUCCESSFUL": pgettext_lazy("Task", "Successful"),
}


class JobLogLine(models.Model):
    job = models.ForeignKey(DBTaskResult, on_delete=models.CASCADE, related_name="log_lines")
    created_at = models.DateTimeField(default=timezone.now)
    message = models.TextField()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.message
