"""The HTTP server of `registre serve`: Waitress (threads, one process) and, if asked, the job worker beside it."""

from __future__ import annotations

import signal
from collections.abc import Callable
from types import FrameType

from django.conf import settings
from waitress.server import create_server

from registre.web.jobs.worker import WorkerThread
from registre.web.wsgi import application


def uses_sqlite() -> bool:
    """Whether the application database is SQLite: the embedded default, where one process runs everything."""
    return bool(settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"))


def serve(
    host: str,
    port: int,
    *,
    threads: int = 8,
    with_worker: bool = False,
    on_ready: Callable[[str], None] | None = None,
) -> None:
    """Serve the application on `host:port` until SIGINT or SIGTERM; with the worker thread if `with_worker`.

    `on_ready` receives the URL once the socket listens (port 0 picks a free port).
    """
    server = create_server(application, host=host, port=port, threads=threads, ident="Registre")
    worker = WorkerThread() if with_worker else None
    previous = signal.signal(signal.SIGTERM, _exit)
    try:
        if worker is not None:
            worker.start()
        if on_ready is not None:
            on_ready(f"http://{_url_host(host)}:{server.effective_port}/")
        server.run()  # returns on SystemExit or KeyboardInterrupt, after stopping its threads
    finally:
        signal.signal(signal.SIGTERM, previous)
        server.close()
        if worker is not None:
            worker.stop()


def _exit(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
