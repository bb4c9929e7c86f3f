"""The jobs of retention: the daily sweep, and the forecast of what comes due.

The schedule is a chain of jobs, without a separate scheduler: each scheduled sweep,
when it ends (done or failed), queues the next one with `run_after` at the next
REGISTRE_SWEEP_TIME; `registre worker` and `registre serve` call `ensure_sweep_scheduled()`
at start, which queues one only when none is waiting. So there is always exactly one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskContext, task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from registre.core.retention import SweepBatch
from registre.web.audit.anchors import publish_daily_anchor
from registre.web.jobs.actions import log_job
from registre.web.jobs.leases import hold_lock
from registre.web.retention.actions import compute_forecast, run_sweep

SWEEP_LOCK = "scheduled-sweep"


def sweep_time() -> dt.time:
    """REGISTRE_SWEEP_TIME (HH:MM, local time of TIME_ZONE)."""
    return dt.time.fromisoformat(str(settings.REGISTRE_SWEEP_TIME))


def next_sweep_at(now: dt.datetime | None = None) -> dt.datetime:
    """The next moment at the sweep time, strictly after `now`."""
    now = timezone.localtime(now or timezone.now())
    moment = timezone.make_aware(dt.datetime.combine(now.date(), sweep_time()), now.tzinfo)
    return moment if moment > now else moment + dt.timedelta(days=1)


@task(takes_context=True)
def scheduled_sweep(context: TaskContext) -> dict[str, Any]:
    """The daily sweep; queues the next one whatever happens."""
    try:
        run = run_sweep("system", progress=lambda batch: log_batch(context, batch))
        log_job(context, f"deleted {run.deleted} row(s), anonymised {run.anonymised}")
        anchor = publish_daily_anchor()
        if anchor is not None:
            log_job(context, f"audit log anchored at entry {anchor.sequence}")
        return {"run": run.pk, "status": run.status}
    finally:
        ensure_sweep_scheduled()


@task(takes_context=True)
def sweep_now(context: TaskContext, dry_run: bool, user_id: int) -> dict[str, Any]:
    """A sweep asked for in the console (dry or real) by staff member `user_id`; leaves the schedule alone."""
    user = get_user_model().objects.get(pk=user_id)
    run = run_sweep(user, dry_run=dry_run, progress=lambda batch: log_batch(context, batch))
    log_job(context, f"deleted {run.deleted} row(s), anonymised {run.anonymised}")
    return {"run": run.pk, "status": run.status}


@task(takes_context=True)
def forecast(context: TaskContext) -> dict[str, Any]:
    """Compute the volumes due now and within 30, 90 and 365 days."""
    found = compute_forecast()
    log_job(context, f"{len(found.datasets)} dataset(s) planned")
    return {"forecast": found.pk}


def log_batch(context: TaskContext, batch: SweepBatch) -> None:
    log_job(
        context,
        f"{batch.system}.{batch.dataset} batch {batch.number}: {batch.deleted} deleted, {batch.anonymised} anonymised",
    )


def waiting_sweeps() -> Any:
    return DBTaskResult.objects.filter(task_path=scheduled_sweep.module_path, status=TaskResultStatus.READY)


def ensure_sweep_scheduled(now: dt.datetime | None = None) -> bool:
    """Queue the next scheduled sweep unless one is already waiting; True when one was queued.

    Workers take turns on the lock `scheduled-sweep` for the check and the enqueue,
    so that two workers starting in the same instant do not queue two (locking the
    waiting rows would not do: when there is none, nothing is locked).
    """
    if waiting_sweeps().exists():  # the usual case, without taking the lock
        return False
    with transaction.atomic():
        hold_lock(SWEEP_LOCK)
        if waiting_sweeps().exists():
            return False
        scheduled_sweep.using(run_after=next_sweep_at(now)).enqueue()
        return True
