"""The log of client instructions: documented entries, the unlawful flag and its e-mail, the forwarded requests."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone, translation
from tests.web.conftest import make_person

from registre.web.accounts.models import StaffScope
from registre.web.audit.models import AuditEntry
from registre.web.clients.actions import ensure_client
from registre.web.instructions import actions
from registre.web.instructions.models import Instruction, within_scope
from registre.web.requests import actions as requests

TEXT = "Keep the message logs of our users 90 days, then delete them."


def log(actor, client, **changes):
    values = {
        "client": client,
        "channel": "email",
        "given_by": "Anne Dupont, DPO",
        "text": TEXT,
        "activities": ["hosted-messaging"],
        "received_at": timezone.now() - dt.timedelta(days=2),
    }
    values.update(changes)
    return actions.record_instruction(actor, **values)


def make_client(tenant, language):
    return ensure_client(f"Client {tenant}", tenant, f"dpo@{tenant}.example", language=language)


def test_an_instruction_is_logged_encrypted_with_an_audit_entry_that_holds_no_text(app_database):
    dpo = make_person("dpo")
    client = make_client("acme", "fr")
    found = log(dpo, client)
    year = timezone.localdate(found.received_at).year
    assert found.reference == f"I-{year}-0001" and log(dpo, client).reference == f"I-{year}-0002"
    with connection.cursor() as cursor:
        cursor.execute("SELECT text, given_by, activities FROM instructions_instruction WHERE id = %s", [found.pk])
        text, given_by, activities = cursor.fetchone()
    assert TEXT not in text and "Dupont" not in given_by and "hosted-messaging" in str(activities)
    entry = AuditEntry.objects.filter(action="instruction.recorded").order_by("sequence").first()
    assert entry.details["instruction"] == found.reference and entry.details["activities"] == ["hosted-messaging"]
    assert TEXT not in str(entry.details) and "Dupont" not in str(entry.details)
    assert entry.actor_id == str(dpo.pk) or entry.actor_kind == "user"


@pytest.mark.parametrize(
    ("activity", "message"),
    [
        ("prospecting", "traitement effectué en tant que responsable"),
        ("nothing", "n’est pas une activité de la politique"),
    ],
)
def test_processing_the_client_does_not_instruct_is_refused_in_french(db, dpo, activity, message):
    with translation.override("fr"), pytest.raises(actions.InstructionError, match=message):
        log(dpo, make_client("acme", "fr"), activities=[activity])
    assert not Instruction.objects.exists() and not AuditEntry.objects.filter(action="instruction.recorded").exists()


def test_an_instruction_from_the_future_or_without_its_author_is_refused(db, dpo):
    client = make_client("acme", "fr")
    with pytest.raises(actions.InstructionError):
        log(dpo, client, received_at=timezone.now() + dt.timedelta(hours=1))
    with pytest.raises(actions.InstructionError):
        log(dpo, client, given_by="  ")
    with pytest.raises(actions.InstructionError):
        log(dpo, client, channel="request")  # only a forwarded request logs itself so


@pytest.mark.parametrize(
    ("language", "subject", "words"),
    [
        ("fr", "Une instruction que nous estimons illicite", ["Bonjour", "Article 28(3)", "2 décembre 2026"]),
        ("en", "An instruction that we consider unlawful", ["Hello", "Article 28(3)", "2 December 2026"]),
    ],
)
def test_flagging_an_instruction_tells_the_client_why_in_its_language(app_database, language, subject, words):
    dpo = make_person("dpo")
    client = make_client("acme", language)
    received = timezone.make_aware(dt.datetime(2026, 12, 2, 10, 0))
    found = log(dpo, client, received_at=received, text="Send the users' data to our US partner unencrypted.")
    actions.flag_unlawful(found, dpo, reason="  No safeguard for a transfer outside the EEA.  ")
    found.refresh_from_db()
    assert found.flagged and found.client_told_at and found.unlawful_reason.startswith("No safeguard")
    [message] = mail.outbox
    assert message.to == ["dpo@acme.example"] and message.subject.startswith(subject)
    assert all(word in message.body for word in words) and "No safeguard for a transfer" in message.body
    actions_logged = list(AuditEntry.objects.order_by("sequence").values_list("action", flat=True))
    assert actions_logged[-2:] == ["instruction.flagged_unlawful", "instruction.client_told"]
    with pytest.raises(actions.InstructionError):
        actions.flag_unlawful(found, dpo, reason="Again.")
    assert len(mail.outbox) == 1


def test_a_flag_needs_its_reason_and_a_manager(db, dpo, agent):
    found = log(agent, make_client("acme", "fr"))
    with pytest.raises(PermissionDenied):
        actions.flag_unlawful(found, agent, reason="No basis.")
    with pytest.raises(actions.InstructionError):
        actions.flag_unlawful(found, dpo, reason="   ")
    assert not mail.outbox and not Instruction.objects.get().flagged


def test_a_client_scoped_agent_logs_and_sees_only_its_clients_instructions(app_database):
    dpo, agent = make_person("dpo"), make_person("agent")
    acme, globex = make_client("acme", "fr"), make_client("globex", "en")
    StaffScope.objects.create(user=agent, clients=["acme"])
    mine, theirs = log(agent, acme), log(dpo, globex)
    with pytest.raises(PermissionDenied):
        log(agent, globex)
    assert list(within_scope(Instruction.objects.all(), agent)) == [mine]
    assert set(within_scope(Instruction.objects.all(), dpo)) == {mine, theirs}


def test_an_activity_scoped_agent_sees_the_instructions_covering_its_activities(db, dpo, agent):
    client = make_client("acme", "fr")
    StaffScope.objects.create(user=agent, activities=["hosted-messaging"])
    covering, other = log(dpo, client), log(dpo, client, activities=[])
    assert list(within_scope(Instruction.objects.all(), agent)) == [covering]
    assert other in within_scope(Instruction.objects.all(), dpo)


def test_a_forwarded_requests_instruction_is_an_entry_of_the_clients_log(db, workspace, demo_clients, agent):
    email = workspace.query("SELECT email FROM tenant_users ORDER BY id DESC LIMIT 1", workspace.platform)[0][0]
    request = requests.create_request(kind="erasure", channel="email", email=email, actor="system")
    requests.verify_identity(request, "system", method="manual")
    request.refresh_from_db()
    requests.record_instruction(request, agent, instruction="Erase the user's account.", given_by="Jane Roe, DPO")
    entry = Instruction.objects.get()
    assert (entry.client, entry.request, entry.channel) == (request.client, request, "request")
    assert (entry.text, entry.given_by, entry.activities) == (
        "Erase the user's account.",
        "Jane Roe, DPO",
        ["hosted-messaging"],
    )
    recorded = AuditEntry.objects.get(action="instruction.recorded")
    assert recorded.request_id == request.reference and recorded.details["request"] == request.reference
