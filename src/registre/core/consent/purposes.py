"""The purposes of the ledger, from the policy's controller activities.

An activity on consent (Art. 6(1)(a)) is a consent purpose: nothing is done
until the person gives it, and it can be withdrawn at any time (Art. 7(3)).
An activity on legitimate interest is an opt-out purpose: the person may
object (Art. 21), without giving reasons for direct marketing (Art. 21(2)),
and the objection is recorded in the same ledger. Other bases (contract,
legal obligation...) give the person nothing to consent or object to.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from registre.core.consent.errors import ConsentError
from registre.core.policy.durations import Duration
from registre.core.policy.model import Activity, Policy, Wording

Basis = Literal["consent", "opt_out"]
CONSENT: Basis = "consent"
OPT_OUT: Basis = "opt_out"
_BASES: dict[str, Basis] = {"consent": CONSENT, "legitimate_interest": OPT_OUT}


@dataclass(frozen=True)
class Purpose:
    """An activity as the ledger sees it: its key, whether it needs consent or allows an opt-out, its wordings."""

    key: str
    basis: Basis
    activity: Activity

    @property
    def wordings(self) -> list[Wording]:
        return list(self.activity.consent.wording) if self.activity.consent else []

    @property
    def renewal(self) -> Duration | None:
        return self.activity.consent.renewal if self.activity.consent else None

    @property
    def datasets(self) -> list[str]:
        return list(self.activity.datasets)

    def wording(self, version: str | None = None, on: dt.date | None = None) -> Wording | None:
        """The wording `version`, or the one in force `on` (the last whose `since` is not after it), or the last."""
        if version is not None:
            return next((item for item in self.wordings if item.version == version), None)
        valid = [item for item in self.wordings if on is None or item.since is None or item.since <= on]
        return valid[-1] if valid else None


def ledger_purposes(policy: Policy) -> dict[str, Purpose]:
    """Every purpose a consent or an opt-out can be recorded for, by activity key, in the policy's order."""
    return {
        key: Purpose(key, _BASES[activity.legal_basis], activity)
        for key, activity in policy.activities_by_role("controller").items()
        if activity.legal_basis in _BASES
    }


def purpose_of(policy: Policy, key: str) -> Purpose:
    """The purpose `key`; ConsentError `unknown-purpose` when no controller activity on consent or
    legitimate interest has that key."""
    found = ledger_purposes(policy).get(key)
    if found is None:
        raise ConsentError("unknown-purpose", purpose=key, known=", ".join(ledger_purposes(policy)))
    return found


def sale_or_sharing_purposes(policy: Policy) -> list[str]:
    """The purposes a Global Privacy Control signal objects to: the activities declared `sale_or_sharing`."""
    return [key for key, purpose in ledger_purposes(policy).items() if purpose.activity.sale_or_sharing]
