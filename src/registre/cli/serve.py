"""`registre serve` and `registre migrate`: the web application (console, portal, API) on a real server."""

from __future__ import annotations

from typing import Annotated

import typer

from registre.cli import web
from registre.cli.console import PolicyOption, cannot_listen, err, fail


def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port to listen on (0: any free port).")] = 8000,
    migrate: Annotated[
        bool, typer.Option("--migrate/--no-migrate", help="Apply database migrations before serving.")
    ] = True,
    with_worker: Annotated[
        bool | None,
        typer.Option(
            "--with-worker/--without-worker",
            help="Run background jobs in this process too. Default: yes on SQLite, no otherwise.",
            show_default=False,
        ),
    ] = None,
    threads: Annotated[int, typer.Option("--threads", min=1, help="Threads answering requests.")] = 8,
    policy: PolicyOption = None,
) -> None:
    """Serve the console, the portal and the API (Waitress, a production WSGI server); Ctrl+C stops."""
    web.setup_django(policy)
    if migrate:
        web.migrate()
    worker = web.uses_sqlite() if with_worker is None else with_worker

    def ready(url: str) -> None:
        jobs = "with the job worker" if worker else "without the job worker (run `registre worker`)"
        err.print(f"Registre is listening on {url} {jobs}; the console is at {url}console/")

    try:
        web.serve(host, port, threads=threads, with_worker=worker, on_ready=ready)
    except OSError as error:
        fail(cannot_listen(host, port, error))


def migrate(policy: PolicyOption = None) -> None:
    """Create or update the tables of the application database (REGISTRE_DATABASE_URL)."""
    web.setup_django(policy)
    web.migrate(verbosity=1)
