"""What a breach is, as the documents and the duties read it.

Art. 33(3) lists what a notification describes: the nature of the breach,
the categories and approximate numbers of data subjects and records, the
DPO's contact, the likely consequences, the measures taken or proposed.
Art. 33(5): every breach is documented (facts, effects, remedial action),
notified or not.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from registre.core.breaches.scope import BreachScope

Nature = Literal["confidentiality", "integrity", "availability"]
Risk = Literal["none", "risk", "high"]
NATURES: tuple[Nature, ...] = ("confidentiality", "integrity", "availability")
RISKS: tuple[Risk, ...] = ("none", "risk", "high")


@dataclass(frozen=True)
class BreachFacts:
    """One breach as recorded: when, what, whom, how serious, and what was done."""

    reference: str
    title: str
    aware_at: dt.datetime
    occurred_at: dt.datetime | None
    ongoing: bool
    discovery: str
    natures: tuple[Nature, ...]
    description: str
    cause: str
    scope: BreachScope
    subject_count: int | None
    record_count: int | None
    consequences: str
    measures_taken: str
    measures_proposed: str
    risk: Risk
    risk_reasons: str
    delay_reasons: str = ""
    people_exemption: str = ""


@dataclass(frozen=True)
class Duties:
    """Which notifications a breach calls for (each with the article that asks for it)."""

    authority: bool  # Art. 33(1): the organisation is controller of an affected activity, and there is a risk
    clients: bool  # Art. 33(2): it processes affected data on behalf of clients
    people: bool  # Art. 34(1): high risk to the people, as controller


def duties(risk: Risk, scope: BreachScope) -> Duties:
    """The notifications owed for a breach of `risk` over `scope`.

    - Art. 33(1): the controller notifies the authority unless the breach is unlikely to result in a risk.
    - Art. 33(2): the processor notifies each controller (client) whatever the risk: the client assesses it.
    - Art. 34(1): the controller communicates the breach to the people when the risk is high.
    """
    if risk not in RISKS:
        raise ValueError(f"unknown risk level {risk!r}: choose one of {', '.join(RISKS)}")
    controller = bool(scope.controller_activities)
    return Duties(
        authority=controller and risk != "none",
        clients=bool(scope.processor_activities or scope.tenant_datasets),
        people=controller and risk == "high",
    )
