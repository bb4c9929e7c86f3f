"""Jobs of the foundation itself."""

from __future__ import annotations

from django_tasks import TaskContext, task

from registre.web.audit.actions import verify_chain
from registre.web.jobs.actions import log_job


class AuditChainBroken(Exception):
    """The audit log failed its verification (see the job's log)."""


@task(takes_context=True)
def verify_audit_chain(context: TaskContext) -> dict[str, int]:
    """Verify the audit chain in the background; the job fails, with each problem in its log, when broken."""
    problems = verify_chain()
    for problem in problems:
        log_job(context, str(problem))
    if problems:
        raise AuditChainBroken(f"{len(problems)} problem(s) in the audit log")
    log_job(context, "the audit log is intact")
    return {"problems": 0}
