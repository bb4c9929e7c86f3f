"""Case holds stop erasure: data under a hold placed by staff (litigation, an authority's request) stay
until the hold is lifted (Art. 17(3)(e): erasure is not owed for data needed for legal claims)."""

from __future__ import annotations

from registre.web.requests.models import DataRequest
from registre.web.retention.models import CaseHold
from registre.web.vault.keys import lookup_hash


def case_hold_on(request: DataRequest) -> CaseHold | None:
    """The first active case hold that covers the request's person (or its client tenant), or None.

    A hold on a subject matches any of the request's identities; a hold on a tenant matches a request
    filed about that client's data; a hold on both needs both.
    """
    references = {lookup_hash(f"{item['type']}:{item['value']}") for item in request.identities}
    tenant = request.client.tenant if request.client is not None else None
    for hold in CaseHold.objects.filter(lifted_at__isnull=True).order_by("pk"):
        subject_matches = not hold.subject_ref or hold.subject_ref in references
        tenant_matches = not hold.tenant or hold.tenant == tenant
        if subject_matches and tenant_matches:
            return hold
    return None
