"""Jobs: enqueued as rows, run by the worker, with their log and error."""

from __future__ import annotations

import pytest
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from registre.web.audit.actions import record
from registre.web.jobs.tasks import verify_audit_chain
from registre.web.jobs.worker import make_worker, run_worker

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_test_transaction")]


def test_an_enqueued_job_is_a_row_waiting_for_a_worker():
    result = verify_audit_chain.enqueue()
    job = DBTaskResult.objects.get(pk=result.id)
    assert job.status == TaskResultStatus.READY
    assert job.task_path == "registre.web.jobs.tasks.verify_audit_chain"


def test_the_worker_runs_a_job_to_completion_with_its_log():
    record("system", "request.created")
    result = verify_audit_chain.enqueue()
    run_worker(batch=True, interval=0)
    job = DBTaskResult.objects.get(pk=result.id)
    assert job.status == TaskResultStatus.SUCCESSFUL
    assert job.started_at and job.finished_at
    assert job.return_value == {"problems": 0}
    assert [line.message for line in job.log_lines.all()] == ["the audit log is intact"]


def test_a_failing_job_keeps_its_error_and_its_log(tamper):
    record("system", "request.created")
    record("system", "request.executed")
    tamper("UPDATE audit_auditentry SET action = 'x.y' WHERE sequence = 1")
    result = verify_audit_chain.enqueue()
    run_worker(batch=True, interval=0)
    job = DBTaskResult.objects.get(pk=result.id)
    assert job.status == TaskResultStatus.FAILED
    assert job.exception_class_path == "registre.web.jobs.tasks.AuditChainBroken"
    assert "1 problem(s)" in job.traceback
    assert [line.message for line in job.log_lines.all()] == ["entry 1 was modified"]


def test_the_worker_stops_after_max_tasks():
    for _ in range(3):
        verify_audit_chain.enqueue()
    make_worker(interval=0, max_tasks=2).run()
    assert DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL).count() == 2
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 1


def test_the_worker_gives_the_signal_handlers_back():
    import signal

    before = signal.getsignal(signal.SIGINT)
    run_worker(batch=True, interval=0)
    assert signal.getsignal(signal.SIGINT) is before


def test_log_lines_are_redacted():
    from django_tasks import TaskContext

    from registre.web.jobs.actions import log_job

    result = verify_audit_chain.enqueue()
    line = log_job(TaskContext(task_result=result), "sent to ada@exemple.fr")
    assert line.message == "sent to [email]"
