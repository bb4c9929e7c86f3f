"""Case holds stop erasure: data under a hold placed by staff (litigation, an authority's request) stay
until the hold is lifted (Art. 17(3)(e): erasure is not owed for data needed for legal claims).

The rule is the core's: the holds in force go to every plan and execution of an erasure (`request_parts`),
which leave a held person's rows untouched; `case_hold_on` keeps an erasure request waiting in review.
"""

from __future__ import annotations

from registre.core.engine import Identity, Subject
from registre.core.engine.case_holds import separate_held
from registre.core.policy import Policy
from registre.web.requests.models import DataRequest
from registre.web.retention.actions import active_case_holds
from registre.web.retention.models import CaseHold


def case_hold_on(request: DataRequest, policy: Policy) -> CaseHold | None:
    """The first active case hold that covers the request's person (or its client tenant), or None.

    The rule is the core's (`separate_held`): every identity of the held subject counts, in its normal form.
    """
    identities = [Identity(item["type"], item["value"]) for item in request.identities]
    if not identities:
        return None
    tenant = request.client.tenant if request.client is not None else None
    _free, held = separate_held(policy, [Subject.of(*identities)], active_case_holds(), tenant)
    return CaseHold.objects.get(pk=held[0].hold.key) if held else None
