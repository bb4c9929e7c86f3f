"""Workers that share one queue: leases kept by a heartbeat, the jobs of a dead worker taken back, named locks.

django_tasks_db's worker claims a ready job with SELECT ... FOR UPDATE SKIP
LOCKED and marks it RUNNING, so two workers never take the same job. What it
does not handle is a worker that dies mid-job (kill -9, out of memory, a
lost machine): its job would stay RUNNING for ever. So:

1. Each worker holds a lease (`WorkerLease`) that a background thread renews
   every quarter of REGISTRE_WORKER_LEASE seconds.
2. The same thread looks for RUNNING jobs whose worker's lease is older than
   REGISTRE_WORKER_LEASE (or gone): each is queued again, or marked failed with
   the error `WorkerLost` after MAX_ATTEMPTS claims. The jobs are locked
   (SKIP LOCKED) while decided, so two workers never recover the same job.
3. A job's effects are committed by the job itself: a job killed mid-way has
   its open transaction rolled back by the database, and Registre's jobs are
   safe to run again (an erasure finds what is left, a sweep resumes).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import close_old_connections, connections, transaction
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from registre.web.jobs.models import JobLock, JobLogLine, WorkerLease

logger = logging.getLogger(__name__)

# Claims of one job, the last one included, before it is failed rather than queued again: a job that kills
# its worker every time (out of memory...) must not take the workers down one after the other.
MAX_ATTEMPTS = 3


class WorkerLost(Exception):
    """The worker running the job stopped before the job ended (killed, or its machine lost)."""


def lease_duration() -> dt.timedelta:
    """How long a silent worker is still trusted with its jobs (REGISTRE_WORKER_LEASE seconds)."""
    return dt.timedelta(seconds=float(settings.REGISTRE_WORKER_LEASE))


def take_lease(worker_id: str) -> WorkerLease:
    """Record the worker `worker_id` as alive, now."""
    lease, _ = WorkerLease.objects.update_or_create(
        worker_id=worker_id,
        defaults={"hostname": socket.gethostname()[:255], "pid": os.getpid(), "heartbeat_at": timezone.now()},
    )
    return lease


def renew_lease(worker_id: str) -> None:
    """The heartbeat: the lease is fresh again (taken anew if another worker had given it up as stale)."""
    if not WorkerLease.objects.filter(worker_id=worker_id).update(heartbeat_at=timezone.now()):
        take_lease(worker_id)


def release_lease(worker_id: str) -> None:
    """The worker stops: it holds no job any more."""
    WorkerLease.objects.filter(worker_id=worker_id).delete()


def recover_abandoned_jobs(now: dt.datetime | None = None) -> dict[str, list[str]]:
    """Take back the RUNNING jobs whose worker's lease has expired; their ids by outcome (`retried`, `failed`).

    A job claimed less than a lease ago is left alone whatever its worker's lease
    says (a worker takes its lease before claiming anything). Expired leases are deleted.
    """
    now = now or timezone.now()
    cutoff = now - lease_duration()
    outcome: dict[str, list[str]] = {"retried": [], "failed": []}
    with transaction.atomic():
        alive = set(WorkerLease.objects.filter(heartbeat_at__gte=cutoff).values_list("worker_id", flat=True))
        running = DBTaskResult.objects.select_for_update(skip_locked=True).filter(
            status=TaskResultStatus.RUNNING, started_at__lt=cutoff
        )
        for job in running:
            if job.worker_ids and job.worker_ids[-1] in alive:
                continue
            if len(job.worker_ids) < MAX_ATTEMPTS:
                _queue_again(job)
                outcome["retried"].append(str(job.pk))
            else:
                _fail_lost(job, now)
                outcome["failed"].append(str(job.pk))
        WorkerLease.objects.filter(heartbeat_at__lt=cutoff).delete()
    return outcome


def _queue_again(job: DBTaskResult) -> None:
    attempts = len(job.worker_ids)
    job.status = TaskResultStatus.READY
    job.started_at = None
    job.save(update_fields=["status", "started_at"])
    JobLogLine.objects.create(
        job=job, message=f"the worker running this job stopped; queued again (attempt {attempts + 1} of {MAX_ATTEMPTS})"
    )


def _fail_lost(job: DBTaskResult, now: dt.datetime) -> None:
    message = f"the worker running this job stopped, {len(job.worker_ids)} time(s); not tried again"
    job.status = TaskResultStatus.FAILED
    job.finished_at = now
    job.return_value = None
    job.exception_class_path = f"{WorkerLost.__module__}.{WorkerLost.__qualname__}"
    job.traceback = f"{WorkerLost.__qualname__}: {message}\n"
    job.save(update_fields=["status", "finished_at", "return_value", "exception_class_path", "traceback"])
    JobLogLine.objects.create(job=job, message=message)


def hold_lock(name: str) -> None:
    """Inside a transaction, wait for and hold the lock `name` until the transaction ends.

    The lock is a row updated at once: PostgreSQL and MariaDB lock it until the
    commit, SQLite takes its write lock; the same code serialises on all three.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("hold_lock() needs a transaction (transaction.atomic())")
    if not JobLock.objects.filter(name=name).update(taken_at=timezone.now()):
        JobLock.objects.get_or_create(name=name)  # the first time: a concurrent creation is caught by get_or_create
        JobLock.objects.filter(name=name).update(taken_at=timezone.now())


class Heartbeat(threading.Thread):
    """Renews a worker's lease, then takes back the jobs of dead workers and runs `chores`, until stopped."""

    def __init__(self, worker_id: str, chores: tuple[Callable[[], object], ...] = ()) -> None:
        super().__init__(name="registre-heartbeat", daemon=True)
        self.worker_id = worker_id
        self.chores = chores
        self.stopping = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopping.wait(lease_duration().total_seconds() / 4):
                self.beat()
        finally:
            connections.close_all()  # this thread's own connections

    def beat(self) -> None:
        # A database that is briefly unreachable must not stop the heartbeat for good: the other
        # workers would then take this worker's running job and run it a second time.
        try:
            close_old_connections()
            renew_lease(self.worker_id)
            recover_abandoned_jobs()
            for chore in self.chores:
                chore()
        except Exception as error:
            logger.warning("worker heartbeat failed (%s); trying again", type(error).__name__)

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=30)


@contextmanager
def worker_lease(worker_id: str, chores: tuple[Callable[[], object], ...] = ()) -> Iterator[Heartbeat]:
    """Hold a lease for `worker_id` with a heartbeat while the block runs; release it at the end.

    The jobs of dead workers are taken back at once, then at every heartbeat.
    """
    take_lease(worker_id)
    recover_abandoned_jobs()
    heartbeat = Heartbeat(worker_id, chores)
    heartbeat.start()
    try:
        yield heartbeat
    finally:
        heartbeat.stop()
        release_lease(worker_id)
