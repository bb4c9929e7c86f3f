"""The log of client instructions through the REST API, and the client scope of tokens."""

from __future__ import annotations

import pytest
from django.core import mail

from registre.web.accounts.models import StaffScope
from registre.web.audit.models import AuditEntry
from registre.web.clients.actions import ensure_client
from registre.web.instructions.models import Instruction

pytestmark = pytest.mark.django_db
MANAGE = ["instructions.view", "instructions.record", "instructions.flag"]
PATH = "/api/v1/instructions"


@pytest.fixture(autouse=True)
def clients():
    ensure_client("Acme", "acme", "dpo@acme.example", language="fr")
    ensure_client("Globex", "globex", "privacy@globex.example", language="en")


def an_instruction(**changes):
    body = {
        "client": "acme",
        "channel": "letter",
        "given_by": "Anne Dupont, DPO",
        "text": "Delete the archives of 2019.",
        "activities": ["hosted-messaging"],
    }
    body.update(changes)
    return body


def test_a_token_logs_an_instruction_and_a_dpo_flags_it(dpo, api_as):
    api = api_as(dpo, MANAGE)
    created = api.post(PATH, an_instruction())
    assert created.status_code == 201, created.content
    reference = created.json()["reference"]
    assert created.json()["activities"] == ["hosted-messaging"] and created.json()["flagged_at"] is None
    flagged = api.post(f"{PATH}/{reference}/flag", {"reason": "The archives are under a legal hold."})
    assert flagged.status_code == 200 and flagged.json()["client_told_at"]
    [message] = mail.outbox
    assert message.to == ["dpo@acme.example"] and "instruction que nous estimons illicite" in message.subject
    assert api.post(f"{PATH}/{reference}/flag", {"reason": "Again."}).status_code == 400
    assert api.get(PATH, {"flagged": "true"}).json()["count"] == 1
    actions = list(AuditEntry.objects.filter(actor_kind="api").order_by("sequence").values_list("action", flat=True))
    assert actions == ["instruction.recorded", "instruction.flagged_unlawful", "instruction.client_told"]


def test_controller_processing_or_an_unknown_client_is_refused(dpo, api_as):
    api = api_as(dpo, MANAGE)
    response = api.post(PATH, an_instruction(activities=["prospecting"]))
    assert response.status_code == 400 and "controller" in response.json()["detail"]
    assert api.post(PATH, an_instruction(client="nobody")).status_code == 404
    assert api.post(PATH, an_instruction(channel="request")).status_code == 422
    assert not Instruction.objects.exists()


def test_an_agent_logs_but_does_not_flag(dpo, agent, api_as):
    api = api_as(agent, ["instructions.view", "instructions.record"])
    reference = api.post(PATH, an_instruction())
    assert reference.status_code == 201
    response = api.post(f"{PATH}/{reference.json()['reference']}/flag", {"reason": "x"})
    assert response.status_code == 403 and not mail.outbox


def test_a_client_scoped_token_never_sees_another_clients_instructions(dpo, agent, api_as):
    api = api_as(dpo, MANAGE)
    theirs = api.post(PATH, an_instruction(client="globex")).json()["reference"]
    mine = api.post(PATH, an_instruction()).json()["reference"]
    StaffScope.objects.create(user=agent, clients=["acme"])
    scoped = api_as(agent, ["instructions.view", "instructions.record"])
    page = scoped.get(PATH).json()
    assert [item["reference"] for item in page["items"]] == [mine] and page["count"] == 1
    assert scoped.get(PATH, {"client": "globex"}).json()["count"] == 0
    assert scoped.get(f"{PATH}/{theirs}").status_code == 404
    assert scoped.post(PATH, an_instruction(client="globex")).status_code == 404
    assert Instruction.objects.filter(client__tenant="globex").count() == 1
