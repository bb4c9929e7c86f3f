"""`registre worker`: run background jobs (request executions, sweeps, emails) from the application database."""

from __future__ import annotations

from typing import Annotated

import typer

from registre.cli import web
from registre.cli.console import PolicyOption, err


def worker(
    queue: Annotated[str, typer.Option("--queue", help="Queues to take jobs from, comma-separated; * for all.")] = "*",
    interval: Annotated[
        float, typer.Option("--interval", min=0.0, help="Seconds between two looks when no job is waiting.")
    ] = 1.0,
    batch: Annotated[bool, typer.Option("--batch", help="Run the jobs that are waiting, then exit.")] = False,
    max_tasks: Annotated[
        int | None, typer.Option("--max-tasks", min=1, help="Exit after this many jobs.", show_default=False)
    ] = None,
    policy: PolicyOption = None,
) -> None:
    """Run jobs until stopped (Ctrl+C or SIGTERM let the running job finish). Start as many as needed."""
    web.setup_django(policy)
    err.print("Registre worker started" + (" (until no job is waiting)" if batch else ""))
    web.run_worker(queues=queue, interval=interval, batch=batch, max_tasks=max_tasks)
