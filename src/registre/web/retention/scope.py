"""Which case holds a staff member may see: those on their clients' tenants when they are scoped to clients."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from registre.web.accounts.permissions import scope_of
from registre.web.retention.models import CaseHold


def scoped_holds(holds: QuerySet[CaseHold], user: Any) -> QuerySet[CaseHold]:
    """The holds within `user`'s scope: scoped to clients, only holds on those clients' tenants.

    A hold on a data subject alone names no client: its reference and reason are for unscoped staff.
    """
    clients = scope_of(user).clients
    return holds if clients is None else holds.filter(tenant__in=clients)
