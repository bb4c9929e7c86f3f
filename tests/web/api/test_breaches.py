"""The breach register through the REST API: tokens with breaches.view / breaches.manage, as the console does."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from registre.web.audit.models import AuditEntry
from registre.web.breaches.models import Breach
from registre.web.clients.actions import ensure_client

pytestmark = pytest.mark.django_db
MANAGE = ["breaches.view", "breaches.manage"]


def a_breach(**changes):
    body = {
        "title": "Misdirected export",
        "aware_at": (timezone.now() - dt.timedelta(hours=2)).isoformat(),
        "datasets": ["crm.contacts"],
        "natures": ["confidentiality"],
        "description": "An export was sent to the wrong customer.",
        "risk": "risk",
    }
    body.update(changes)
    return body


def test_a_dpo_token_declares_a_breach_and_reads_its_clock(workspace, dpo, api_as):
    api = api_as(dpo, MANAGE)
    response = api.post("/api/v1/breaches", a_breach())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["reference"].startswith("B-") and body["activities"]
    [clock] = body["clocks"]
    assert clock["duty"] == "authority" and clock["status"] == "running"
    assert AuditEntry.objects.filter(action="breach.declared", actor_kind="api").exists()


def test_a_processor_breach_lists_the_clients_found_in_the_data(workspace, dpo, api_as):
    for tenant in workspace.report.tenant_ids:
        ensure_client(f"Client {tenant}", tenant, f"privacy@{tenant}.example")
    body = api_as(dpo, MANAGE).post("/api/v1/breaches", a_breach(datasets=["platform.tenant_users"])).json()
    assert sorted(body["clients"]) == sorted(workspace.report.tenant_ids)
    assert [clock["duty"] for clock in body["clocks"]] == ["client"]


def test_notifications_are_recorded_phase_after_phase(workspace, dpo, api_as):
    api = api_as(dpo, MANAGE)
    reference = api.post("/api/v1/breaches", a_breach()).json()["reference"]
    now = timezone.now().isoformat()
    api.post(f"/api/v1/breaches/{reference}/notifications", {"recipient": "authority", "sent_at": now})
    response = api.post(
        f"/api/v1/breaches/{reference}/notifications",
        {"recipient": "authority", "sent_at": now, "details": "Numbers confirmed."},
    )
    assert response.status_code == 201
    assert [item["phase"] for item in response.json()["notifications"]] == [1, 2]
    assert response.json()["clocks"][0]["status"] == "done"


def test_a_late_notification_without_reasons_is_a_refused_input(workspace, dpo, api_as):
    api = api_as(dpo, MANAGE)
    aware = (timezone.now() - dt.timedelta(hours=100)).isoformat()
    reference = api.post("/api/v1/breaches", a_breach(aware_at=aware)).json()["reference"]
    response = api.post(
        f"/api/v1/breaches/{reference}/notifications", {"recipient": "authority", "sent_at": timezone.now().isoformat()}
    )
    assert response.status_code == 400
    assert response.json()["type"] == "urn:registre:problem:refused-input"


def test_an_unknown_dataset_is_a_refused_input(workspace, dpo, api_as):
    response = api_as(dpo, MANAGE).post("/api/v1/breaches", a_breach(datasets=["crm.nothing"]))
    assert response.status_code == 400 and not Breach.objects.exists()


def test_an_auditor_token_reads_but_cannot_declare(workspace, dpo, auditor, api_as):
    api_as(dpo, MANAGE).post("/api/v1/breaches", a_breach())
    reader = api_as(auditor, ["breaches.view"])
    assert len(reader.get("/api/v1/breaches").json()) == 1
    assert reader.post("/api/v1/breaches", a_breach()).status_code == 403


def test_a_token_without_the_action_is_refused_and_no_token_is_unauthenticated(workspace, dpo, api_as):
    assert api_as(dpo, ["requests.view"]).get("/api/v1/breaches").status_code == 403
    assert api_as(None).get("/api/v1/breaches").status_code == 401


def test_an_unknown_breach_is_not_found(workspace, dpo, api_as):
    assert api_as(dpo, MANAGE).get("/api/v1/breaches/B-2026-9999").status_code == 404


def test_client_notices_are_sent_through_the_api(workspace, dpo, api_as, mailoutbox):
    for tenant in workspace.report.tenant_ids:
        ensure_client(f"Client {tenant}", tenant, f"privacy@{tenant}.example")
    api = api_as(dpo, MANAGE)
    reference = api.post("/api/v1/breaches", a_breach(datasets=["platform.tenant_messages"])).json()["reference"]
    response = api.post(f"/api/v1/breaches/{reference}/client-notices", {})
    assert response.status_code == 201
    assert len(mailoutbox) == len(response.json()["clients"])
    assert {item["recipient"] for item in response.json()["notifications"]} == {"client"}
