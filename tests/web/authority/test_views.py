"""The authority-request register in the console."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from registre.web.accounts.models import StaffScope
from registre.web.authority import actions
from registre.web.authority.models import AuthorityRequest
from registre.web.clients.actions import ensure_client

pytestmark = pytest.mark.django_db
FORM = {
    "authority": "DGFiP",
    "legal_basis": "Livre des procédures fiscales, art. L81",
    "data_requested": "Invoices of 2025",
    "compelled": "on",
}


def test_the_dpo_records_a_request_from_the_console(workspace, dpo, client_for):
    response = client_for(dpo).post("/console/authority-requests/new/", FORM)
    found = AuthorityRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/console/authority-requests/{found.pk}/"
    assert found.compelled and found.reference.startswith("A-")


def test_a_gag_without_its_basis_is_shown_again(workspace, dpo, client_for):
    response = client_for(dpo).post("/console/authority-requests/new/", {**FORM, "gag_until": "2027-01-01"})
    assert response.status_code == 400 and not AuthorityRequest.objects.exists()


def test_under_a_gag_the_page_offers_no_notice_and_says_until_when(workspace, dpo, client_for):
    until = timezone.localdate() + dt.timedelta(days=10)
    found = actions.record_request(
        dpo, **{**FORM, "compelled": True}, email="ada@example.org", gag_until=until, gag_basis="Court order"
    )
    page = client_for(dpo).get(f"/console/authority-requests/{found.pk}/").content.decode()
    assert "/person-told/" not in page and "jour suivant" in page


def test_telling_the_client_under_a_gag_is_refused_with_a_message(workspace, dpo, client_for):
    from registre.web.clients.actions import ensure_client

    client = ensure_client("Acme", "tenant-001", "privacy@acme.example")
    found = actions.record_request(
        dpo, **{**FORM, "compelled": True}, client=client, gag_until=timezone.localdate(), gag_basis="Court order"
    )
    response = client_for(dpo).post(f"/console/authority-requests/{found.pk}/tell-client/", follow=True)
    found.refresh_from_db()
    assert found.client_told_at is None and "interdit" in response.content.decode()


def test_a_refusal_needs_its_reason(workspace, dpo, client_for):
    found = actions.record_request(dpo, **{**FORM, "compelled": False})
    assert client_for(dpo).post(f"/console/authority-requests/{found.pk}/refuse/", {}).status_code == 400
    client_for(dpo).post(f"/console/authority-requests/{found.pk}/refuse/", {"reason": "No legal obligation."})
    found.refresh_from_db()
    assert found.status == "refused"


def test_an_auditor_reads_the_register_without_the_forms(workspace, dpo, auditor, client_for):
    found = actions.record_request(dpo, **{**FORM, "compelled": True})
    page = client_for(auditor).get("/console/authority-requests/").content.decode()
    assert found.reference in page and "/new/" not in page


def test_a_client_scoped_dpo_sees_and_acts_on_its_clients_requests_only(workspace, dpo, admin, client_for):
    acme = ensure_client("Acme", "acme", "privacy@acme.example")
    globex = ensure_client("Globex", "globex", "privacy@globex.example")
    mine = actions.record_request(dpo, **{**FORM, "compelled": True}, client=acme)
    theirs = actions.record_request(dpo, **{**FORM, "compelled": True}, client=globex)
    StaffScope.objects.create(user=admin, clients=["acme"])
    console = client_for(admin)
    listed = console.get("/console/authority-requests/").content.decode()
    assert mine.reference in listed and theirs.reference not in listed
    assert console.get(f"/console/authority-requests/{theirs.pk}/").status_code == 404
    assert console.post(f"/console/authority-requests/{theirs.pk}/refuse/", {"reason": "x"}).status_code == 404
    assert console.get(f"/console/authority-requests/{mine.pk}/").status_code == 200
    theirs.refresh_from_db()
    assert theirs.status == "received"
