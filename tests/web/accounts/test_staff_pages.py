"""The Staff page: an administrator creates an account, changes its role and client scope, deactivates it."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from registre.web.accounts.actions import create_token
from registre.web.accounts.models import ApiToken, StaffScope
from registre.web.audit.models import AuditEntry
from registre.web.clients.actions import ensure_client

pytestmark = pytest.mark.django_db


def test_an_administrator_creates_a_staff_member_whose_password_is_shown_once(admin, client_for):
    ensure_client("Client 001", "tenant-001", "dpo@client.example")
    data = {"email": "zoe@exemple.fr", "username": "zoe", "role": "agent", "clients": ["tenant-001"]}
    page = client_for(admin).post(reverse("accounts:staff"), data)
    assert page.status_code == 200
    password = re.search(r'id="password-value"[^>]*value="([^"]+)"', page.content.decode()).group(1)
    zoe = User.objects.get(username="zoe")
    assert zoe.check_password(password) and zoe.groups.get().name == "agent"
    assert StaffScope.objects.get(user=zoe).clients == ["tenant-001"]
    assert AuditEntry.objects.filter(action="staff.created", actor_name="admin").count() == 1
    assert password not in client_for(admin).get(reverse("accounts:staff")).content.decode()


def test_a_duplicate_username_is_an_error_on_the_form(admin, agent, client_for):
    page = client_for(admin).post(
        reverse("accounts:staff"), {"email": "a@exemple.fr", "username": "agent", "role": "dpo"}
    )
    assert page.status_code == 400 and "already exists" in page.content.decode()


def test_an_administrator_changes_the_role_and_client_scope(admin, agent, client_for):
    ensure_client("Client 002", "tenant-002", "dpo@client.example")
    url = reverse("accounts:staff-edit", args=[agent.pk])
    assert client_for(admin).post(url, {"role": "dpo", "clients": ["tenant-002"]}).status_code == 302
    agent.refresh_from_db()
    assert [group.name for group in agent.groups.all()] == ["dpo"]
    assert StaffScope.objects.get(user=agent).clients == ["tenant-002"]
    entry = AuditEntry.objects.get(action="staff.updated")
    assert entry.details["role"] == "dpo" and entry.details["clients"] == ["tenant-002"]


def test_deactivating_closes_the_login_and_revokes_the_tokens(admin, agent, client_for):
    token = create_token(agent, "product", ["requests.view"])[0]
    response = client_for(admin).post(reverse("accounts:staff-deactivate", args=[agent.pk]))
    assert response.status_code == 302
    agent.refresh_from_db()
    assert not agent.is_active and ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert client_for(agent).get(reverse("console:home")).status_code == 302  # back to the login page
    assert AuditEntry.objects.filter(action="staff.deactivated").count() == 1


def test_an_administrator_cannot_deactivate_themselves(admin, client_for):
    client_for(admin).post(reverse("accounts:staff-deactivate", args=[admin.pk]))
    admin.refresh_from_db()
    assert admin.is_active


def test_a_dpo_sees_the_staff_but_cannot_change_them(dpo, agent, client_for):
    client = client_for(dpo)
    page = client.get(reverse("accounts:staff")).content.decode()
    assert "agent" in page and reverse("accounts:staff-edit", args=[agent.pk]) not in page
    assert client.post(reverse("accounts:staff"), {"email": "x@exemple.fr", "role": "agent"}).status_code == 403
    assert client.post(reverse("accounts:staff-edit", args=[agent.pk]), {"role": "dpo"}).status_code == 403
