"""Every change of state of clients."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from registre.web.accounts.permissions import require
from registre.web.audit.actions import Actor, record
from registre.web.clients import offboarding as steps
from registre.web.clients import tasks
from registre.web.clients.models import Client, Offboarding


@transaction.atomic
def create_client(name: str, tenant: str, contact_email: str, *, language: str = "fr", actor: Any) -> Client:
    """A new client; `tenant` is the value of its rows' tenant column. ValueError when the tenant is taken."""
    if actor != "system" and not isinstance(actor, Actor):
        require(actor, "clients.manage")
    tenant = tenant.strip()
    if Client.objects.filter(tenant=tenant).exists():
        raise ValueError(f"a client already has the tenant {tenant!r}")
    client = Client.objects.create(name=name.strip(), tenant=tenant, contact_email=contact_email, language=language)
    record(actor, "client.created", details={"client_id": client.pk, "tenant": tenant})
    return client


def ensure_client(name: str, tenant: str, contact_email: str, *, language: str = "fr") -> Client:
    """The client of `tenant`, created by the system when missing (the demo uses it)."""
    found = Client.objects.filter(tenant=tenant).first()
    return found or create_client(name, tenant, contact_email, language=language, actor="system")


CLIENT_FIELDS = ("name", "contact_email", "language", "contract_start", "contract_end", "deletion_delay_days")


@transaction.atomic
def update_client(client: Client, actor: Any, **changes: Any) -> Client:
    """Change the client's details (not its tenant: its rows are found by it); audited with the fields changed."""
    require(actor, "clients.manage")
    changed = sorted(name for name in CLIENT_FIELDS if name in changes and getattr(client, name) != changes[name])
    for name in changed:
        setattr(client, name, changes[name])
    if changed:
        client.save(update_fields=changed)
        record(actor, "client.updated", details={"client_id": client.pk, "fields": changed})
    return client


def end_contract(client: Client, actor: Any, *, contract_end: dt.date, schedule: bool = True) -> Offboarding:
    """End the client's contract: export its data now, delete it at `contract_end` + the DPA's delay.

    Art. 28(3)(g) GDPR: at the end of the services, return the data to the controller and delete it.
    ValueError when the contract was already ended. `schedule=False` leaves the jobs to the caller.
    """
    if actor != "system":
        require(actor, "clients.manage")
    with transaction.atomic():
        if Offboarding.objects.filter(client=client).exists():
            raise ValueError(f"the contract of {client.name} was already ended")
        client.contract_end = contract_end
        client.save(update_fields=["contract_end"])
        due = contract_end + dt.timedelta(days=client.deletion_delay_days)
        offboarding = Offboarding.objects.create(client=client, contract_end=contract_end, deletion_due=due)
        record(
            actor,
            "client.contract_ended",
            details={"client_id": client.pk, "contract_end": contract_end.isoformat(), "deletion_due": due.isoformat()},
        )
        # The jobs are rows of the same database: they commit, or roll back, with the offboarding.
        if schedule:
            schedule_offboarding(offboarding)
    return offboarding


def offboard_now(client: Client, actor: Any, *, contract_end: dt.date) -> Offboarding:
    """End the contract, then export and delete the data in this process, whatever the due date."""
    offboarding = end_contract(client, actor, contract_end=contract_end, schedule=False)
    steps.export_client_data(offboarding)
    tasks.delete_expired_exports.using(run_after=offboarding.export_expires_at).enqueue()
    tasks.perform_deletion(offboarding.pk, force=True)
    offboarding.refresh_from_db()
    return offboarding


def schedule_offboarding(offboarding: Offboarding) -> None:
    tasks.export_client.enqueue(offboarding.pk)
    tasks.delete_client.using(run_after=tasks.start_of(offboarding.deletion_due)).enqueue(offboarding.pk)
