"""The one door from the command line into the web layer: Django is set up here, and only here.

Every function calls `setup_django()` first and then imports what it needs
from `registre.web`. Those imports sit inside the functions on purpose:
Django's models cannot be imported before Django is set up, and the other
commands (check, ropa...) must not pay for Django at all.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

SETTINGS_MODULE = "registre.web.settings"


def setup_django(policy: Path | None = None) -> None:
    """Configure and start Django (idempotent). `policy` overrides REGISTRE_POLICY for this process."""
    if policy is not None:
        os.environ["REGISTRE_POLICY"] = str(policy)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    import django

    django.setup()


def migrate(verbosity: int = 0) -> None:
    """Create or update the application database's tables."""
    setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)


def uses_sqlite() -> bool:
    setup_django()
    from registre.web.server import uses_sqlite as sqlite

    return sqlite()


def serve(host: str, port: int, *, threads: int, with_worker: bool, on_ready: Callable[[str], None]) -> None:
    setup_django()
    from registre.web.server import serve as serve_http

    serve_http(host, port, threads=threads, with_worker=with_worker, on_ready=on_ready)


def run_worker(*, queues: str, interval: float, batch: bool, max_tasks: int | None) -> None:
    setup_django()
    from registre.web.jobs.worker import run_worker as run

    run(queues=queues, interval=interval, batch=batch, max_tasks=max_tasks)


def verify_audit() -> list[str]:
    """The problems of the audit chain, as sentences; empty when intact."""
    setup_django()
    from registre.web.audit.actions import verify_chain

    return [str(problem) for problem in verify_chain()]


def audit_size() -> int:
    setup_django()
    from registre.web.audit.models import AuditEntry

    return AuditEntry.objects.count()


def export_audit(path: Path) -> int:
    """Write the whole audit log to `path` as CSV; the number of entries."""
    setup_django()
    from registre.web.audit.export import write_audit_csv
    from registre.web.audit.models import AuditEntry

    with path.open("w", encoding="utf-8", newline="") as stream:
        return write_audit_csv(AuditEntry.objects.order_by("sequence").iterator(chunk_size=2000), stream)


def audit_package(output: Path, *, lang: str, tenant: str | None) -> int:
    """Write the signed audit package (for the client of `tenant`, or the authority); the number of files."""
    setup_django()
    from registre.web.audit.package import audit_package as build
    from registre.web.clients.models import Client
    from registre.web.policy import current_policy

    policy = current_policy()
    if policy is None:
        raise ValueError("the policy is missing or has errors: run `registre check`")
    client = None
    if tenant is not None:
        client = Client.objects.filter(tenant=tenant).first()
        if client is None:
            raise ValueError(f"no client has the tenant {tenant!r}")
    output.write_bytes(build(policy, "system", lang=lang, client=client))
    with zipfile.ZipFile(output) as archive:
        return len(archive.namelist())


def generate_key() -> str:
    from registre.web.vault.keys import generate_key as new_key

    return new_key()


def rotate_keys(batch_size: int, progress: Callable[[str, int], None]) -> dict[str, int]:
    setup_django()
    from registre.web.vault.rotation import rotate_encrypted_fields

    return rotate_encrypted_fields(batch_size, progress)


def ensure_clients(clients: list[tuple[str, str, str]]) -> None:
    """A client for each (name, tenant, contact email) that has none yet (the demo's tenants)."""
    setup_django()
    from registre.web.clients.actions import ensure_client

    for name, tenant, contact_email in clients:
        ensure_client(name, tenant, contact_email)


def offboard_client(client_id: int, *, contract_end: date | None, now: bool) -> dict[str, Any]:
    """End a client's contract (see `registre.web.clients.actions.end_contract`); with `now`, do it all here.

    LookupError for an unknown client, ValueError for a contract already ended.
    """
    setup_django()
    from django.utils import timezone

    from registre.web.clients.actions import end_contract, offboard_now
    from registre.web.clients.models import Client

    client = Client.objects.filter(pk=client_id).first()
    if client is None:
        raise LookupError(f"no client {client_id}")
    end = contract_end or timezone.localdate()
    offboarding = (offboard_now if now else end_contract)(client, "system", contract_end=end)
    return {
        "client": client.name,
        "tenant": client.tenant,
        "deletion_due": offboarding.deletion_due.isoformat(),
        "exported_rows": offboarding.export_rows if now else None,
        "deleted": offboarding.certificate_summary.get("deleted") if now else None,
        "audit_hash": offboarding.audit_hash or None,
    }


def create_staff(
    email: str, role: str, *, username: str | None, activities: list[str], clients: list[str]
) -> tuple[str, str]:
    """A new staff member; (username, generated password). ValueError for an unknown role."""
    setup_django()
    from registre.web.accounts.actions import create_staff as create

    user, password = create(email, role, username=username, activities=activities, clients=clients)
    return user.get_username(), password
