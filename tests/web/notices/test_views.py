"""The console's campaign pages and the client's answer page: what each shows, and the links it refuses."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import Client as Browser
from django.utils import timezone
from tests.web.notices.conftest import effective_in, link_sent_to, with_effective

from registre.web.notices import actions
from registre.web.notices.models import ClientNotice
from registre.web.policy import current_policy
from registre.web.versions.actions import publish_version


@pytest.fixture
def campaign(versions, clients, app_database):
    old, new = versions
    return actions.open_campaign("system", old, with_effective(new, effective_in(40)), old_label="v1", new_label="v2")


def test_the_console_lists_the_campaign_and_each_clients_state(campaign, client_for, dpo):
    browser = client_for(dpo)
    Browser().post(f"/privacy/sub-processors/{link_sent_to('dpo@acme.example')}/", {"answer": "objected", "name": "A"})

    listing = browser.get("/console/notices/", headers={"Accept-Language": "en"})
    detail = browser.get(f"/console/notices/{campaign.pk}/", headers={"Accept-Language": "en"}).content.decode()

    assert listing.status_code == 200 and campaign.reference in listing.content.decode()
    assert "objected" in listing.content.decode() and "awaiting an answer" in listing.content.decode()
    for name in ("Acme SAS", "Online Client SA", "Patient SARL", "Delta SAS"):
        assert name in detail
    assert "Quiet SAS" not in detail
    assert "the change is blocked for this client" in detail
    assert "Zendesk Inc. (established: United States" in detail


def test_the_answer_page_speaks_the_clients_language(campaign):
    french = Browser().get(f"/privacy/sub-processors/{link_sent_to('dpo@acme.example')}/").content.decode()
    english = Browser().get(f"/privacy/sub-processors/{link_sent_to('dpo@online.example')}/").content.decode()
    assert "Changement de sous-traitants" in french and "Vous pouvez vous opposer" in french
    assert "Change of sub-processors" in english and "requires your prior consent" in english


def test_a_tampered_link_is_refused_and_records_nothing(campaign):
    token = link_sent_to("dpo@acme.example")
    tampered = token[:30] + ("A" if token[30] != "A" else "B") + token[31:]

    response = Browser().post(f"/privacy/sub-processors/{tampered}/", {"answer": "objected", "name": "A"})

    assert response.status_code == 400
    assert not ClientNotice.objects.exclude(answer="").exists()


def test_a_link_replaced_by_a_later_sending_no_longer_opens(campaign):
    old_link = link_sent_to("dpo@acme.example")
    notice = ClientNotice.objects.get(client__tenant="tenant-a")
    notice.sent_at = None
    notice.save()
    actions.send_notices(campaign, "system", current_policy())

    assert Browser().get(f"/privacy/sub-processors/{old_link}/").status_code == 400
    assert Browser().get(f"/privacy/sub-processors/{link_sent_to('dpo@acme.example')}/").status_code == 200


def test_an_answer_after_the_window_is_refused(campaign):
    token = link_sent_to("dpo@delta.example")
    notice = ClientNotice.objects.get(client__tenant="tenant-d")
    notice.closes = timezone.localdate() - dt.timedelta(days=1)
    notice.save()

    page = Browser().get(f"/privacy/sub-processors/{token}/", headers={"Accept-Language": "en"})
    response = Browser().post(f"/privacy/sub-processors/{token}/", {"answer": "objected", "name": "Late"})

    assert "The window to answer closed on" in page.content.decode() and "<form method" not in page.content.decode()
    assert response.status_code == 409
    assert ClientNotice.objects.get(pk=notice.pk).answer == ""
    assert not [message for message in mail.outbox if message.to == ["dpo@petite.example"]]


def test_an_answer_without_a_name_is_asked_again(campaign):
    response = Browser().post(f"/privacy/sub-processors/{link_sent_to('dpo@acme.example')}/", {"answer": "objected"})
    assert response.status_code == 400
    assert not ClientNotice.objects.exclude(answer="").exists()


def test_the_dpo_puts_a_published_version_to_the_clients_from_the_console(
    versions, clients, app_database, client_for, dpo
):
    old, new = versions
    publish_version("system", old, effective=timezone.localdate() - dt.timedelta(days=10))
    published = publish_version("system", new, effective=effective_in(40), revision="e4f5a6b")

    response = client_for(dpo).post("/console/notices/open/", {"version": published.pk})

    assert response.status_code == 302
    notices = ClientNotice.objects.select_related("campaign")
    assert sorted(notice.client.tenant for notice in notices) == ["tenant-a", "tenant-b", "tenant-c", "tenant-d"]
    assert notices[0].campaign.new_label == f"version {published.pk} (e4f5a6b)"
    assert notices[0].campaign.created_by == dpo
    assert len(mail.outbox) == 4


def test_a_late_version_is_refused_from_the_console_unless_allowed(versions, clients, app_database, client_for, dpo):
    old, new = versions
    publish_version("system", old, effective=timezone.localdate() - dt.timedelta(days=10))
    published = publish_version("system", new, effective=effective_in(20))
    browser = client_for(dpo)

    refused = browser.post("/console/notices/open/", {"version": published.pk}, follow=True)
    assert "Patient SARL" in refused.content.decode() and not ClientNotice.objects.exists()
    browser.post("/console/notices/open/", {"version": published.pk, "allow_late": "on"})
    assert ClientNotice.objects.filter(late=True).count() == 1
