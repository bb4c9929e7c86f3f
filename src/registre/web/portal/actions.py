"""Every change of state of the portal: a person submits a request, proves their email, follows it.

request, challenge = submit_request(kind="access", email="ada@example.org", lang="fr")
# the email holds a one-time link and a 6-digit code, valid CHALLENGE_MINUTES
request, status_token = confirm_code(challenge, "123456")   # or confirm_link(token)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import secrets
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from registre.web.audit.actions import record
from registre.web.policy import organisation_name
from registre.web.portal.models import Challenge
from registre.web.requests.actions import (
    cancel_request,
    create_request,
    issue_status_token,
    start_verification,
    verify_identity,
)
from registre.web.requests.models import DataRequest
from registre.web.requests.workflow import State
from registre.web.vault.keys import lookup_hash

CHALLENGE_MINUTES = 30
MAX_ATTEMPTS = 5
CHALLENGES_PER_EMAIL_PER_HOUR = 3


class ChallengeError(Exception):
    """Why a link or a code does not verify: `expired`, `used`, `attempts`, `wrong` or `unknown`."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class TooManyChallenges(Exception):
    """More than CHALLENGES_PER_EMAIL_PER_HOUR codes asked for one email address within the hour."""

    def __init__(self, retry_after: int = 3600) -> None:
        super().__init__(f"too many codes: retry in {retry_after} s")
        self.retry_after = retry_after  # seconds until the oldest code of the hour stops counting


def submit_request(
    *,
    kind: str,
    email: str,
    lang: str,
    name: str = "",
    identities: Mapping[str, str] | None = None,
    details: Mapping[str, Any] | None = None,
) -> tuple[DataRequest, Challenge]:
    """Record the person's request (channel portal), and send them the link and code that verify it.

    Raises TooManyChallenges before recording anything when their address already asked too often.
    """
    _check_challenge_budget(lookup_hash(email.strip()))
    request = create_request(
        kind=kind,
        channel="portal",
        email=email,
        name=name,
        identities=identities,
        details=details,
        lang=lang,
        actor="subject",
    )
    start_verification(request, "system", gettext_noop("A link and a code were sent to the person's email address."))
    return request, issue_challenge(request)


def issue_challenge(request: DataRequest) -> Challenge:
    """A new link and code for `request`, sent by email; earlier challenges of the request stop working."""
    if request.state not in (State.RECEIVED, State.VERIFYING):
        raise ChallengeError("used")
    _check_challenge_budget(request.email_hash)
    link, code = secrets.token_urlsafe(32), f"{secrets.randbelow(10**6):06d}"
    now = timezone.now()
    with transaction.atomic():
        Challenge.objects.filter(request=request, used_at=None).update(expires_at=now)
        challenge = Challenge.objects.create(
            request=request,
            link_digest=_digest(link),
            code_digest="",
            created_at=now,
            expires_at=now + dt.timedelta(minutes=CHALLENGE_MINUTES),
        )
        challenge.code_digest = _code_digest(challenge, code)
        challenge.save(update_fields=["code_digest"])
    _send_challenge(request, challenge, link, code)
    return challenge


def _check_challenge_budget(email_hash: str) -> None:
    now = timezone.now()
    recent = Challenge.objects.filter(request__email_hash=email_hash, created_at__gte=now - dt.timedelta(hours=1))
    if recent.count() >= CHALLENGES_PER_EMAIL_PER_HOUR:
        oldest = recent.order_by("created_at").values_list("created_at", flat=True).first() or now
        raise TooManyChallenges(max(1, math.ceil((oldest + dt.timedelta(hours=1) - now).total_seconds())))


def confirm_link(link: str) -> tuple[DataRequest, str]:
    """Verify by the one-time link; (the request, its new status token). ChallengeError otherwise."""
    challenge = Challenge.objects.select_related("request").filter(link_digest=_digest(link)).first()
    if challenge is None:
        raise ChallengeError("unknown")
    return _use(challenge)


def confirm_code(challenge: Challenge, code: str) -> tuple[DataRequest, str]:
    """Verify by the code; a wrong code counts as an attempt, and MAX_ATTEMPTS wrong ones end the challenge."""
    with transaction.atomic():
        locked = Challenge.objects.select_for_update().select_related("request").get(pk=challenge.pk)
        _check_usable(locked)
        right = secrets.compare_digest(locked.code_digest, _code_digest(locked, code.strip()))
        if not right:
            locked.attempts += 1
            locked.save(update_fields=["attempts"])
            record(
                "subject",
                "request.verification_failed",
                request_id=locked.request.reference,
                subject_ref=locked.request.subject_ref,
                counts={"attempts": locked.attempts},
            )
    if not right:  # raised outside the transaction, so that the attempt stays counted
        raise ChallengeError("attempts" if locked.attempts >= MAX_ATTEMPTS else "wrong")
    return _use(challenge)


def _use(challenge: Challenge) -> tuple[DataRequest, str]:
    with transaction.atomic():
        locked = Challenge.objects.select_for_update().select_related("request").get(pk=challenge.pk)
        _check_usable(locked)
        locked.used_at = timezone.now()
        locked.save(update_fields=["used_at"])
        request = locked.request
        token = issue_status_token(request)
    verify_identity(request, "subject", method="email")
    request.refresh_from_db()
    _send_status_link(request, token)
    return request, token


def _check_usable(challenge: Challenge) -> None:
    if challenge.used_at is not None:
        raise ChallengeError("used")
    if challenge.attempts >= MAX_ATTEMPTS:
        raise ChallengeError("attempts")
    if challenge.is_expired:
        raise ChallengeError("expired")


def cancel_by_person(request: DataRequest) -> None:
    """The person withdraws their request from the status page."""
    cancel_request(request, "subject", gettext_noop("Withdrawn by the person."))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _code_digest(challenge: Challenge, code: str) -> str:
    return lookup_hash(f"portal-code:{challenge.public_id}:{code}")


def portal_url(name: str, *args: object) -> str:
    return settings.REGISTRE_BASE_URL + reverse(name, args=args)


def _send_challenge(request: DataRequest, challenge: Challenge, link: str, code: str) -> None:
    context = {
        "request": request,
        "link": portal_url("portal:confirm", link),
        "code": code,
        "minutes": CHALLENGE_MINUTES,
        "organisation_name": organisation_name(),
    }
    with translation.override(request.lang):
        subject = _("Confirm your request %(reference)s") % {"reference": request.reference}
        body = render_to_string("portal/emails/challenge.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [request.requester_email])


def _send_status_link(request: DataRequest, token: str) -> None:
    context = {"request": request, "link": portal_url("portal:status", token), "organisation_name": organisation_name()}
    with translation.override(request.lang):
        subject = _("Your request %(reference)s is registered") % {"reference": request.reference}
        body = render_to_string("portal/emails/status.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [request.requester_email])
