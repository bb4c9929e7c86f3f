"""Staff, API tokens and login throttling: the state changes of accounts."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.contrib.auth import authenticate
from django.utils import timezone

from registre.web.accounts.actions import (
    authenticate_token,
    bearer_token,
    clear_login_failures,
    create_staff,
    create_token,
    is_locked_out,
    record_login_failure,
    revoke_token,
)
from registre.web.accounts.models import ApiToken, LoginFailure
from registre.web.accounts.permissions import roles_of, scope_of
from registre.web.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_staff_get_their_role_a_generated_password_and_an_audit_entry():
    user, password = create_staff("dana@exemple.fr", "dpo")
    assert user.get_username() == "dana@exemple.fr"
    assert roles_of(user) == {"dpo"}
    assert len(password) >= 20
    assert authenticate(username="dana@exemple.fr", password=password) == user
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.details) == ("staff.created", {"role": "dpo", "user_id": user.pk})


def test_staff_may_be_limited_to_activities_and_clients():
    user, _ = create_staff("ali@exemple.fr", "agent", username="ali", activities=["prospecting"], clients=["acme"])
    scope = scope_of(user)
    assert (scope.activities, scope.clients) == ({"prospecting"}, {"acme"})


def test_an_unknown_role_or_a_taken_name_is_refused():
    with pytest.raises(ValueError, match="unknown role"):
        create_staff("x@exemple.fr", "boss")
    create_staff("x@exemple.fr", "agent")
    with pytest.raises(ValueError, match="already exists"):
        create_staff("x@exemple.fr", "auditor")


def test_a_token_is_stored_as_a_digest_and_shown_once(dpo):
    token, raw = create_token(dpo, "product", ["requests.view"])
    assert raw.startswith("rgt_") and len(raw) > 40
    assert token.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in str(ApiToken.objects.values().get())
    assert raw.startswith(token.prefix)
    assert AuditEntry.objects.get().action == "token.created"


def test_a_token_cannot_be_given_an_action_its_owner_may_not_do(agent):
    with pytest.raises(ValueError, match=r"audit\.view"):
        create_token(agent, "spy", ["requests.view", "audit.view"])
    with pytest.raises(ValueError, match="none given"):
        create_token(agent, "empty", [])


def test_a_token_authenticates_and_notes_when_it_was_used(dpo):
    token, raw = create_token(dpo, "product", ["requests.view"])
    assert authenticate_token(raw) == token
    used = ApiToken.objects.get().last_used_at
    assert used is not None
    assert authenticate_token(raw).last_used_at == used, "noted at most once a minute"
    ApiToken.objects.update(last_used_at=timezone.now() - timedelta(minutes=5))
    assert authenticate_token(raw).last_used_at > used - timedelta(minutes=1)


@pytest.mark.parametrize("value", ["", "rgt_", "rgt_wrong", "not-a-token"])
def test_a_wrong_token_authenticates_nobody(dpo, value):
    create_token(dpo, "product", ["requests.view"])
    assert authenticate_token(value) is None


def test_a_revoked_token_or_one_of_an_inactive_owner_authenticates_nobody(dpo):
    token, raw = create_token(dpo, "product", ["requests.view"])
    dpo.is_active = False
    dpo.save()
    assert authenticate_token(raw) is None
    dpo.is_active = True
    dpo.save()
    revoke_token(token, dpo)
    assert authenticate_token(raw) is None


def test_revoking_is_recorded_once(dpo, admin):
    token, _ = create_token(dpo, "product", ["requests.view"])
    revoke_token(token, admin)
    revoke_token(token, admin)
    revoked = AuditEntry.objects.filter(action="token.revoked")
    assert [(entry.actor_name, entry.details["token_id"]) for entry in revoked] == [("admin", token.pk)]


def test_the_bearer_header_carries_the_token(dpo):
    token, raw = create_token(dpo, "product", ["requests.view"])
    assert bearer_token(f"Bearer {raw}") == token
    assert bearer_token(f"bearer  {raw} ") == token
    assert bearer_token(f"Basic {raw}") is None
    assert bearer_token(None) is None


def test_five_failures_lock_a_username_from_an_address(settings):
    for _ in range(settings.REGISTRE_LOGIN_FAILURES - 1):
        record_login_failure("dpo", "10.0.0.1")
    assert not is_locked_out("dpo", "10.0.0.1")
    record_login_failure("dpo", "10.0.0.1")
    assert is_locked_out("dpo", "10.0.0.1")
    assert not is_locked_out("dpo", "10.0.0.2")
    assert not is_locked_out("agent", "10.0.0.1")
    clear_login_failures("dpo", "10.0.0.1")
    assert not is_locked_out("dpo", "10.0.0.1")


def test_failures_older_than_the_window_are_forgotten(settings):
    for _ in range(settings.REGISTRE_LOGIN_FAILURES):
        record_login_failure("dpo", "10.0.0.1")
    LoginFailure.objects.update(created_at=timezone.now() - timedelta(seconds=settings.REGISTRE_LOGIN_WINDOW + 1))
    assert not is_locked_out("dpo", "10.0.0.1")
    record_login_failure("dpo", "10.0.0.1")
    assert LoginFailure.objects.count() == 1


def test_failures_store_no_username_nor_address():
    record_login_failure("dana@exemple.fr", "203.0.113.9")
    stored = str(LoginFailure.objects.values().get())
    assert "dana" not in stored and "203.0.113" not in stored
