"""The login page (throttled), the tokens page, the staff page, the password change, the language switch."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from registre.web.accounts.actions import create_token
from registre.web.accounts.models import ApiToken

pytestmark = pytest.mark.django_db


def log_in(client, username, password, address="10.0.0.1"):
    return client.post(reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def test_staff_log_in_and_land_on_the_console(dpo):
    client = Client()
    response = log_in(client, "dpo", "pw")
    assert response.status_code == 302 and response["Location"] == reverse("console:home")
    assert client.get(reverse("console:home")).status_code == 200


def test_a_wrong_password_shows_the_form_again(dpo):
    response = log_in(Client(), "dpo", "wrong")
    assert response.status_code == 200
    assert "errors" in response.content.decode()


def test_the_login_is_locked_after_five_failures_even_with_the_right_password(dpo, settings):
    client = Client()
    for _ in range(settings.REGISTRE_LOGIN_FAILURES):
        log_in(client, "dpo", "wrong")
    response = log_in(client, "dpo", "pw")
    assert response.status_code == 200
    assert response.context["form"].errors["__all__"][0].startswith(("Trop de tentatives", "Too many"))
    assert log_in(Client(), "dpo", "pw", address="10.0.0.2").status_code == 302, "another address is not locked"


def test_a_successful_login_forgets_earlier_failures(dpo, settings):
    client = Client()
    for _ in range(settings.REGISTRE_LOGIN_FAILURES - 1):
        log_in(client, "dpo", "wrong")
    assert log_in(client, "dpo", "pw").status_code == 302
    client.post(reverse("accounts:logout"))
    for _ in range(settings.REGISTRE_LOGIN_FAILURES - 1):
        log_in(client, "dpo", "wrong")
    assert log_in(client, "dpo", "pw").status_code == 302


def test_the_console_speaks_french_by_default_and_english_on_request(db):
    client = Client()
    assert "Connexion à la console" in client.get(reverse("accounts:login")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": reverse("accounts:login")})
    assert "Log in to the console" in client.get(reverse("accounts:login")).content.decode()
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert 'lang="en"' in english.get(reverse("accounts:login")).content.decode()


def test_a_new_token_is_shown_once_then_only_its_prefix(dpo, client_for):
    client = client_for(dpo)
    response = client.post(reverse("accounts:tokens"), {"name": "product", "actions": ["requests.view"]})
    raw = response.context["raw"]
    assert raw in response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0")
    listing = client.get(reverse("accounts:tokens")).content.decode()
    assert raw not in listing and ApiToken.objects.get().prefix in listing


def test_the_token_form_offers_only_the_actions_of_its_owner(agent, client_for):
    form = client_for(agent).get(reverse("accounts:tokens")).context["form"]
    offered = {value for value, _label in form.fields["actions"].choices}
    assert "requests.handle" in offered and "audit.view" not in offered
    response = client_for(agent).post(reverse("accounts:tokens"), {"name": "x", "actions": ["audit.view"]})
    assert response.status_code == 200 and not ApiToken.objects.exists()


def test_staff_see_their_own_tokens_and_administrators_every_token(agent, dpo, admin, client_for):
    create_token(agent, "agent-token", ["requests.view"])
    create_token(dpo, "dpo-token", ["requests.view"])
    names = lambda user: {t.name for t in client_for(user).get(reverse("accounts:tokens")).context["tokens"]}  # noqa: E731
    assert names(agent) == {"agent-token"}
    assert names(admin) == {"agent-token", "dpo-token"}


def test_the_owner_revokes_their_token(agent, client_for):
    token, _ = create_token(agent, "mine", ["requests.view"])
    response = client_for(agent).post(reverse("accounts:token-revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_the_staff_page_lists_roles_and_scopes(people, client_for):
    from registre.web.accounts.models import StaffScope

    StaffScope.objects.create(user=people["agent"], activities=["prospecting"])
    html = client_for(people["dpo"]).get(reverse("accounts:staff")).content.decode()
    assert "prospecting" in html and "auditor" in html


def test_staff_change_their_password(dpo, client_for):
    client = client_for(dpo)
    response = client.post(
        reverse("accounts:password"),
        {"old_password": "pw", "new_password1": "a-long-new-passphrase", "new_password2": "a-long-new-passphrase"},
    )
    assert response.status_code == 302
    dpo.refresh_from_db()
    assert dpo.check_password("a-long-new-passphrase")
