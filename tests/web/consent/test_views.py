"""The console's consent pages and the public unsubscribe page, in French and English."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from tests.web.consent.conftest import subscriber

from registre.web.audit.models import AuditEntry
from registre.web.consent import actions
from registre.web.consent.links import issue_token, unsubscribe_url
from registre.web.consent.models import ConsentEvent

pytestmark = pytest.mark.django_db


def french(user=None):
    client = Client(headers={"Accept-Language": "fr"})
    if user is not None:
        client.force_login(user)
    return client


def test_the_ledger_lists_the_purposes_and_the_latest_events(workspace, client_for, agent):
    actions.record_consent("system", email="ada@example.org", purpose="prospecting", state="given", method="form")
    page = client_for(agent).get("/console/consent/").content.decode()
    assert "prospecting" in page and "call-quality" in page and "2026-01" in page
    assert "ada@example.org" not in page


def test_the_console_shows_one_persons_standing_and_history(workspace, client_for, auditor):
    actions.record_consent("system", email="ada@example.org", purpose="call-quality", state="withdrawn", method="form")
    page = client_for(auditor).post("/console/consent/person/", {"email": "ada@example.org"}).content.decode()
    assert "Opposition exprimée" in page and "call-quality" in page


def test_a_malformed_address_is_answered_with_the_form_again(workspace, client_for, agent):
    assert client_for(agent).post("/console/consent/person/", {"email": "nope"}).status_code == 400


def test_staff_record_a_consent_received_by_letter(workspace, client_for, agent):
    data = {"email": "ada@example.org", "purpose": "prospecting", "state": "given", "lang": "en", "note": "letter"}
    response = client_for(agent).post("/console/consent/record/", data)
    assert response.status_code == 302
    event = ConsentEvent.objects.get()
    assert (event.method, event.recorded_by_name, event.evidence["note"]) == ("console", "agent", "letter")


def test_a_refused_event_is_explained_in_french(workspace, dpo):
    data = {
        "email": "ada@example.org",
        "purpose": "prospecting",
        "state": "given",
        "lang": "fr",
        "wording_version": "v9",
    }
    response = french(dpo).post("/console/consent/record/", data)
    assert response.status_code == 400
    assert "n’a pas de texte" in response.content.decode()
    assert not ConsentEvent.objects.exists()


def test_the_proof_of_consent_downloads_as_json(workspace, client_for, auditor):
    actions.record_consent("system", email="ada@example.org", purpose="prospecting", state="given", method="form")
    response = client_for(auditor).post("/console/consent/proof/", {"email": "ada@example.org"})
    assert response["Content-Disposition"].startswith('attachment; filename="consent-proof-')
    proof = json.loads(response.content)
    assert proof["email"] == "ada@example.org" and proof["events"][0]["wording_version"] == "2026-01"


def test_the_confirmation_page_asks_in_the_links_language(workspace):
    english = Client().get(unsubscribe_url(issue_token("ada@example.org", "prospecting", "en"))).content.decode()
    assert "Stop receiving messages for “Prospecting and newsletter”?" in english
    page = Client().get(unsubscribe_url(issue_token("ada@example.org", "prospecting", "fr"))).content.decode()
    assert "Ne plus recevoir de messages pour « Prospection commerciale et lettre d&#x27;information » ?" in page
    assert not ConsentEvent.objects.exists()


def test_the_pages_button_unsubscribes_without_a_csrf_token(workspace):
    email = subscriber(workspace)
    url = unsubscribe_url(issue_token(email, "prospecting", "fr"))
    response = Client(enforce_csrf_checks=True).post(url)
    assert response.status_code == 200
    assert "Vous êtes désinscrit" in response.content.decode()
    event = ConsentEvent.objects.get()
    assert event.evidence["one_click"] is False and event.method == "one_click"


def test_a_used_link_says_so(workspace):
    url = unsubscribe_url(issue_token(subscriber(workspace), "prospecting", "en"))
    Client().post(url, {"List-Unsubscribe": "One-Click"})
    assert "already used" in Client().get(url).content.decode()


def test_a_link_to_a_purpose_the_policy_no_longer_has_is_refused(workspace):
    response = Client().post(unsubscribe_url(issue_token("ada@example.org", "gone-activity")))
    assert response.status_code == 400
    assert not ConsentEvent.objects.exists() and not AuditEntry.objects.exists()


def test_the_gpc_document_is_served(workspace):
    response = Client().get("/.well-known/gpc.json")
    assert response.json() == {"gpc": True, "lastUpdate": "2026-01-01"}


def test_the_ledger_lists_a_sites_cookies_as_a_consent_purpose(workspace, client_for, agent):
    page = client_for(agent).get("/console/consent/").content.decode()
    assert "cookies:www" in page and "Consentement requis" in page


def test_the_ledger_pages_its_events(workspace, client_for, auditor):
    for number in range(55):
        actions.record_consent(
            "system", email=f"p{number}@example.org", purpose="cookies:www", state="given", method="form"
        )
    first = client_for(auditor).get("/console/consent/").content.decode()
    second = client_for(auditor).get("/console/consent/?page=2").content.decode()
    assert "?page=2" in first and "?page=1" in second
    assert first.count("<code>cookies:www</code>") == 1 + 50 and second.count("<code>cookies:www</code>") == 1 + 5


def test_an_auditor_sees_neither_the_recording_form_nor_records(workspace, client_for, auditor):
    page = client_for(auditor).get("/console/consent/").content.decode()
    assert 'action="/console/consent/record/"' not in page
    assert 'formaction="/console/consent/proof/"' in page
