"""An opt-out executed on the target databases exactly as an objection request is (see requests.objections).

The purpose's datasets that no other activity uses are erased; those other
activities still need are restricted. Only the engine touches the databases;
what it did comes back as counts per dataset, without identity values.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from registre.core.engine import (
    ChangeResult,
    ErasureResult,
    Identity,
    Subject,
    SubjectError,
    execute_erasure,
    execute_restriction,
)
from registre.core.policy import Policy
from registre.web.requests.plans import request_parts
from registre.web.requests.workflow import Kind


def execute_opt_out(policy: Policy, purpose: str, email: str, *, reference: str, today: dt.date) -> dict[str, Any]:
    """Execute the objection to `purpose` for the person of `email`: {"parts": [...], "ok": bool, "error"?}.

    A purpose without datasets executes nothing (`parts` empty). A system that fails is rolled back by the
    engine and named in `error`; the other systems keep their changes, as for a request.
    """
    details = {"scope": "situation", "activities": [purpose]}
    summary: dict[str, Any] = {"parts": [], "ok": True}
    try:
        subject = Subject.of(Identity("email", email), reference=reference)
        for part in request_parts(policy, Kind.OBJECTION, details):
            result: ErasureResult | ChangeResult
            if part.action == "erase":
                result = execute_erasure(part.policy, subject, today=today, **part.options)
            else:
                result = execute_restriction(part.policy, subject)
            summary["parts"].append({"datasets": list(part.datasets), **result.to_dict()})
            if not result.ok:
                summary["ok"] = False
                summary["error"] = "; ".join(f"{item.system}: {item.error}" for item in result.systems if item.error)
    except SubjectError as error:
        summary.update(ok=False, error=str(error))
    return summary
