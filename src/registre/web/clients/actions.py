"""Every change of state of clients."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from registre.web.accounts.permissions import require
from registre.web.audit.actions import Actor, record
from registre.web.clients.models import Client


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
