"""The daily job that reminds the DPO of the trainings coming due (a chain of jobs, as the breach clocks)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tasks import TaskContext, task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from registre.web.authorised.actions import send_training_reminders
from registre.web.jobs.actions import log_job

REMINDER_TIME = dt.time(8, 0)


def next_morning(now: dt.datetime | None = None) -> dt.datetime:
    """The next 08:00, local time, strictly after `now`."""
    now = timezone.localtime(now or timezone.now())
    moment = timezone.make_aware(dt.datetime.combine(now.date(), REMINDER_TIME), now.tzinfo)
    return moment if moment > now else moment + dt.timedelta(days=1)


@task(takes_context=True)
def training_reminders(context: TaskContext) -> dict[str, Any]:
    try:
        count = send_training_reminders()
        log_job(context, f"{count} person(s) due for training")
        return {"people": count}
    finally:
        ensure_reminders_scheduled()


def waiting_runs() -> Any:
    return DBTaskResult.objects.filter(task_path=training_reminders.module_path, status=TaskResultStatus.READY)


def ensure_reminders_scheduled(now: dt.datetime | None = None) -> bool:
    """Queue the next daily run unless one is already waiting; True when one was queued."""
    with transaction.atomic():
        if list(waiting_runs().select_for_update()[:1]):
            return False
        training_reminders.using(run_after=next_morning(now)).enqueue()
        return True
