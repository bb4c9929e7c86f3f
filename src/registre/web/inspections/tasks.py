"""The daily job that reminds the DPO of the audits coming (a chain of jobs, as the training reminders)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django_tasks import TaskContext, task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from registre.web.authorised.tasks import next_morning
from registre.web.inspections.actions import send_inspection_reminders
from registre.web.jobs.actions import log_job


@task(takes_context=True)
def inspection_reminders(context: TaskContext) -> dict[str, Any]:
    try:
        count = send_inspection_reminders()
        log_job(context, f"{count} audit(s) reminded")
        return {"audits": count}
    finally:
        ensure_reminders_scheduled()


def waiting_runs() -> Any:
    return DBTaskResult.objects.filter(task_path=inspection_reminders.module_path, status=TaskResultStatus.READY)


def ensure_reminders_scheduled() -> bool:
    """Queue the next daily run unless one is already waiting; True when one was queued."""
    with transaction.atomic():
        if list(waiting_runs().select_for_update()[:1]):
            return False
        inspection_reminders.using(run_after=next_morning()).enqueue()
        return True
