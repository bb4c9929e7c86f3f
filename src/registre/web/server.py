"""The HTTP server of `registre serve`: Waitress (threads, one process) and, if asked, the job worker beside it."""

from __future__ import annotations

import signal
from collections.abc import Callable
from types import FrameType
from typing import Any

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
    server = create_server(application, host=host, port=port, threads=threads, ident="Registre", **proxy_options())
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


def proxy_options() -> dict[str, Any]:
    """Waitress's trust of the reverse proxy, from REGISTRE_TRUSTED_PROXIES and REGISTRE_PROXY_SSL_HEADER.

    Waitress removes every `X-Forwarded-*` header that it was not told to trust: without this, the
    application would see the proxy's address for every client (one client's failed logins would lock
    everyone out, rate limits would count all clients together) and plain HTTP behind a TLS proxy (no
    HSTS). With it, Waitress keeps the last `REGISTRE_TRUSTED_PROXIES` entries of `X-Forwarded-For`
    (what `security.client_address` reads) and takes the scheme from `X-Forwarded-Proto`. The proxy
    must then be the only way to reach Registre: whoever connects directly could claim any address.
    """
    headers = set()
    if settings.REGISTRE_TRUSTED_PROXIES:
        headers.add("x-forwarded-for")
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        headers.add("x-forwarded-proto")
    if not headers:
        return {}
    return {
        "trusted_proxy": "*",
        "trusted_proxy_count": max(settings.REGISTRE_TRUSTED_PROXIES, 1),
        "trusted_proxy_headers": headers,
    }


def _exit(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
