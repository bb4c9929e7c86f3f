"""The scan as a job: it samples every table of every system, which takes a while."""

from __future__ import annotations

from typing import Any

from django_tasks import TaskContext, task

from registre.web.audit.actions import Actor
from registre.web.discovery.actions import run_scan
from registre.web.jobs.actions import log_job


@task(takes_context=True)
def scan_now(context: TaskContext, rows: int, actor_kind: str, actor_id: int | None, actor_name: str) -> dict[str, Any]:
    """A scan asked for in the console, run by the worker on behalf of who asked."""
    run = run_scan(Actor(actor_kind, actor_id, actor_name), rows=rows)
    log_job(context, f"scan {run.pk}: {run.status}, {len(run.findings)} finding(s)")
    return {"scan": run.pk, "status": run.status}
