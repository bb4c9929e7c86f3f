"""Leases of the workers: the jobs of a worker that stopped beating are queued again, or failed; named locks."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from registre.web.jobs.leases import (
    MAX_ATTEMPTS,
    hold_lock,
    lease_duration,
    recover_abandoned_jobs,
    release_lease,
    renew_lease,
    take_lease,
    worker_lease,
)
from registre.web.jobs.models import JobLock, WorkerLease
from registre.web.jobs.tasks import verify_audit_chain
from registre.web.jobs.worker import run_worker

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_test_transaction")]


def running_job(*worker_ids: str, started: dt.datetime | None = None) -> DBTaskResult:
    """A job claimed by each of `worker_ids` in turn, the last one still running it since `started`."""
    job = DBTaskResult.objects.get(pk=verify_audit_chain.enqueue().id)
    for worker_id in worker_ids:
        job.claim(worker_id)
    if started is not None:
        DBTaskResult.objects.filter(pk=job.pk).update(started_at=started)
    return DBTaskResult.objects.get(pk=job.pk)


def later() -> dt.datetime:
    """A moment when every lease taken now has expired."""
    return timezone.now() + 2 * lease_duration()


def test_the_job_of_a_worker_that_stopped_beating_is_queued_again_with_a_log_line():
    take_lease("w1")
    job = running_job("w1")
    outcome = recover_abandoned_jobs(now=later())
    job.refresh_from_db()
    assert outcome == {"retried": [str(job.pk)], "failed": []}
    assert job.status == TaskResultStatus.READY
    assert job.started_at is None
    assert job.worker_ids == ["w1"]
    assert [line.message for line in job.log_lines.all()] == [
        f"the worker running this job stopped; queued again (attempt 2 of {MAX_ATTEMPTS})"
    ]


def test_a_job_whose_worker_has_no_lease_at_all_is_taken_back():
    job = running_job("gone", started=timezone.now() - 2 * lease_duration())
    assert recover_abandoned_jobs()["retried"] == [str(job.pk)]


def test_a_job_whose_workers_all_died_is_failed_with_its_error_after_the_last_attempt():
    job = running_job(*[f"w{n}" for n in range(MAX_ATTEMPTS)])
    outcome = recover_abandoned_jobs(now=later())
    job.refresh_from_db()
    assert outcome == {"retried": [], "failed": [str(job.pk)]}
    assert job.status == TaskResultStatus.FAILED
    assert job.finished_at is not None
    assert job.exception_class_path == "registre.web.jobs.leases.WorkerLost"
    assert f"stopped, {MAX_ATTEMPTS} time(s)" in job.traceback
    assert job.task_result.errors[0].exception_class_path.endswith("WorkerLost")


def test_the_job_of_a_live_worker_is_left_running():
    job = running_job("alive", started=timezone.now() - 2 * lease_duration())
    take_lease("alive")
    assert recover_abandoned_jobs() == {"retried": [], "failed": []}
    job.refresh_from_db()
    assert job.status == TaskResultStatus.RUNNING


def test_a_job_claimed_less_than_a_lease_ago_is_left_running_even_without_a_lease():
    job = running_job("starting")
    assert recover_abandoned_jobs() == {"retried": [], "failed": []}
    job.refresh_from_db()
    assert job.status == TaskResultStatus.RUNNING


def test_finished_and_waiting_jobs_are_never_touched():
    waiting = DBTaskResult.objects.get(pk=verify_audit_chain.enqueue().id)
    run_worker(batch=True, interval=0)
    again = DBTaskResult.objects.get(pk=verify_audit_chain.enqueue().id)
    assert recover_abandoned_jobs(now=later()) == {"retried": [], "failed": []}
    waiting.refresh_from_db()
    again.refresh_from_db()
    assert (waiting.status, again.status) == (TaskResultStatus.SUCCESSFUL, TaskResultStatus.READY)


def test_expired_leases_are_deleted_and_fresh_ones_kept():
    take_lease("old")
    WorkerLease.objects.filter(worker_id="old").update(heartbeat_at=timezone.now() - 2 * lease_duration())
    take_lease("fresh")
    recover_abandoned_jobs()
    assert list(WorkerLease.objects.values_list("worker_id", flat=True)) == ["fresh"]


def test_a_heartbeat_renews_the_lease_and_takes_it_again_when_it_was_given_up():
    take_lease("w1")
    WorkerLease.objects.filter(worker_id="w1").update(heartbeat_at=timezone.now() - lease_duration())
    renew_lease("w1")
    assert WorkerLease.objects.get(worker_id="w1").heartbeat_at > timezone.now() - dt.timedelta(seconds=5)
    release_lease("w1")
    renew_lease("w1")
    assert WorkerLease.objects.filter(worker_id="w1").exists()


def test_a_worker_holds_a_lease_while_it_runs_and_gives_it_back_when_it_stops():
    with worker_lease("w1") as heartbeat:
        lease = WorkerLease.objects.get(worker_id="w1")
        assert heartbeat.is_alive()
        assert lease.pid > 0 and lease.hostname
    assert not heartbeat.is_alive()
    assert not WorkerLease.objects.exists()


def test_a_worker_takes_back_the_jobs_of_dead_workers_when_it_starts():
    job = running_job("dead", started=timezone.now() - 2 * lease_duration())
    run_worker(batch=True, interval=0)
    job.refresh_from_db()
    assert job.status == TaskResultStatus.SUCCESSFUL
    assert len(job.worker_ids) == 2
    assert not WorkerLease.objects.exists()


def test_a_lock_is_created_on_first_use_and_taken_again_later():
    with transaction.atomic():
        hold_lock("scheduled-sweep")
    first = JobLock.objects.get(name="scheduled-sweep").taken_at
    with transaction.atomic():
        hold_lock("scheduled-sweep")
    assert JobLock.objects.get(name="scheduled-sweep").taken_at >= first
    assert JobLock.objects.count() == 1


def test_a_lock_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError, match="needs a transaction"):
        hold_lock_outside_transaction()


def hold_lock_outside_transaction() -> None:
    connection = transaction.get_connection()
    depth = connection.in_atomic_block
    connection.in_atomic_block = False
    try:
        hold_lock("x")
    finally:
        connection.in_atomic_block = depth
