"""The daily job that records what silence means once a notice's window has passed (a chain, as the breach clocks).

It runs just after midnight, local time: a window that closes on a day is over
from its first minute (`core/notices/outcome.py`). `registre worker` queues it
at start when none is waiting; `registre notices settle` does the same by hand.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tasks import TaskContext, task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from registre.web.jobs.actions import log_job
from registre.web.notices.actions import settle_notices

SETTLE_TIME = dt.time(0, 5)


def next_run(now: dt.datetime | None = None) -> dt.datetime:
    """The next 00:05, local time, strictly after `now`."""
    now = timezone.localtime(now or timezone.now())
    moment = timezone.make_aware(dt.datetime.combine(now.date(), SETTLE_TIME), now.tzinfo)
    return moment if moment > now else moment + dt.timedelta(days=1)


@task(takes_context=True)
def settle_windows(context: TaskContext) -> dict[str, Any]:
    """Record the silences of the windows that have passed; queue the next run whatever happens."""
    try:
        count = settle_notices()
        log_job(context, f"{count} notice(s) settled")
        return {"settled": count}
    finally:
        ensure_settling_scheduled()


def waiting_runs() -> Any:
    return DBTaskResult.objects.filter(task_path=settle_windows.module_path, status=TaskResultStatus.READY)


def ensure_settling_scheduled(now: dt.datetime | None = None) -> bool:
    """Queue the next daily run unless one is already waiting; True when one was queued."""
    with transaction.atomic():
        if list(waiting_runs().select_for_update()[:1]):
            return False
        settle_windows.using(run_after=next_run(now)).enqueue()
        return True
