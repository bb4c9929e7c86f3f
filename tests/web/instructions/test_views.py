"""The console's log of client instructions: log one, flag it, export the log in French and in English."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils import timezone

from registre.web.accounts.models import StaffScope
from registre.web.audit.models import AuditEntry
from registre.web.clients.actions import ensure_client
from registre.web.instructions.actions import record_instruction
from registre.web.instructions.models import Instruction

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme():
    return ensure_client("Acme SAS", "acme", "dpo@acme.example", language="fr")


def form(client, **changes):
    data = {
        "client": str(client.pk),
        "received_at": f"{timezone.localtime() - timezone.timedelta(hours=1):%Y-%m-%dT%H:%M}",
        "channel": "letter",
        "given_by": "Anne Dupont, DPO",
        "text": "Delete the archives of 2019.",
        "activities": ["hosted-messaging"],
    }
    data.update(changes)
    return data


def test_an_agent_logs_an_instruction_from_the_console(agent, acme, client_for):
    response = client_for(agent).post("/console/instructions/new/", form(acme))
    found = Instruction.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/console/instructions/{found.pk}/"
    assert found.recorded_by == agent and found.activities == ["hosted-messaging"]
    page = client_for(agent).get(response["Location"], headers={"accept-language": "fr"}).content.decode()
    assert "Delete the archives of 2019." in page and "Reçue par" in page and "Signaler" not in page


def test_a_form_with_controller_processing_comes_back_with_the_reason(dpo, acme, client_for):
    response = client_for(dpo).post("/console/instructions/new/", form(acme, activities=["prospecting"]))
    assert response.status_code == 400 and not Instruction.objects.exists()


def test_the_dpo_flags_an_instruction_and_the_client_is_told(dpo, acme, client_for):
    found = record_instruction(
        dpo, client=acme, channel="email", given_by="A. D.", text="Keep everything forever.", activities=[]
    )
    response = client_for(dpo).post(f"/console/instructions/{found.pk}/flag/", {"reason": "No retention limit."})
    assert response.status_code == 302 and mail.outbox[0].to == ["dpo@acme.example"]
    assert AuditEntry.objects.filter(action="instruction.flagged_unlawful", actor_kind="user").exists()
    assert client_for(dpo).post(f"/console/instructions/{found.pk}/flag/", {"reason": "Again."}).status_code == 400


@pytest.mark.parametrize(
    ("lang", "heading", "delimiter", "date"),
    [("fr", "Référence;Client;Reçue le", ";", "%d/%m/%Y"), ("en", "Reference,Client,Received on", ",", "%Y-%m-%d")],
)
def test_the_log_exports_in_each_language(dpo, acme, client_for, lang, heading, delimiter, date):
    record_instruction(dpo, client=acme, channel="email", given_by="A. D.", text="=cmd|' /C calc'!A0", activities=[])
    response = client_for(dpo).get("/console/instructions/export/", {"lang": lang, "client": acme.pk})
    text = response.content.decode("utf-8-sig")
    assert response.status_code == 200 and text.startswith(heading)
    row = text.splitlines()[1].split(delimiter)
    assert row[0].startswith("I-") and row[2] == f"{timezone.localdate():{date}}"
    assert "'=cmd" in text  # a formula is written as text, never run by the spreadsheet


def test_a_client_scoped_agent_gets_a_404_for_another_clients_instruction(dpo, agent, acme, client_for):
    globex = ensure_client("Globex", "globex", "privacy@globex.example")
    theirs = record_instruction(dpo, client=globex, channel="email", given_by="G.", text="Secret plan.", activities=[])
    StaffScope.objects.create(user=agent, clients=["acme"])
    assert client_for(agent).get(f"/console/instructions/{theirs.pk}/").status_code == 404
    assert "Secret plan." not in client_for(agent).get("/console/instructions/export/").content.decode("utf-8-sig")
    assert client_for(agent).post("/console/instructions/new/", form(globex)).status_code == 400
