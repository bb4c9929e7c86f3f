"""The clients page: everyone with a role sees the clients of their scope; DPOs and administrators add them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from registre.web.accounts.models import StaffScope
from registre.web.audit.models import AuditEntry
from registre.web.clients.actions import create_client, ensure_client
from registre.web.clients.models import Client

pytestmark = pytest.mark.django_db
NEW = {"name": "Fax Express", "tenant": "tenant-042", "contact_email": "dpo@fax.example", "language": "en"}


def test_a_dpo_adds_a_client_and_it_is_audited(dpo, client_for):
    response = client_for(dpo).post(reverse("clients:create"), NEW)
    assert response.status_code == 302
    client = Client.objects.get()
    assert (client.name, client.tenant, client.language) == ("Fax Express", "tenant-042", "en")
    assert AuditEntry.objects.filter(action="client.created").exists()


def test_a_tenant_belongs_to_one_client(dpo, client_for):
    create_client("A", "tenant-042", "a@a.example", actor=dpo)
    response = client_for(dpo).post(reverse("clients:create"), NEW)
    assert response.status_code == 400 and Client.objects.count() == 1


def test_agents_see_the_clients_but_cannot_add_one(agent, client_for):
    ensure_client("A", "tenant-001", "a@a.example")
    body = client_for(agent).get(reverse("clients:list")).content.decode()
    assert "tenant-001" in body and reverse("clients:create") not in body
    assert client_for(agent).post(reverse("clients:create"), NEW).status_code == 403


def test_a_client_scoped_agent_sees_only_their_clients(agent, client_for):
    ensure_client("Mine", "tenant-001", "a@a.example")
    ensure_client("Theirs", "tenant-002", "b@b.example")
    StaffScope.objects.create(user=agent, clients=["tenant-001"])
    body = client_for(agent).get(reverse("clients:list")).content.decode()
    assert "Mine" in body and "Theirs" not in body


def test_ensure_client_is_idempotent():
    first = ensure_client("A", "tenant-001", "a@a.example")
    assert ensure_client("Other name", "tenant-001", "b@b.example") == first


def test_a_dpo_edits_the_contract_and_it_is_audited(dpo, client_for):
    client = ensure_client("A", "tenant-001", "a@a.example")
    data = {**NEW, "contract_start": "2024-01-01", "contract_end": "", "deletion_delay_days": 30}
    response = client_for(dpo).post(reverse("clients:edit", args=[client.pk]), data)
    assert response.status_code == 302
    client.refresh_from_db()
    assert (client.name, client.tenant, client.deletion_delay_days) == ("Fax Express", "tenant-001", 30)
    assert str(client.contract_start) == "2024-01-01"
    entry = AuditEntry.objects.get(action="client.updated")
    assert "deletion_delay_days" in entry.details["fields"]


def test_the_deletion_delay_is_ten_days_by_default():
    assert ensure_client("A", "tenant-001", "a@a.example").deletion_delay_days == 10


def test_agents_see_a_client_but_cannot_edit_it(agent, client_for):
    client = ensure_client("A", "tenant-001", "a@a.example")
    body = client_for(agent).get(reverse("clients:detail", args=[client.pk])).content.decode()
    assert "tenant-001" in body and reverse("clients:edit", args=[client.pk]) not in body
    assert client_for(agent).post(reverse("clients:edit", args=[client.pk]), NEW).status_code == 403
