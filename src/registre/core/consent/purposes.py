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
from registre.core.i18n import Localized
from registre.core.policy.durations import Duration
from registre.core.policy.model import Activity, Policy, Site, Wording

Basis = Literal["consent", "opt_out"]
CONSENT: Basis = "consent"
OPT_OUT: Basis = "opt_out"
_BASES: dict[str, Basis] = {"consent": CONSENT, "legitimate_interest": OPT_OUT}


# CNIL (guidelines on cookies, 2020): a choice about cookies is kept, and asked again, after six months.
COOKIE_RENEWAL = Duration(months=6)
COOKIES_PREFIX = "cookies:"


@dataclass(frozen=True)
class Purpose:
    """What a consent or an opt-out is recorded for: an activity, or a site's cookies (`cookies:<site>`)."""

    key: str
    basis: Basis
    name: Localized
    wordings: tuple[Wording, ...] = ()
    renewal: Duration | None = None
    datasets: tuple[str, ...] = ()
    sale_or_sharing: bool = False

    def wording(self, version: str | None = None, on: dt.date | None = None) -> Wording | None:
        """The wording `version`, or the one in force `on` (the last whose `since` is not after it), or the last."""
        if version is not None:
            return next((item for item in self.wordings if item.version == version), None)
        valid = [item for item in self.wordings if on is None or item.since is None or item.since <= on]
        return valid[-1] if valid else None


def activity_purpose(key: str, activity: Activity) -> Purpose:
    terms = activity.consent
    return Purpose(
        key,
        _BASES[str(activity.legal_basis)],
        activity.name,
        tuple(terms.wording) if terms else (),
        terms.renewal if terms else None,
        tuple(activity.datasets),
        activity.sale_or_sharing,
    )


def cookie_purpose(key: str, site: Site) -> Purpose:
    """The consent to a site's cookies that need one, asked again after COOKIE_RENEWAL."""
    name = site.name or Localized(fr=f"Cookies de {site.url}", en=f"Cookies of {site.url}")
    return Purpose(f"{COOKIES_PREFIX}{key}", CONSENT, name, tuple(site.wording), COOKIE_RENEWAL)


def ledger_purposes(policy: Policy) -> dict[str, Purpose]:
    """Every purpose a consent or an opt-out can be recorded for, in the policy's order: the controller
    activities on consent or legitimate interest, then the sites whose cookies need consent."""
    found = {
        key: activity_purpose(key, activity)
        for key, activity in policy.activities_by_role("controller").items()
        if activity.legal_basis in _BASES
    }
    for key, site in policy.sites.items():
        if any(cookie.consent for cookie in site.cookies):
            found[f"{COOKIES_PREFIX}{key}"] = cookie_purpose(key, site)
    return found


def purpose_of(policy: Policy, key: str) -> Purpose:
    """The purpose `key`; ConsentError `unknown-purpose` when no controller activity on consent or
    legitimate interest has that key."""
    found = ledger_purposes(policy).get(key)
    if found is None:
        raise ConsentError("unknown-purpose", purpose=key, known=", ".join(ledger_purposes(policy)))
    return found


def sale_or_sharing_purposes(policy: Policy) -> list[str]:
    """The purposes a Global Privacy Control signal objects to: the activities declared `sale_or_sharing`."""
    return [key for key, purpose in ledger_purposes(policy).items() if purpose.sale_or_sharing]
