"""Writing to a job's log."""

from __future__ import annotations

from django_tasks import TaskContext

from registre.web.jobs.models import JobLogLine
from registre.web.redaction import redact


def log_job(context: TaskContext, message: str) -> JobLogLine:
    """Append `message` to the log of the running job (a task declared with `takes_context=True`).

    The line is saved at once, so the console shows progress while the job
    runs (inside a transaction that the task opened, it shows on commit).
    Email addresses and tokens are redacted: a log is no place for personal data.
    """
    return JobLogLine.objects.create(job_id=context.task_result.id, message=redact(message))
