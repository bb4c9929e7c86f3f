"""Authority requests on the demo workspace: the access plan's counts, the gag, the hold, the audit entries."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone

from registre.web.audit.models import AuditEntry
from registre.web.authority import actions
from registre.web.authority.models import AuthorityRequest
from registre.web.clients.actions import ensure_client
from registre.web.retention.actions import active_case_holds

pytestmark = pytest.mark.django_db


def a_request(actor, **changes) -> AuthorityRequest:
    values = {
        "authority": "Tribunal judiciaire de Lille",
        "legal_basis": "Code de procédure pénale, art. 60-1",
        "data_requested": "Identity and connection logs of the account holder",
        "compelled": True,
    }
    values.update(changes)
    return actions.record_request(actor, **values)


def test_the_plan_counts_the_persons_rows_as_the_target_database_holds_them(workspace, dpo):
    email = workspace.sample(1)["email"]
    found = actions.plan_disclosure(a_request(dpo, email=email), dpo)
    counted = {item["reference"]: item["rows"] for item in found.planned}
    contacts = workspace.query("SELECT COUNT(*) FROM contacts WHERE lower(email) = lower(:email)", email=email)[0][0]
    assert counted["crm.contacts"] == contacts > 0
    entry = AuditEntry.objects.get(action="authority_request.planned")
    assert email not in str(entry.details) and entry.subject_ref == found.subject_ref


def test_a_compelled_request_is_disclosed_with_what_was_planned(workspace, dpo):
    found = actions.plan_disclosure(a_request(dpo, email=workspace.sample(1)["email"]), dpo)
    actions.disclose(found, dpo)
    found.refresh_from_db()
    assert found.status == "disclosed" and found.disclosed == found.planned and found.disclosed_at


def test_nothing_is_disclosed_when_the_company_is_not_compelled(workspace, dpo):
    found = a_request(dpo, compelled=False)
    with pytest.raises(actions.AuthorityError):
        actions.disclose(found, dpo)
    actions.refuse(found, dpo, reason="A simple letter is no legal obligation.")
    found.refresh_from_db()
    assert found.status == "refused" and found.disclosed_at is None


def test_under_a_gag_the_client_cannot_be_told_until_it_ends(workspace, dpo):
    client = ensure_client("Acme", workspace.report.tenant_ids[0], "privacy@acme.example")
    until = timezone.localdate() + dt.timedelta(days=30)
    found = a_request(dpo, client=client, gag_until=until, gag_basis="Secret de l'enquête (CPP art. 11)")
    with pytest.raises(actions.AuthorityError, match=in_french(until)):
        actions.tell_client(found, dpo)
    assert mail.outbox == [] and found.client_told_at is None
    AuthorityRequest.objects.filter(pk=found.pk).update(gag_until=timezone.localdate() - dt.timedelta(days=1))
    found.refresh_from_db()
    actions.tell_client(found, dpo)
    [message] = mail.outbox
    assert message.to == ["privacy@acme.example"] and found.reference in message.subject
    assert in_french(timezone.localdate(found.received_at)) in message.body
    assert not re.search(r"\d{4}-\d{2}-\d{2}", message.body)
    assert AuditEntry.objects.filter(action="authority_request.client_told").count() == 1


def test_a_gag_needs_its_legal_basis(workspace, dpo):
    with pytest.raises(actions.AuthorityError):
        a_request(dpo, gag_until=timezone.localdate())


def test_the_person_is_told_only_when_no_gag_runs(workspace, dpo):
    found = a_request(dpo, email="ada@example.org", gag_until=timezone.localdate(), gag_basis="Court order")
    with pytest.raises(actions.AuthorityError):
        actions.record_person_told(found, dpo)
    free = a_request(dpo, email="ada@example.org")
    assert actions.record_person_told(free, dpo).person_told_at is not None


def test_a_case_hold_preserves_the_persons_and_the_clients_data(workspace, dpo):
    client = ensure_client("Acme", workspace.report.tenant_ids[0], "privacy@acme.example")
    found = actions.hold_data(a_request(dpo, email=workspace.sample(1)["email"], client=client), dpo)
    [hold] = active_case_holds()
    assert hold.reference == found.reference and hold.tenant == client.tenant and hold.subject is not None
    assert actions.hold_data(found, dpo).hold == found.hold  # once


def test_the_identity_is_stored_encrypted_and_audited_as_a_hash(workspace, dpo):
    found = a_request(dpo, email="ada@example.org")
    with connection.cursor() as cursor:
        cursor.execute("SELECT identities FROM authority_authorityrequest WHERE id = %s", [found.pk])
        stored = cursor.fetchone()[0]
    assert "ada@example.org" not in str(stored)
    entry = AuditEntry.objects.get(action="authority_request.recorded")
    assert entry.subject_ref == found.subject_ref and "ada@" not in str(entry.details)


def test_an_agent_may_not_record_a_request(workspace, agent):
    with pytest.raises(PermissionDenied):
        a_request(agent)


def in_french(day: dt.date) -> str:
    """« 2 décembre 2026 »: the one date format of French pages and e-mails."""
    months = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ]
    return f"{day.day} {months[day.month - 1]} {day.year}"
