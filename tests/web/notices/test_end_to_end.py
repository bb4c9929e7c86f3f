"""A sub-processor change from the policy to the clients' answers, on SQLite and on PostgreSQL.

Messaging engages Zendesk (United States) 40 days from now. Exactly its four
clients are told, each in its language; Acme objects through its link, Online
(whose agreement demands consent to transfers outside the EEA) consents,
Patient and Delta say nothing and accept by silence once the window has passed.
"""

from __future__ import annotations

import datetime as dt

from django.core import mail
from django.test import Client as Browser
from django.utils import timezone
from tests.web.notices.conftest import effective_in, link_sent_to, with_effective

from registre.web.audit.actions import verify_chain
from registre.web.audit.models import AuditEntry
from registre.web.notices import actions
from registre.web.notices.models import ClientNotice


def answer(token, choice, name):
    return Browser().post(f"/privacy/sub-processors/{token}/", {"answer": choice, "name": name})


def test_a_change_reaches_exactly_the_clients_concerned_and_each_answer_decides_for_its_client(
    versions, clients, app_database
):
    old, new = versions
    effective = effective_in(40)
    new = with_effective(new, effective)

    campaign = actions.open_campaign("system", old, new, old_label="v1.yaml", new_label="v2.yaml")

    # Exactly the clients of messaging: Quiet (archiving only) hears nothing.
    told = sorted(notice.client.tenant for notice in campaign.notices.all())
    assert told == ["tenant-a", "tenant-b", "tenant-c", "tenant-d"]
    assert sorted(message.to[0] for message in mail.outbox) == [
        "dpo@acme.example",
        "dpo@delta.example",
        "dpo@online.example",
        "rgpd@patient.example",
    ]
    by_address = {message.to[0]: message for message in mail.outbox}
    french, english = by_address["dpo@acme.example"], by_address["dpo@online.example"]
    assert french.subject.startswith("Changement de sous-traitants") and "Zendesk Inc." in french.body
    assert "États-Unis" in french.body and "Data Privacy Framework UE–États-Unis" in french.body
    assert english.subject.startswith("Change of sub-processors") and "United States" in english.body
    assert "requires your prior consent" in english.body  # Online's agreement: consent to transfers outside the EEA
    assert "may object until" in by_address["dpo@delta.example"].body

    # Acme objects through its link; the DPO is alerted.
    acme_page = Browser().get(f"/privacy/sub-processors/{link_sent_to('dpo@acme.example')}/")
    assert acme_page.status_code == 200 and "Zendesk Inc." in acme_page.content.decode()
    objected = answer(link_sent_to("dpo@acme.example"), "objected", "Anne Dupont, DPO")
    assert objected.status_code == 200
    assert [message.to for message in mail.outbox[4:]] == [["dpo@petite.example"]]
    assert "Acme SAS" in mail.outbox[4].subject

    # Online consents; the same link cannot answer twice.
    online = link_sent_to("dpo@online.example")
    assert answer(online, "consented", "Jo Smith, legal").status_code == 200
    assert answer(online, "objected", "Jo Smith, legal").status_code == 409

    # Nothing is settled while the windows are open; on the effective date, silence accepts.
    day_before = timezone.make_aware(dt.datetime.combine(effective - dt.timedelta(days=1), dt.time(12)))
    assert actions.settle_notices(now=day_before) == 0
    on_the_date = timezone.make_aware(dt.datetime.combine(effective, dt.time(0, 5)))
    assert actions.settle_notices(now=on_the_date) == 2

    outcomes = {notice.client.tenant: notice.outcome(effective) for notice in ClientNotice.objects.all()}
    assert outcomes == {
        "tenant-a": "objected",
        "tenant-b": "consented",
        "tenant-c": "accepted",
        "tenant-d": "accepted",
    }
    audit = sorted(AuditEntry.objects.filter(action__startswith="notices.").values_list("action", flat=True))
    assert audit == [
        "notices.accepted_by_silence",
        "notices.accepted_by_silence",
        "notices.campaign_opened",
        "notices.consented",
        "notices.delivered",
        "notices.delivered",
        "notices.delivered",
        "notices.delivered",
        "notices.dpo_alerted",
        "notices.objected",
    ]
    assert AuditEntry.objects.get(action="notices.objected").actor_name == "client:tenant-a"
    assert verify_chain() == []


def test_a_late_notice_is_refused_unless_accepted_then_flagged_and_its_window_runs_in_full(
    versions, clients, app_database
):
    old, new = versions
    # Twenty days ahead: Patient's agreement promises 30 days, so its notice would be late; the others' 15 are not.
    effective = effective_in(20)
    new = with_effective(new, effective)

    try:
        actions.open_campaign("system", old, new, old_label="v1", new_label="v2")
    except actions.CampaignRefused as refused:
        assert "Patient SARL" in str(refused) and "Acme" not in str(refused)
    else:
        raise AssertionError("a late notice must be refused")
    assert not ClientNotice.objects.exists() and not mail.outbox

    campaign = actions.open_campaign("system", old, new, old_label="v1", new_label="v2", allow_late=True)

    patient = campaign.notices.get(client__tenant="tenant-c")
    acme = campaign.notices.get(client__tenant="tenant-a")
    assert patient.late and not acme.late
    assert patient.closes == timezone.localdate() + dt.timedelta(days=30) and acme.closes == effective
    assert "ne s’appliquera pas à vos données avant" in next(
        message.body for message in mail.outbox if message.to == ["rgpd@patient.example"]
    )
    assert AuditEntry.objects.get(action="notices.campaign_opened").details["late"] == 1


def test_a_consent_owed_and_not_given_is_a_refusal_that_blocks_the_change_and_alerts_the_dpo(
    versions, clients, app_database
):
    old, new = versions
    effective = effective_in(40)
    actions.open_campaign("system", old, with_effective(new, effective), old_label="v1", new_label="v2")
    mail.outbox.clear()

    actions.settle_notices(now=timezone.make_aware(dt.datetime.combine(effective, dt.time(9))))

    online = ClientNotice.objects.get(client__tenant="tenant-b")
    assert online.outcome(effective) == "refused" and online.dpo_alerted_at is not None
    assert [message.to for message in mail.outbox] == [["dpo@petite.example"]]
    assert AuditEntry.objects.filter(action="notices.refused_by_silence").count() == 1
    assert AuditEntry.objects.filter(action="notices.accepted_by_silence").count() == 3
