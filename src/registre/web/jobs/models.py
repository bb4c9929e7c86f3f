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


class WorkerLease(models.Model):
    """A running worker, known by its heartbeat: the jobs it claimed are in hand while the heartbeat is fresh.

    A worker killed outright (kill -9, a lost machine) stops beating; once its lease is older than
    REGISTRE_WORKER_LEASE seconds, another worker takes its running jobs back (see `leases.py`).
    """

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    heartbeat_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.hostname}:{self.pid}"


class JobLock(models.Model):
    """A named row that workers update to take turns at one decision (queuing the daily sweep once)."""

    name = models.CharField(max_length=64, primary_key=True)
    taken_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return self.name
