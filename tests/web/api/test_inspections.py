"""Audits through the REST API: scheduled under the agreement's rules, the package kept, the client scope."""

from __future__ import annotations

import hashlib

import pytest

from registre.web.accounts.models import StaffScope
from registre.web.audit.models import AuditEntry
from registre.web.clients.actions import ensure_client
from registre.web.inspections.actions import open_package
from registre.web.inspections.models import Inspection

pytestmark = pytest.mark.django_db
MANAGE = ["inspections.view", "inspections.manage", "audit.export"]
PATH = "/api/v1/inspections"


@pytest.fixture(autouse=True)
def clients():
    ensure_client("Acme", "acme", "dpo@acme.example")
    ensure_client("Globex", "globex", "privacy@globex.example")


def an_audit(**changes):
    body = {"by": "client", "client": "acme", "auditor": "Audit & Co", "requested_on": "2027-01-02"}
    body.update(changes)
    return {"onsite_on": "2027-03-31", **body}


def test_an_audit_is_scheduled_with_its_notice_and_a_second_within_the_year_refused(dpo, api_as):
    api = api_as(dpo, MANAGE)
    created = api.post(PATH, an_audit())
    assert created.status_code == 201, created.content
    assert created.json()["notice_on"] == "2027-03-01" and created.json()["package"] is None
    second = api.post(PATH, an_audit(onsite_on="2027-09-30"))
    assert second.status_code == 400 and "12 months" in second.json()["detail"]
    short = api.post(PATH, an_audit(client="globex", requested_on="2027-03-15"))
    assert short.status_code == 400 and "notice" in short.json()["detail"]
    breach = an_audit(onsite_on="2027-09-30", trigger="breach", trigger_reference="B-2027-0001")
    assert api.post(PATH, breach).status_code == 201
    assert AuditEntry.objects.filter(action="inspection.scheduled", actor_kind="api").count() == 2


def test_the_package_is_built_and_kept_then_the_audit_closed(workspace, dpo, api_as):
    api = api_as(dpo, MANAGE)
    reference = api.post(PATH, an_audit()).json()["reference"]
    kept = api.post(f"{PATH}/{reference}/package", {"lang": "en"})
    assert kept.status_code == 200, kept.content
    package = kept.json()["package"]
    content = b"".join(open_package(Inspection.objects.get(reference=reference)))
    assert package["sha256"] == hashlib.sha256(content).hexdigest()
    assert "instructions-en.csv" in {item["name"] for item in package["files"]}
    closed = api.post(f"{PATH}/{reference}/close", {"status": "done"}).json()
    assert closed["status"] == "done"
    assert api.post(f"{PATH}/{reference}/close", {"status": "cancelled"}).status_code == 400


def test_an_auditor_token_reads_but_cannot_schedule(dpo, auditor, api_as):
    api_as(dpo, MANAGE).post(PATH, an_audit())
    api = api_as(auditor, ["inspections.view"])
    assert api.get(PATH).json()["count"] == 1
    assert api.post(PATH, an_audit(client="globex", onsite_on="2027-06-30")).status_code == 403


def test_a_client_scoped_token_never_sees_another_clients_audit(dpo, admin, api_as):
    api = api_as(dpo, MANAGE)
    theirs = api.post(PATH, an_audit(client="globex")).json()["reference"]
    authority = api.post(PATH, an_audit(by="authority", client=None, auditor="CNIL")).json()["reference"]
    mine = api.post(PATH, an_audit()).json()["reference"]
    StaffScope.objects.create(user=admin, clients=["acme"])
    scoped = api_as(admin, MANAGE)
    assert [item["reference"] for item in scoped.get(PATH).json()["items"]] == [mine]
    for reference in (theirs, authority):
        assert scoped.get(f"{PATH}/{reference}").status_code == 404
        assert scoped.post(f"{PATH}/{reference}/close", {"status": "cancelled"}).status_code == 404
    assert scoped.post(PATH, an_audit(client="globex", onsite_on="2028-06-30")).status_code == 404
    assert Inspection.objects.get(reference=theirs).status == "scheduled"
