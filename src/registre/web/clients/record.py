"""The processor record (Art. 30(2)) rendered with the clients the application knows.

Each client is a controller on whose behalf the processor activities run:
the record names it with its contact (Art. 30(2)(a)). What the policy
declares about a client of the same tenant (the activities carried out for
it, its agreement, a fuller contact) completes what the application holds;
the application's name and contact email prevail.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from registre.core.documents import render_register
from registre.core.policy import Policy
from registre.core.policy.model import Client as ServedClient
from registre.core.policy.model import ClientAgreement, Contact
from registre.web.clients.models import Client

RecordFormat = Literal["pdf", "xlsx"]
CONTENT_TYPES = {"pdf": "application/pdf", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def served_clients(clients: Iterable[Client], policy: Policy) -> dict[str, ServedClient]:
    """The application's clients as the controllers the record names, by tenant."""
    declared = {client.tenant: client for client in policy.clients.values() if client.tenant}
    served = {}
    for client in clients:
        known = declared.get(client.tenant)
        if known is not None and known.contact is not None:
            contact = known.contact.model_copy(update={"email": client.contact_email})
        else:
            contact = Contact(email=client.contact_email)
        served[client.tenant] = ServedClient(
            name=client.name,
            contact=contact,
            tenant=client.tenant,
            activities=known.activities if known is not None else [],
            agreement=known.agreement if known is not None else ClientAgreement(),
        )
    return served


def render_processor_record(
    policy: Policy, clients: Iterable[Client], *, lang: str, fmt: RecordFormat, client: Client | None = None
) -> bytes:
    """The processor record naming `clients`; with `client`, that client's copy (its activities only)."""
    return render_register(
        policy,
        role="processor",
        lang="en" if lang == "en" else "fr",
        fmt=fmt,
        clients=served_clients(clients, policy),
        client=client.tenant if client is not None else None,
    )
