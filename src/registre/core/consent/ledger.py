"""The rules of the consent and opt-out ledger: what an event must hold, and what the last one means now.

The ledger is append-only: a consent is never edited, a withdrawal is a new
event. The state of a person for a purpose is their last event, read against
the purpose's basis and renewal period:

- consent purpose: nothing recorded means no consent; "given" allows the
  processing until the renewal period has run (then it must be asked again);
  "withdrawn" stops it (Art. 7(3)).
- opt-out purpose: nothing recorded means the processing may go on; "withdrawn"
  is an objection (Art. 21); "given" is the person taking it back (subscribing
  again).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from registre.core.consent.errors import ConsentError
from registre.core.consent.purposes import CONSENT, Basis, Purpose
from registre.core.policy.model import Wording

State = Literal["given", "withdrawn"]
STATES: tuple[State, ...] = ("given", "withdrawn")
# How an event reached the ledger: a web form, a link in an email, the one-click unsubscribe of a mail client
# (RFC 8058), the REST API, staff in the console, a Global Privacy Control signal, an import from another tool.
METHODS = ("form", "email_link", "one_click", "api", "console", "gpc", "import")


def check_event(
    purpose: Purpose, state: str, method: str, *, wording_version: str | None = None, on: dt.date
) -> Wording | None:
    """The wording the event records, after checking the event; ConsentError otherwise.

    1. The state is "given" or "withdrawn"; the method one of METHODS; a GPC signal only withdraws.
    2. A named wording version must exist for the purpose.
    3. A consent given needs a wording (Art. 7(1): the controller proves what the person agreed to): the one
       named, else the one in force on `on`. Withdrawals and opt-outs record a wording when there is one.
    """
    if state not in STATES:
        raise ConsentError("invalid-state", state=state)
    if method not in METHODS:
        raise ConsentError("invalid-method", method=method, known=", ".join(METHODS))
    if method == "gpc" and state != "withdrawn":
        raise ConsentError("gpc-withdraws")
    wording = purpose.wording(wording_version, on)
    if wording_version is not None and wording is None:
        raise ConsentError("unknown-wording", purpose=purpose.key, version=wording_version)
    if wording is None and purpose.basis == CONSENT and state == "given":
        raise ConsentError("no-wording", purpose=purpose.key)
    return wording


def renewal_due_on(purpose: Purpose, given_on: dt.date) -> dt.date | None:
    """When a consent given on `given_on` must be asked again; None when the policy sets no renewal period."""
    renewal = purpose.renewal
    return renewal.add_to(given_on) if renewal is not None and purpose.basis == CONSENT else None


@dataclass(frozen=True)
class Standing:
    """Where a person stands for one purpose today.

    `state` is the last event's ("given", "withdrawn") or "none"; `allowed` whether the processing may go on;
    `renewal_due` when a consent must be asked again, and `expired` once that day has come.
    """

    purpose: str
    basis: Basis
    state: str
    allowed: bool
    since: dt.datetime | None = None
    wording_version: str | None = None
    renewal_due: dt.date | None = None
    expired: bool = False


def standing_of(
    purpose: Purpose,
    last: tuple[str, dt.datetime, str | None] | None,
    today: dt.date,
) -> Standing:
    """The standing from the last event `(state, at, wording version)` of a person for `purpose`, or None."""
    if last is None:
        return Standing(purpose.key, purpose.basis, "none", allowed=purpose.basis != CONSENT)
    state, at, version = last
    due = renewal_due_on(purpose, at.date()) if state == "given" else None
    expired = due is not None and due <= today
    allowed = state == "given" and not expired if purpose.basis == CONSENT else state != "withdrawn"
    return Standing(purpose.key, purpose.basis, state, allowed, at, version, due, expired)
