"""Authority requests through the REST API: the register in pages, its steps, and the client scope of tokens."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from registre.web.accounts.models import StaffScope
from registre.web.audit.models import AuditEntry
from registre.web.authority.models import AuthorityRequest
from registre.web.clients.actions import ensure_client

pytestmark = pytest.mark.django_db
MANAGE = ["authority.view", "authority.manage", "retention.hold"]
PATH = "/api/v1/authority-requests"


def a_request(**changes):
    body = {
        "authority": "Tribunal judiciaire de Lille",
        "legal_basis": "CPP art. 60-1",
        "data_requested": "Connection logs",
        "compelled": True,
    }
    body.update(changes)
    return body


def test_a_dpo_token_records_plans_discloses_holds_and_tells_the_client(workspace, dpo, api_as):
    tenant = workspace.report.tenant_ids[0]
    ensure_client("Acme", tenant, "privacy@acme.example", language="en")
    api = api_as(dpo, MANAGE)
    email = workspace.sample(1)["email"]
    created = api.post(PATH, a_request(email=email))
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["person_named"] and body["client"] is None and email not in created.content.decode()
    reference = body["reference"]
    planned = api.post(f"{PATH}/{reference}/plan").json()["planned"]
    contacts = workspace.query("SELECT COUNT(*) FROM contacts WHERE lower(email) = lower(:email)", email=email)[0][0]
    assert {item["reference"]: item["rows"] for item in planned}["crm.contacts"] == contacts > 0
    disclosed = api.post(f"{PATH}/{reference}/disclose").json()
    assert disclosed["status"] == "disclosed" and disclosed["disclosed"] == planned
    assert api.post(f"{PATH}/{reference}/hold").json()["hold"]
    assert api.post(f"{PATH}/{reference}/client-notice").status_code == 400  # no client named
    for_client = api.post(PATH, a_request(client=tenant)).json()["reference"]
    told = api.post(f"{PATH}/{for_client}/client-notice").json()
    assert told["client_told_at"] and mail.outbox[-1].to == ["privacy@acme.example"]
    actions = set(AuditEntry.objects.filter(actor_kind="api").values_list("action", flat=True))
    assert {
        "authority_request.recorded",
        "authority_request.planned",
        "authority_request.disclosed",
        "authority_request.held",
        "authority_request.client_told",
    } <= actions


def test_a_gagged_request_refuses_the_notice_as_refused_input(db, dpo, api_as):
    api = api_as(dpo, MANAGE)
    ensure_client("Acme", "acme", "privacy@acme.example")
    gag = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    reference = api.post(PATH, a_request(client="acme", gag_until=gag, gag_basis="CPP art. 11")).json()["reference"]
    response = api.post(f"{PATH}/{reference}/client-notice")
    assert response.status_code == 400 and response["Content-Type"].startswith("application/problem+json")
    assert not mail.outbox


def test_a_refusal_needs_its_reason_and_an_uncompelled_request_is_not_disclosed(db, dpo, api_as):
    api = api_as(dpo, MANAGE)
    reference = api.post(PATH, a_request(compelled=False)).json()["reference"]
    assert api.post(f"{PATH}/{reference}/disclose").status_code == 400
    assert api.post(f"{PATH}/{reference}/refuse", {"reason": ""}).status_code == 422
    refused = api.post(f"{PATH}/{reference}/refuse", {"reason": "No legal obligation."}).json()
    assert refused["status"] == "refused" and refused["refusal"] == "No legal obligation."


def test_bad_input_is_refused_without_a_record(db, dpo, api_as):
    api = api_as(dpo, MANAGE)
    assert api.post(PATH, a_request(email="not an address")).status_code == 400
    assert api.post(PATH, a_request(client="nobody")).status_code == 400
    assert api.post(PATH, a_request(gag_until="2030-01-01")).status_code == 400  # a gag names its basis
    assert not AuthorityRequest.objects.exists()


def test_the_list_is_paged_and_filtered(db, dpo, api_as):
    api = api_as(dpo, MANAGE)
    for _ in range(3):
        api.post(PATH, a_request())
    page = api.get(PATH, {"limit": 2, "offset": 1}).json()
    assert (page["count"], page["limit"], page["offset"], len(page["items"])) == (3, 2, 1, 2)
    assert api.get(PATH, {"status": "refused"}).json()["count"] == 0


def test_an_auditor_token_reads_but_cannot_record(db, dpo, auditor, api_as):
    api_as(dpo, MANAGE).post(PATH, a_request())
    api = api_as(auditor, ["authority.view"])
    assert api.get(PATH).json()["count"] == 1
    response = api.post(PATH, a_request())
    assert response.status_code == 403 and response.json()["type"] == "urn:registre:problem:forbidden"


def test_a_token_without_the_action_is_forbidden_even_for_a_dpo(db, dpo, api_as):
    assert api_as(dpo, ["requests.view"]).get(PATH).status_code == 403


def test_a_client_scoped_token_never_sees_another_clients_request(db, dpo, admin, api_as):
    ensure_client("Acme", "acme", "privacy@acme.example")
    ensure_client("Globex", "globex", "privacy@globex.example")
    api = api_as(dpo, MANAGE)
    theirs = api.post(PATH, a_request(client="globex")).json()["reference"]
    unnamed = api.post(PATH, a_request()).json()["reference"]
    mine = api.post(PATH, a_request(client="acme")).json()["reference"]
    StaffScope.objects.create(user=admin, clients=["acme"])
    scoped = api_as(admin, MANAGE)
    assert [item["reference"] for item in scoped.get(PATH).json()["items"]] == [mine]
    for reference in (theirs, unnamed):
        assert scoped.get(f"{PATH}/{reference}").status_code == 404
        assert scoped.post(f"{PATH}/{reference}/refuse", {"reason": "x"}).status_code == 404
    assert scoped.post(PATH, a_request(client="globex")).status_code == 403
    assert AuthorityRequest.objects.get(reference=theirs).status == "received"
