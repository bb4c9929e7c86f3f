"""The jobs of offboarding: export a client's data, delete it when due, delete expired export files.

The deletion job is enqueued with django-tasks' `run_after` at the start of the due day (local time): the
worker does not pick it up before. It checks the date again, so a job run early by hand changes nothing.
A deletion stopped (by a case hold on the tenant, or a failing system) is enqueued again for the next day.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django_tasks import TaskContext, task

from registre.web.clients import offboarding as steps
from registre.web.clients.models import Offboarding
from registre.web.jobs.actions import log_job


@task(takes_context=True)
def export_client(context: TaskContext, offboarding_id: int) -> dict[str, Any]:
    offboarding = Offboarding.objects.select_related("client").get(pk=offboarding_id)
    steps.export_client_data(offboarding)
    log_job(context, f"{offboarding.export_rows} row(s) exported for {offboarding.client.tenant}")
    delete_expired_exports.using(run_after=offboarding.export_expires_at).enqueue()
    return {"rows": offboarding.export_rows}


@task(takes_context=True)
def delete_client(context: TaskContext, offboarding_id: int) -> dict[str, Any]:
    return perform_deletion(offboarding_id, progress=lambda message: log_job(context, str(message)))


@task(takes_context=True)
def delete_expired_exports(context: TaskContext) -> dict[str, int]:
    deleted = steps.delete_expired_client_exports()
    log_job(context, f"{deleted} expired client export(s) deleted")
    return {"deleted": deleted}


def perform_deletion(offboarding_id: int, *, force: bool = False, progress: Any = None) -> dict[str, Any]:
    """Delete the client's data if due (or `force`) and not done yet; stopped, try again tomorrow."""
    offboarding = Offboarding.objects.select_related("client").get(pk=offboarding_id)
    if offboarding.deleted_at is not None:
        return {"skipped": "already deleted"}
    if not force and timezone.localdate() < offboarding.deletion_due:
        return {"skipped": f"due on {offboarding.deletion_due.isoformat()}"}
    deletion = steps.delete_client_data(offboarding, progress=progress)
    if not deletion.complete:
        tomorrow = start_of(timezone.localdate() + dt.timedelta(days=1))
        delete_client.using(run_after=tomorrow).enqueue(offboarding.pk)
    return {"deleted": deletion.deleted, "kept": deletion.kept, "complete": deletion.complete}


def start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
