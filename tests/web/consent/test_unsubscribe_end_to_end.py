"""The one-click unsubscribe from a mail client to the target database, on SQLite and on PostgreSQL.

The application database is SQLite or PostgreSQL (the `database` fixture); on PostgreSQL the demo CRM is
built in a PostgreSQL schema too, so the opt-out is executed there. Expected rows come from plain SQL.
"""

from __future__ import annotations

import pytest
from django.db import connections
from django.test import Client
from tests.conftest import make_database_url
from tests.web.conftest import make_person
from tests.web.consent.conftest import subscriber, with_sale_or_sharing

from registre.core.demo import generate_demo_databases
from registre.core.sources.catalog import close_catalogs
from registre.web.accounts.actions import create_token
from registre.web.audit.actions import verify_chain
from registre.web.audit.models import AuditEntry
from registre.web.consent.links import issue_token, unsubscribe_url
from registre.web.consent.models import ConsentEvent
from registre.web.vault.keys import lookup_hash

ONE_CLICK = {"List-Unsubscribe": "One-Click"}


@pytest.fixture
def app_database(database):
    """Every query of the application (views, actions, audit) on the alias under test."""
    if database == "default":
        yield database
        return
    saved = connections["default"]
    connections["default"] = connections["postgresql"]
    try:
        yield database
    finally:
        connections["default"] = saved


@pytest.fixture
def crm(app_database, workspace, monkeypatch, tmp_path):
    """The target CRM's URL: the workspace's SQLite file, or the same demo built in a PostgreSQL schema."""
    if app_database == "default":
        yield workspace.crm
        return
    urls = make_database_url("postgresql", tmp_path)
    url = next(urls)
    generate_demo_databases(url, url, subjects=60, tenants=3)
    monkeypatch.setenv("CRM_DATABASE_URL", url)
    monkeypatch.setenv("PLATFORM_DATABASE_URL", url)
    yield url
    close_catalogs()
    urls.close()


def mail_client():
    """What a mail client's one-click POST is: no session cookie, no CSRF token, CSRF checks enforced."""
    return Client(enforce_csrf_checks=True)


def test_a_one_click_post_opts_out_on_the_target_database_and_enters_the_ledger(crm, workspace):
    email = subscriber(workspace, crm)
    before = workspace.query("SELECT count(*) FROM newsletter WHERE lower(email) = lower(:e)", crm, e=email)[0][0]
    assert before >= 1
    url = unsubscribe_url(issue_token(email, "prospecting", "en"))

    response = mail_client().post(url, ONE_CLICK)

    assert response.status_code == 200
    # The newsletter served prospecting alone: erased. Contacts serve the contract and support too: an
    # objection to prospecting stops prospecting and leaves them to those activities, unrestricted.
    assert workspace.query("SELECT count(*) FROM newsletter WHERE lower(email) = lower(:e)", crm, e=email)[0][0] == 0
    flags = workspace.query("SELECT restricted FROM contacts WHERE lower(email) = lower(:e)", crm, e=email)
    assert flags and not any(bool(flag) for (flag,) in flags)
    event = ConsentEvent.objects.get()
    assert (event.purpose, event.state, event.method, event.basis) == (
        "prospecting",
        "withdrawn",
        "one_click",
        "opt_out",
    )
    assert event.wording_version == "2026-01"
    assert event.wording_text.startswith("Receive the newsletter")
    assert event.evidence["one_click"] is True and len(event.evidence["ip_hash"]) == 64
    assert event.execution["ok"] is True
    entry = AuditEntry.objects.get(action="consent.withdrawn")
    assert entry.subject_ref == lookup_hash(f"email:{email}")
    assert entry.counts["crm.newsletter"] == before
    assert verify_chain() == []


def test_a_replayed_link_is_refused_and_changes_nothing(crm, workspace):
    email = subscriber(workspace, crm)
    url = unsubscribe_url(issue_token(email, "prospecting"))
    assert mail_client().post(url, ONE_CLICK).status_code == 200

    replay = mail_client().post(url, ONE_CLICK)

    assert replay.status_code == 409
    assert ConsentEvent.objects.count() == 1
    assert AuditEntry.objects.filter(action="consent.withdrawn").count() == 1


def test_a_tampered_link_is_refused(crm, workspace):
    token = issue_token(subscriber(workspace, crm), "prospecting")
    tampered = token[:40] + ("A" if token[40] != "A" else "B") + token[41:]

    response = mail_client().post(unsubscribe_url(tampered), ONE_CLICK)

    assert response.status_code == 400
    assert not ConsentEvent.objects.exists()
    before = workspace.query("SELECT count(*) FROM newsletter", crm)[0][0]
    assert before == workspace.query("SELECT count(*) FROM newsletter", crm)[0][0]


def test_the_suppression_api_returns_the_opt_out(crm, workspace, app_database):
    email = subscriber(workspace, crm)
    mail_client().post(unsubscribe_url(issue_token(email, "prospecting")), ONE_CLICK)
    owner = make_person("dpo")
    raw = create_token(owner, "mailer", ["consent.suppressions"])[1]

    response = Client().get("/api/v1/suppressions", headers={"Authorization": f"Bearer {raw}"})

    assert response.status_code == 200, response.content
    items = response.json()["items"]
    assert [(item["email"], item["purpose"], item["method"]) for item in items] == [(email, "prospecting", "one_click")]


def test_a_gpc_signal_on_the_portal_is_recorded_as_an_objection(crm, workspace):
    with_sale_or_sharing(workspace)
    email = subscriber(workspace, crm)
    newsletter = workspace.query("SELECT count(*) FROM newsletter", crm)[0][0]

    response = Client().post("/privacy/request/access/", {"email": email}, headers={"Sec-GPC": "1"})

    assert response.status_code == 302
    event = ConsentEvent.objects.get()
    assert (event.purpose, event.state, event.method) == ("prospecting", "withdrawn", "gpc")
    assert event.evidence["gpc"] is True and event.evidence["verified"] is False
    # The address is not proven yet: recorded, not executed on the databases.
    assert event.execution is None
    assert workspace.query("SELECT count(*) FROM newsletter", crm)[0][0] == newsletter
