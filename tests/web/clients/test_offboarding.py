"""Ending a client's contract, end to end on the demo workspace with a frozen clock: export, deletion, certificate."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from registre.web.audit.models import AuditEntry
from registre.web.clients import actions
from registre.web.clients.models import Offboarding
from registre.web.clients.offboarding import client_file
from registre.web.jobs.worker import make_worker
from registre.web.retention.actions import place_hold

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_test_transaction")]
CONTRACT_END = dt.date(2026, 11, 30)


class Clock:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.moment = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
        monkeypatch.setattr(timezone, "now", lambda: self.moment)

    def set(self, day: dt.date, hour: int = 9) -> None:
        self.moment = dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


def run_jobs():
    make_worker(batch=True, interval=0).run()


def export_link(message) -> str:
    return next(word for word in message.body.split() if "/console/clients/export/" in word)


def rows(workspace, tenant, table="tenant_users"):
    return workspace.count(table, workspace.platform, tenant_id=tenant)


def test_ending_a_contract_exports_then_deletes_only_that_tenant_with_a_certificate(
    workspace, demo_clients, dpo, client_for, clock, settings
):
    settings.REGISTRE_EXPORT_DAYS = 14
    client, other = demo_clients[0], demo_clients[1]
    users, others = rows(workspace, client.tenant), rows(workspace, other.tenant)
    assert users and others
    browser = client_for(dpo)

    response = browser.post(reverse("clients:end", args=[client.pk]), {"contract_end": CONTRACT_END.isoformat()})
    assert response.status_code == 302
    offboarding = Offboarding.objects.get(client=client)
    assert offboarding.deletion_due == dt.date(2026, 12, 10)  # the end + the DPA's 10 days
    run_jobs()

    # The export: emailed to the client's contact, downloadable while the link is valid.
    (message,) = mail.outbox
    assert message.to == [client.contact_email]
    path = export_link(message).removeprefix(settings.REGISTRE_BASE_URL)
    download = client_for(None).get(path)
    assert download.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert any(name.endswith(".csv") for name in archive.namelist())
    offboarding.refresh_from_db()
    assert offboarding.export_downloads == 1 and offboarding.export_rows > 0
    page = browser.get(reverse("clients:detail", args=[client.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Deletion scheduled for 10 December 2026" in page

    # The link works until it expires (14 days); the worker then deletes the file.
    clock.set(dt.date(2026, 12, 6))
    assert client_for(None).get(path).status_code == 200
    clock.set(dt.date(2026, 12, 9))
    run_jobs()
    offboarding.refresh_from_db()
    assert offboarding.export_deleted_at is not None
    assert not client_file(offboarding.export_stored_as).exists()
    assert client_for(None).get(path).status_code == 410

    # The day before the due date, the deletion waits.
    assert rows(workspace, client.tenant) == users
    assert not AuditEntry.objects.filter(action="client.data_deleted").exists()

    clock.set(dt.date(2026, 12, 10))
    run_jobs()
    # On the due date: only that tenant's rows are gone; audited, certified, sent.
    assert rows(workspace, client.tenant) == 0
    assert rows(workspace, other.tenant) == others
    entry = AuditEntry.objects.get(action="client.data_deleted")
    assert entry.counts["platform.tenant_users"] == users
    offboarding.refresh_from_db()
    assert offboarding.audit_hash == entry.hash
    assert offboarding.certificate_summary["deleted"] == sum(entry.counts.values())
    certificate_mail = mail.outbox[-1]
    assert certificate_mail.to == [client.contact_email]
    ((_name, pdf, mimetype),) = certificate_mail.attachments
    assert mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert entry.hash in text
    assert f"Clients' users {entry.counts['platform.tenant_users']}" in text
    assert f"Messages sent by clients {entry.counts['platform.tenant_messages']}" in text
    assert f"Total {sum(entry.counts.values())}" in text
    assert "Deletion completed on 10 December 2026" in text

    # The console shows it done, with the certificate to download (the same PDF, decrypted).
    browser = client_for(dpo)  # a new session: the clock has moved past the first one's expiry
    page = browser.get(reverse("clients:detail", args=[client.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Data deleted on 10 December 2026" in page and reverse("clients:certificate", args=[client.pk]) in page
    stored = browser.get(reverse("clients:certificate", args=[client.pk]))
    assert b"".join(stored.streaming_content) == pdf


def test_a_contract_ends_once(demo_clients, clock):
    actions.end_contract(demo_clients[0], "system", contract_end=CONTRACT_END)
    with pytest.raises(ValueError):
        actions.end_contract(demo_clients[0], "system", contract_end=CONTRACT_END)


def test_an_unknown_export_link_is_not_found(client_for, db):
    assert client_for(None).get(reverse("clients:export", args=["nope"])).status_code == 404


def test_a_case_hold_on_the_tenant_stops_the_deletion(workspace, demo_clients, dpo, clock):
    client = demo_clients[0]
    users = rows(workspace, client.tenant)
    place_hold(dpo, reason="litigation", reference="CASE-7", tenant=client.tenant)
    actions.offboard_now(client, "system", contract_end=CONTRACT_END)
    assert rows(workspace, client.tenant) == users
    offboarding = Offboarding.objects.get(client=client)
    assert offboarding.deleted_at is None and not offboarding.certificate_stored_as
    assert "CASE-7" in offboarding.error
    assert AuditEntry.objects.filter(action="client.deletion_stopped").exists()


def test_the_export_email_writes_its_dates_in_words_in_the_clients_language(workspace, demo_clients, clock):
    from registre.web.clients.offboarding import send_export_link

    client = demo_clients[0]
    client.language = "fr"
    client.save()
    offboarding = Offboarding.objects.create(
        client=client,
        contract_end=dt.date(2026, 11, 30),
        deletion_due=dt.date(2026, 12, 10),
        export_expires_at=dt.datetime(2026, 12, 14, 9, tzinfo=dt.UTC),
    )
    send_export_link(offboarding, "t" * 43)
    body = mail.outbox[-1].body
    assert "30 novembre 2026" in body and "10 décembre 2026" in body and "14 décembre 2026" in body
    assert "2026-11-30" not in body and "2026-12-10" not in body
