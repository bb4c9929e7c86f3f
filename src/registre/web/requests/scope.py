"""Which requests a staff member may see: the console's inbox and the staff API filter the same way."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from registre.web.accounts.permissions import scope_of
from registre.web.requests.models import DataRequest, RequestActivity


def scoped(requests: QuerySet[DataRequest], user: Any) -> QuerySet[DataRequest]:
    """The requests within `user`'s scope: of their clients, concerning their activities."""
    scope = scope_of(user)
    if scope.clients is not None:
        requests = requests.filter(client__tenant__in=scope.clients)
    if scope.activities is not None:
        concerned = RequestActivity.objects.filter(request=OuterRef("pk"), activity__in=scope.activities)
        requests = requests.filter(Exists(concerned))
    return requests
