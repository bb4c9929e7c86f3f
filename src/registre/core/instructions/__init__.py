"""Client instructions: the processor acts only on the client's documented instructions (Art. 28(3)(a) GDPR).

The promises (SOURCES 16): every instruction a client gives is documented (received when, how, from whom,
what) with the processing it covers; when an instruction looks unlawful, the processor tells the client
at once, with its reason (Art. 28(3), last paragraph). A forwarded rights request answered by the
client's instruction is one entry of the same log.

    covered = check_covered_activities(policy, ["hosting"], tenant="acme")   # or UncoveredActivity
    check_unlawful_reason("Keeping the data 20 years has no basis")          # or ValueError
"""

from __future__ import annotations

from typing import Literal

from registre.core.policy.model import Policy

Channel = Literal["email", "letter", "contract", "ticket", "meeting", "request"]
CHANNELS: tuple[Channel, ...] = ("email", "letter", "contract", "ticket", "meeting", "request")
UncoveredReason = Literal["unknown", "controller", "not_for_client"]


class UncoveredActivity(ValueError):
    """An instruction names an activity that is not processing done for this client; `reason` says why."""

    def __init__(self, activity: str, reason: UncoveredReason) -> None:
        super().__init__(f"{activity}: {reason}")
        self.activity = activity
        self.reason = reason


def check_covered_activities(policy: Policy, activities: list[str], *, tenant: str | None) -> list[str]:
    """The activities an instruction covers, deduplicated in order; UncoveredActivity for the first that is not.

    1. Each must be an activity of the policy (`unknown` otherwise).
    2. It must be a processor activity: a client instructs only what is done on its behalf (`controller`).
    3. When the policy declares the client (by tenant) with its activities, it must be one of them
       (`not_for_client`).
    """
    declared = next((client for client in policy.clients.values() if tenant and client.tenant == tenant), None)
    served = policy.client_activities(declared) if declared is not None else None
    for key in activities:
        activity = policy.activities.get(key)
        if activity is None:
            raise UncoveredActivity(key, "unknown")
        if activity.role != "processor":
            raise UncoveredActivity(key, "controller")
        if served is not None and key not in served:
            raise UncoveredActivity(key, "not_for_client")
    return list(dict.fromkeys(activities))


def check_unlawful_reason(reason: str) -> str:
    """The reason an instruction looks unlawful, stripped; ValueError when empty: the client is owed it."""
    stripped = reason.strip()
    if not stripped:
        raise ValueError("an instruction is flagged as unlawful with its reason")
    return stripped
