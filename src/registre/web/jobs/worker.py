"""Running jobs: the worker loop of `registre worker`, or a thread inside `registre serve`.

Both use django_tasks_db's Worker: it claims one ready row at a time with
SELECT ... FOR UPDATE SKIP LOCKED (an exclusive transaction on SQLite), so
any number of workers can share the application database. Each holds a
lease renewed by a heartbeat; the heartbeat also takes back the jobs of
workers that died mid-job (`leases.py`) and keeps the daily sweep queued.
"""

from __future__ import annotations

import signal
import threading

from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from registre.web.authorised.tasks import ensure_reminders_scheduled as ensure_training_reminders_scheduled
from registre.web.breaches.tasks import ensure_clocks_scheduled
from registre.web.inspections.tasks import ensure_reminders_scheduled as ensure_inspection_reminders_scheduled
from registre.web.jobs.leases import worker_lease
from registre.web.notices.tasks import ensure_settling_scheduled
from registre.web.requests.reminders import ensure_reminders_scheduled
from registre.web.retention.tasks import ensure_sweep_scheduled

# The daily jobs: each run queues the next; a worker queues any that is missing when it starts.
DAILY_CHORES = (
    ensure_sweep_scheduled,
    ensure_reminders_scheduled,
    ensure_clocks_scheduled,
    ensure_training_reminders_scheduled,
    ensure_settling_scheduled,
    ensure_inspection_reminders_scheduled,
)
STOP_SIGNALS = [signal.SIGINT, signal.SIGTERM] + ([signal.SIGQUIT] if hasattr(signal, "SIGQUIT") else [])


def make_worker(
    *, queues: str = "*", interval: float = 1.0, batch: bool = False, max_tasks: int | None = None
) -> Worker:
    """A worker for `queues` (comma-separated, `*` for all) polling every `interval` seconds.

    `batch`: stop when no job is ready. `max_tasks`: stop after that many jobs.
    """
    return Worker(
        queue_names=queues.split(","),
        interval=interval,
        batch=batch,
        backend_name="default",
        startup_delay=False,
        max_tasks=max_tasks,
        worker_id=get_random_string(32),
        excluded_queue_names=[],
    )


def run_worker(*, queues: str = "*", interval: float = 1.0, batch: bool = False, max_tasks: int | None = None) -> None:
    """Run jobs in this process until stopped (SIGINT or SIGTERM: the running job finishes first)."""
    # A long-running worker keeps the daily jobs queued (each run queues the next; the heartbeat
    # queues one again if a job's worker died before it could).
    chores = () if batch else DAILY_CHORES
    for chore in chores:
        chore()
    worker = make_worker(queues=queues, interval=interval, batch=batch, max_tasks=max_tasks)
    previous = {number: signal.getsignal(number) for number in STOP_SIGNALS}
    worker.configure_signals()
    try:
        with worker_lease(worker.worker_id, chores):
            worker.run()
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


class WorkerThread(threading.Thread):
    """The worker as a daemon thread of the web server: one process runs everything."""

    def __init__(self, interval: float = 1.0) -> None:
        super().__init__(name="registre-worker", daemon=True)
        self.worker = make_worker(interval=interval)

    def run(self) -> None:
        for chore in DAILY_CHORES:
            chore()
        with worker_lease(self.worker.worker_id, DAILY_CHORES):
            self.worker.run()

    def stop(self, timeout: float = 30.0) -> None:
        """Ask the worker to stop after its current job, and wait for it (at most `timeout` seconds)."""
        self.worker.running = False
        self.join(timeout)
