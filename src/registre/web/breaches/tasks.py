"""The hourly job that e-mails the DPO as the clocks of open breaches run down.

A chain of jobs, like the retention sweep: each run queues the next one at the
top of the next hour; `registre worker` and `registre serve` call
`ensure_clocks_scheduled()` at start, which queues one only when none is waiting.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tasks import TaskContext, task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from registre.web.breaches.actions import send_reminders
from registre.web.jobs.actions import log_job


def next_hour(now: dt.datetime | None = None) -> dt.datetime:
    """The top of the hour after `now`."""
    now = now or timezone.now()
    return now.replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)


@task(takes_context=True)
def breach_clocks(context: TaskContext) -> dict[str, Any]:
    """Send the reminders due; queue the next run whatever happens."""
    try:
        sent = send_reminders()
        log_job(context, f"{sent} reminder(s) sent")
        return {"reminders": sent}
    finally:
        ensure_clocks_scheduled()


def waiting_runs() -> Any:
    return DBTaskResult.objects.filter(task_path=breach_clocks.module_path, status=TaskResultStatus.READY)


def ensure_clocks_scheduled(now: dt.datetime | None = None) -> bool:
    """Queue the next hourly run unless one is already waiting; True when one was queued."""
    with transaction.atomic():
        if list(waiting_runs().select_for_update()[:1]):
            return False
        breach_clocks.using(run_after=next_hour(now)).enqueue()
        return True
