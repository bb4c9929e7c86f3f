"""The portal's actions: challenges store only hashes, expire, are used once, and are limited per address."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from registre.web.portal.actions import (
    ChallengeError,
    TooManyChallenges,
    confirm_code,
    confirm_link,
    issue_challenge,
    submit_request,
)
from registre.web.portal.models import Challenge
from registre.web.portal.throttle import allow
from registre.web.requests.workflow import State

pytestmark = pytest.mark.django_db


def submitted(workspace, kind="access"):
    request, challenge = submit_request(kind=kind, email=workspace.sample(1)["email"], lang="fr")
    body = mail.outbox[-1].body
    link = re.search(r"/privacy/confirm/([^/\s]+)/", body)[1]
    code = re.search(r"\b(\d{6})\b", body)[1]
    return request, challenge, link, code


def test_only_hashes_of_the_link_and_the_code_are_stored(workspace):
    _request, challenge, link, code = submitted(workspace)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM portal_challenge WHERE id = %s", [challenge.pk])
        row = " ".join(str(value) for value in cursor.fetchone())
    assert link not in row and code not in row


def test_the_email_is_in_the_persons_language_and_names_the_reference(workspace):
    request, *_ = submitted(workspace)
    assert mail.outbox[-1].subject == f"Confirmez votre demande {request.reference}"


def test_the_link_is_single_use(workspace):
    _request, _challenge, link, _code = submitted(workspace)
    verified, token = confirm_link(link)
    assert verified.state == State.REVIEW and len(token) >= 40
    with pytest.raises(ChallengeError) as failure:
        confirm_link(link)
    assert failure.value.reason == "used"


def test_an_unknown_link_is_refused(workspace):
    with pytest.raises(ChallengeError) as failure:
        confirm_link("nothing-like-it")
    assert failure.value.reason == "unknown"


def test_the_code_and_the_link_of_one_challenge_are_one_use(workspace):
    _request, challenge, link, code = submitted(workspace)
    confirm_code(challenge, code)
    with pytest.raises(ChallengeError):
        confirm_link(link)


def test_an_expired_challenge_is_refused(workspace):
    _request, challenge, _link, code = submitted(workspace)
    Challenge.objects.filter(pk=challenge.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(ChallengeError) as failure:
        confirm_code(challenge, code)
    assert failure.value.reason == "expired"


def test_a_new_challenge_ends_the_previous_one(workspace):
    request, _first, first_link, _code = submitted(workspace)
    issue_challenge(request)
    with pytest.raises(ChallengeError) as failure:
        confirm_link(first_link)
    assert failure.value.reason == "expired"


def test_three_challenges_per_email_and_hour(workspace):
    request, *_ = submitted(workspace)
    issue_challenge(request)
    issue_challenge(request)
    with pytest.raises(TooManyChallenges):
        issue_challenge(request)


def test_the_rate_limiter_counts_within_its_window():
    assert [allow("test:key", 2, 60) for _ in range(3)] == [True, True, False]
    assert allow("test:other", 2, 60)
