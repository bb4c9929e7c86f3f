"""Case holds stop erasure: data under a hold placed by staff (litigation, an authority's request) stay
until the hold is lifted (Art. 17(3)(e): erasure is not owed for data needed for legal claims)."""

from __future__ import annotations

from registre.core.engine import Identity, Subject
from registre.core.retention.case_holds import covering_hold
from registre.web.requests.models import DataRequest
from registre.web.retention.models import CaseHold


def case_hold_on(request: DataRequest) -> CaseHold | None:
    """The first active case hold that covers the request's person (or its client tenant), or None.

    The rule is the core's (`covering_hold`): every identity of the held subject counts.
    """
    identities = [Identity(item["type"], item["value"]) for item in request.identities]
    tenant = request.client.tenant if request.client is not None else None
    holds = {hold.pk: hold for hold in CaseHold.objects.filter(lifted_at__isnull=True).order_by("pk")}
    subjects = [Subject.of(*identities)] if identities else []
    found = covering_hold([hold.engine_hold() for hold in holds.values()], subjects, tenant)
    return None if found is None else holds[found.key]
