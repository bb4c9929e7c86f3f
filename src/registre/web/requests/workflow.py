"""The kinds of rights requests, their states, and which transitions the workflow allows.

    received ─► verifying ─► review ─► executing ─► completed
        │           │          │  └─► awaiting_approval (erasure) ─► executing
        │           │          └────► forwarded (processor mode) ──► executing (on the client's instruction)
        └───────────┴──────────┴────► refused | cancelled           (from any open state)

Pure data: `actions.py` applies it; the console shows the allowed steps.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Kind(models.TextChoices):
    ACCESS = "access", _("Access")
    RECTIFICATION = "rectification", _("Rectification")
    ERASURE = "erasure", _("Erasure")
    RESTRICTION = "restriction", _("Restriction of processing")
    OBJECTION = "objection", _("Objection")
    PORTABILITY = "portability", _("Portability")
    WITHDRAW_CONSENT = "withdraw_consent", _("Withdrawal of consent")
    POST_MORTEM = "post_mortem", _("Directives for after death")


# One line for the person choosing a right on the portal, with the article that grants it.
KIND_EXPLANATIONS = {
    Kind.ACCESS: _("Know whether we process data about you, get a copy, and learn why and how (Article 15 GDPR)."),
    Kind.RECTIFICATION: _("Have inaccurate data about you corrected, or incomplete data completed (Article 16 GDPR)."),
    Kind.ERASURE: _("Have your data erased, except what the law requires us to keep (Article 17 GDPR)."),
    Kind.RESTRICTION: _(
        "Have your data kept but no longer used, for example while a dispute is settled (Article 18 GDPR)."
    ),
    Kind.OBJECTION: _("Stop the use of your data for marketing, or for our legitimate interests (Article 21 GDPR)."),
    Kind.PORTABILITY: _(
        "Receive the data you gave us in a machine-readable format, to reuse them elsewhere (Article 20 GDPR)."
    ),
    Kind.WITHDRAW_CONSENT: _(
        "Withdraw a consent you gave us, at any time and as easily as you gave it (Article 7(3) GDPR)."
    ),
    Kind.POST_MORTEM: _(
        "Say what should happen to your data after your death (Article 85 of the French Data Protection Act)."
    ),
}


class Channel(models.TextChoices):
    PORTAL = "portal", _("Privacy portal")
    EMAIL = "email", _("Email")
    POST = "post", _("Post")
    API = "api", _("API")


class State(models.TextChoices):
    RECEIVED = "received", pgettext_lazy("request state", "Received")
    VERIFYING = "verifying", pgettext_lazy("request state", "Verifying identity")
    REVIEW = "review", pgettext_lazy("request state", "In review")
    AWAITING_APPROVAL = "awaiting_approval", pgettext_lazy("request state", "Awaiting approval")
    EXECUTING = "executing", pgettext_lazy("request state", "Executing")
    COMPLETED = "completed", pgettext_lazy("request state", "Completed")
    REFUSED = "refused", pgettext_lazy("request state", "Refused")
    CANCELLED = "cancelled", pgettext_lazy("request state", "Cancelled")
    FORWARDED = "forwarded", pgettext_lazy("request state", "Forwarded to the client")


CLOSED = frozenset({State.COMPLETED, State.REFUSED, State.CANCELLED})
OPEN = frozenset(State) - CLOSED

# Each step: the states it starts from, the state it leads to.
STEPS: dict[str, tuple[frozenset[State], State]] = {
    "start_verification": (frozenset({State.RECEIVED}), State.VERIFYING),
    "verify": (frozenset({State.RECEIVED, State.VERIFYING}), State.REVIEW),
    "request_approval": (frozenset({State.REVIEW}), State.AWAITING_APPROVAL),
    "approve": (frozenset({State.AWAITING_APPROVAL}), State.EXECUTING),
    "execute": (frozenset({State.REVIEW}), State.EXECUTING),
    "forward": (frozenset({State.REVIEW}), State.FORWARDED),
    "instruct": (frozenset({State.FORWARDED}), State.EXECUTING),
    "complete": (frozenset({State.EXECUTING}), State.COMPLETED),
    "fail": (frozenset({State.EXECUTING}), State.REVIEW),
    "refuse": (OPEN - {State.EXECUTING}, State.REFUSED),
    "cancel": (OPEN - {State.EXECUTING}, State.CANCELLED),
}


class TransitionError(Exception):
    """A step that the request's state does not allow (or that its kind does not have)."""


def step_allowed(step: str, state: str, kind: str) -> bool:
    """Whether `step` may start from `state` for a request of `kind` (erasure needs approval, others do not)."""
    sources, _target = STEPS[step]
    if state not in sources:
        return False
    if step == "request_approval":
        return kind == Kind.ERASURE
    if step == "execute":
        return kind != Kind.ERASURE
    return True


def target_of(step: str) -> State:
    return STEPS[step][1]
