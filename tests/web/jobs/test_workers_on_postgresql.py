"""Several `registre worker` processes on one PostgreSQL database: each job runs once, even when a worker is killed.

The workers are real processes (`registre worker`) on the test database of the
"postgresql" alias; their jobs (`workers/probe_tasks.py`) write to two probe
tables, so that the rows tell which job ran, how often, and in which process.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.db import connections
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from registre.web.jobs.models import JobLogLine
from registre.web.retention.tasks import scheduled_sweep

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(databases=["default", "postgresql"], transaction=True)]

PROBES = Path(__file__).parent / "workers"
PROBE_TASK = "probe_tasks.record_run"
JOBS = 8
JOB_SECONDS = 1.5
LEASE_SECONDS = 2


def query(sql: str, *parameters: object) -> list[tuple[object, ...]]:
    with connections["postgresql"].cursor() as cursor:
        cursor.execute(sql, parameters)
        return list(cursor.fetchall()) if cursor.description else []


@pytest.fixture
def probe_tables() -> Iterator[None]:
    query("CREATE TABLE probe_starts (number integer NOT NULL, pid integer NOT NULL)")
    query("CREATE TABLE probe_runs (number integer NOT NULL, pid integer NOT NULL)")
    yield
    query("DROP TABLE probe_starts")
    query("DROP TABLE probe_runs")


@pytest.fixture
def start_worker(tmp_path: Path) -> Iterator[Callable[[], subprocess.Popen[bytes]]]:
    """Start `registre worker` processes on the test database; those still running are stopped at the end."""
    settings = connections["postgresql"].settings_dict
    server = f"{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"
    url = f"postgresql://{settings['USER']}@{server}/{settings['NAME']}"
    environment = {
        **{key: value for key, value in os.environ.items() if not key.startswith(("REGISTRE_", "DJANGO_"))},
        "REGISTRE_DATABASE_URL": url,
        "REGISTRE_DATA_DIR": str(tmp_path / "data"),
        "REGISTRE_POLICY": str(Path(__file__).resolve().parents[3] / "examples" / "cloud-host" / "registre.yaml"),
        "REGISTRE_SECRET_KEY": "test-secret-key-for-workers",
        "REGISTRE_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "REGISTRE_LOOKUP_KEY": "test-lookup-key",
        "REGISTRE_PSEUDONYM_KEY": "test-pseudonym-key",
        "REGISTRE_WORKER_LEASE": str(LEASE_SECONDS),
        "PYTHONPATH": os.pathsep.join([str(PROBES), *filter(None, [os.environ.get("PYTHONPATH")])]),
    }
    started: list[subprocess.Popen[bytes]] = []

    def start() -> subprocess.Popen[bytes]:
        command = [sys.executable, "-c", "from registre.cli.main import app; app()", "worker", "--interval", "0.2"]
        process = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        started.append(process)
        return process

    start.environment = environment  # type: ignore[attr-defined]
    yield start
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def enqueue_probes(count: int) -> list[str]:
    jobs = [
        DBTaskResult.objects.using("postgresql").create(
            args_kwargs={"args": [], "kwargs": {"number": number, "seconds": JOB_SECONDS}},
            task_path=PROBE_TASK,
            queue_name="default",
            backend_name="default",
            run_after=get_date_max(),
        )
        for number in range(count)
    ]
    return [str(job.pk) for job in jobs]


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def probe_jobs() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.using("postgresql").filter(task_path=PROBE_TASK))


def test_two_workers_run_every_job_exactly_once_when_one_is_killed_mid_job(probe_tables, start_worker):
    enqueue_probes(JOBS)
    victim, survivor = start_worker(), start_worker()

    # Kill -9 the first worker while it is inside a job (started, not committed).
    wait_for(lambda: bool(query("SELECT 1 FROM probe_starts WHERE pid = %s", victim.pid)), 60, "the victim's first job")
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait()
    (killed,) = query("SELECT number FROM probe_starts WHERE pid = %s", victim.pid)[-1:]
    finished = (TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED)
    wait_for(lambda: all(job.status in finished for job in probe_jobs()), 120, "every job to end")

    runs = query("SELECT number, count(*) FROM probe_runs GROUP BY number ORDER BY number")
    assert runs == [(number, 1) for number in range(JOBS)], "each job committed its work exactly once"
    assert {job.status for job in probe_jobs()} == {TaskResultStatus.SUCCESSFUL}
    assert query("SELECT count(*) FROM probe_runs WHERE pid = %s", victim.pid) == [(0,)], "the killed job rolled back"
    assert query("SELECT count(*) FROM probe_starts WHERE number = %s", killed[0]) == [(2,)]
    (retried,) = [job for job in probe_jobs() if job.args_kwargs["kwargs"]["number"] == killed[0]]
    assert len(retried.worker_ids) == 2 and retried.worker_ids[0] != retried.worker_ids[1]
    log = JobLogLine.objects.using("postgresql").filter(job=retried).values_list("message", flat=True)
    assert list(log) == ["the worker running this job stopped; queued again (attempt 2 of 3)"]
    waiting = DBTaskResult.objects.using("postgresql").filter(
        task_path=scheduled_sweep.module_path, status=TaskResultStatus.READY
    )
    assert waiting.count() == 1, "two workers starting together queue one daily sweep"
    assert survivor.poll() is None


# Sets Django up and connects, says it is ready, waits for the go, then checks the schedule; prints whether
# it queued a sweep.
CHECK_SCHEDULE = """
import sys, time
from pathlib import Path
from registre.cli import web
web.setup_django()
from django.db import connection
from registre.web.retention.tasks import ensure_sweep_scheduled
connection.ensure_connection()
folder = Path(sys.argv[1])
(folder / sys.argv[2]).touch()
while not (folder / "go").exists():
    time.sleep(0.001)
print(ensure_sweep_scheduled())
"""


def test_processes_checking_the_schedule_in_the_same_instant_queue_one_sweep(start_worker, tmp_path):
    environment = start_worker.environment  # type: ignore[attr-defined]
    sweeps = DBTaskResult.objects.using("postgresql").filter(task_path=scheduled_sweep.module_path)
    for round_ in range(2):
        sweeps.delete()
        folder = tmp_path / f"round-{round_}"
        folder.mkdir()
        checks = [
            subprocess.Popen(
                [sys.executable, "-c", CHECK_SCHEDULE, str(folder), f"ready-{n}"],
                env=environment,
                stdout=subprocess.PIPE,
                text=True,
            )
            for n in range(4)
        ]
        wait_for(lambda: len(list(folder.glob("ready-*"))) == 4, 120, "the four processes")  # noqa: B023
        (folder / "go").touch()
        answers = [check.communicate(timeout=120)[0].strip() for check in checks]
        assert sorted(answers) == ["False", "False", "False", "True"]
        assert sweeps.count() == 1
