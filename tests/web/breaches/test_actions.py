"""The breach register end to end: clients found in the target database, clocks, notifications, audit."""

from __future__ import annotations

import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from pypdf import PdfReader

from registre.web.audit.actions import verify_chain
from registre.web.audit.models import AuditEntry
from registre.web.breaches import actions
from registre.web.breaches.models import AffectedClient, Breach, Notification

from .conftest import declare

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
FRENCH_MONTHS = [
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


def rows_per_tenant(url: str, table: str) -> dict[str, int]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            query = sa.text(f"SELECT tenant_id, COUNT(*) FROM {table} GROUP BY tenant_id")  # noqa: S608
            return {str(tenant): count for tenant, count in connection.execute(query)}
    finally:
        engine.dispose()


def remove_tenant_messages(url: str) -> str:
    """Delete every message of the first tenant: it stays a client of the platform, with no row in the dataset."""
    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            tenant = connection.execute(sa.text("SELECT MIN(tenant_id) FROM tenant_messages")).scalar_one()
            connection.execute(sa.text("DELETE FROM tenant_messages WHERE tenant_id = :tenant"), {"tenant": tenant})
            return str(tenant)
    finally:
        engine.dispose()


def text_of(pdf: bytes) -> str:
    """The PDF's text on one line, with ordinary spaces."""
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def test_a_processor_breach_notifies_exactly_the_clients_whose_tenants_are_in_the_dataset(platform, clients, dpo):
    silent = remove_tenant_messages(platform)
    expected = rows_per_tenant(platform, "tenant_messages")
    breach = declare(dpo, ["platform.tenant_messages"])
    found = {item.client.tenant: item.records for item in AffectedClient.objects.filter(breach=breach)}
    assert found == expected
    assert silent not in found and "tenant-999" not in found
    sent = actions.notify_clients(breach, dpo)
    assert sorted(message.to[0] for message in mail.outbox) == sorted(f"privacy@{t}.example" for t in expected)
    assert len(sent) == len(expected)
    for message in mail.outbox:
        [(name, pdf, kind)] = message.attachments
        assert kind == "application/pdf" and breach.reference in name
        assert "Notification d’une violation de données à caractère personnel au responsable" in text_of(pdf)


def test_each_client_notice_counts_that_clients_records(platform, clients, dpo):
    breach = declare(dpo, ["platform.tenant_messages"])
    actions.notify_clients(breach, dpo)
    expected = rows_per_tenant(platform, "tenant_messages")
    for message in mail.outbox:
        tenant = message.to[0].removeprefix("privacy@").removesuffix(".example")
        assert f"{expected[tenant]} de vos enregistrements" in text_of(message.attachments[0][1])


def test_clients_already_told_are_not_told_twice_and_a_further_phase_reaches_all(workspace, clients, dpo):
    breach = declare(dpo, ["platform.tenant_messages"])
    first = actions.notify_clients(breach, dpo)
    assert actions.notify_clients(breach, dpo) == []
    more = actions.notify_clients(breach, dpo, details="The cause is now known: a misconfigured backup job.")
    assert len(more) == len(first) and {item.phase for item in more} == {2}
    assert "complémentaire n° 2" in text_of(mail.outbox[-1].attachments[0][1])


def test_a_tenant_without_a_client_record_is_named_on_the_breach(workspace, dpo):
    breach = declare(dpo, ["platform.tenant_users"])
    assert breach.unknown_tenants == sorted(workspace.report.tenant_ids)
    assert not breach.affected_clients.exists()


def test_a_controller_breach_on_crm_data_reads_no_tenant_and_owes_the_authority(workspace, dpo):
    breach = declare(dpo, ["crm.contacts"])
    assert breach.controller_activities and not breach.processor_activities
    assert breach.duties().authority and not breach.duties().clients
    assert breach.client_hours is None


def test_the_72_hour_clock_runs_across_the_weekend_and_a_notification_in_time_is_not_late(workspace, dpo):
    friday = dt.datetime(2026, 11, 27, 17, 0, tzinfo=PARIS)
    breach = declare(dpo, ["crm.contacts"], aware_at=friday)
    assert breach.authority_clock().due_at == dt.datetime(2026, 11, 30, 17, 0, tzinfo=PARIS)
    sunday = dt.datetime(2026, 11, 29, 20, 0, tzinfo=PARIS)
    notification = actions.record_notification(
        breach, dpo, recipient="authority", sent_at=sunday, channel="CNIL online form", reference="NOT-2026-1"
    )
    assert notification.late_reasons == "" and notification.phase == 1


def test_a_late_notification_to_the_authority_needs_its_reasons_and_keeps_them(workspace, dpo):
    friday = dt.datetime(2026, 11, 27, 17, 0, tzinfo=PARIS)
    breach = declare(dpo, ["crm.contacts"], aware_at=friday)
    tuesday = dt.datetime(2026, 12, 1, 10, 0, tzinfo=PARIS)
    with pytest.raises(actions.BreachError, match="motifs du retard"):
        actions.record_notification(breach, dpo, recipient="authority", sent_at=tuesday)
    assert not breach.notifications.exists()
    reasons = "The extent was only known after the host's logs arrived on Monday evening."
    notification = actions.record_notification(
        breach, dpo, recipient="authority", sent_at=tuesday, late_reasons=reasons
    )
    assert notification.late_reasons == reasons
    entry = AuditEntry.objects.get(action="breach.authority_notified")
    assert entry.details["late"] is True


def test_a_later_notification_to_the_authority_is_the_next_phase(workspace, dpo):
    breach = declare(dpo, ["crm.contacts"])
    actions.record_notification(breach, dpo, recipient="authority", sent_at=timezone.now())
    second = actions.record_notification(
        breach, dpo, recipient="authority", sent_at=timezone.now(), details="Number of people confirmed."
    )
    assert second.phase == 2


def test_clients_are_notified_through_their_notices_not_recorded_by_hand(workspace, dpo):
    breach = declare(dpo, ["crm.contacts"])
    with pytest.raises(actions.BreachError):
        actions.record_notification(breach, dpo, recipient="client", sent_at=timezone.now())


def test_a_future_awareness_or_notification_is_refused(workspace, dpo):
    with pytest.raises(actions.BreachError, match="futur"):
        declare(dpo, ["crm.contacts"], aware_at=timezone.now() + dt.timedelta(hours=2))
    breach = declare(dpo, ["crm.contacts"])
    with pytest.raises(actions.BreachError):
        actions.record_notification(breach, dpo, recipient="people", sent_at=timezone.now() + dt.timedelta(days=1))


def test_unknown_datasets_natures_or_risk_are_refused(workspace, dpo):
    with pytest.raises(actions.BreachError, match=r"crm\.nothing"):
        declare(dpo, ["crm.nothing"])
    with pytest.raises(actions.BreachError):
        declare(dpo, ["crm.contacts"], natures=["secrecy"])
    with pytest.raises(actions.BreachError):
        declare(dpo, ["crm.contacts"], risk="medium")
    assert not Breach.objects.exists()


def test_an_agent_may_not_declare_a_breach(workspace, agent):
    with pytest.raises(PermissionDenied):
        declare(agent, ["crm.contacts"])


def test_an_unreachable_target_database_does_not_stop_the_declaration(workspace, clients, dpo):
    workspace_platform = workspace.folder / "platform.sqlite"
    hidden = workspace_platform.with_suffix(".hidden")
    workspace_platform.rename(hidden)
    breach = declare(dpo, ["platform.tenant_messages"])
    assert breach.clients_error and not breach.affected_clients.exists()
    hidden.rename(workspace_platform)
    from registre.core.sources import close_catalogs

    close_catalogs()
    actions.count_clients(breach, dpo)
    breach.refresh_from_db()
    assert breach.clients_error == "" and breach.affected_clients.count() == len(workspace.report.tenant_ids)


def test_every_change_is_an_audit_entry_and_the_chain_verifies(workspace, clients, dpo):
    breach = declare(dpo, ["crm.contacts", "platform.tenant_messages"], risk="high")
    actions.update_breach(breach, dpo, measures_proposed="Force a password reset.", risk="high")
    actions.record_notification(breach, dpo, recipient="authority", sent_at=timezone.now())
    actions.record_notification(breach, dpo, recipient="people", sent_at=timezone.now(), channel="email")
    actions.notify_clients(breach, dpo)
    actions.close_breach(breach, dpo)
    found = list(
        AuditEntry.objects.filter(action__startswith="breach.").order_by("sequence").values_list("action", flat=True)
    )
    told = len(workspace.report.tenant_ids)
    assert found == [
        "breach.declared",
        "breach.updated",
        "breach.authority_notified",
        "breach.people_notified",
        *["breach.client_notified"] * told,
        "breach.closed",
    ]
    assert AuditEntry.objects.get(action="breach.updated").details["fields"] == ["measures_proposed"]
    assert verify_chain() == []


def test_an_update_that_changes_nothing_is_not_audited(workspace, dpo):
    breach = declare(dpo, ["crm.contacts"])
    actions.update_breach(breach, dpo, title=breach.title)
    assert not AuditEntry.objects.filter(action="breach.updated").exists()


def test_the_dpo_is_reminded_once_per_threshold_as_the_clock_runs_down(workspace, dpo):
    aware = timezone.now() - dt.timedelta(hours=1)
    breach = declare(dpo, ["crm.contacts"], aware_at=aware)
    assert actions.send_reminders(aware + dt.timedelta(hours=2)) == 0
    assert actions.send_reminders(aware + dt.timedelta(hours=25)) == 1
    assert actions.send_reminders(aware + dt.timedelta(hours=25)) == 0
    assert actions.send_reminders(aware + dt.timedelta(hours=73)) == 1
    [first, overdue] = mail.outbox
    assert first.to == ["dpo@nuage-exemple.fr"] and breach.reference in first.subject
    assert "47" in first.subject
    assert "dépassé" in overdue.subject or "passed" in overdue.subject
    # The dates as the console's language writes them (« 2 décembre 2026, 18:29 »), not ISO.
    due = timezone.localtime(aware + dt.timedelta(hours=72))
    assert f"{due.day} {FRENCH_MONTHS[due.month - 1]} {due.year}, {due:%H:%M}" in first.body
    assert not re.search(r"\d{4}-\d{2}-\d{2}", first.body)
    breach.refresh_from_db()
    assert breach.reminders["authority"] == [48, 24, 12, 6, 2, 1, 0]


def test_a_notified_or_closed_breach_reminds_no_one(workspace, dpo):
    aware = timezone.now() - dt.timedelta(hours=1)
    notified = declare(dpo, ["crm.contacts"], aware_at=aware)
    actions.record_notification(notified, dpo, recipient="authority", sent_at=timezone.now())
    closed = declare(dpo, ["crm.contacts"], aware_at=aware)
    actions.close_breach(closed, dpo)
    no_risk = declare(dpo, ["crm.contacts"], aware_at=aware, risk="none")
    assert no_risk.duties().authority is False
    assert actions.send_reminders(aware + dt.timedelta(hours=80)) == 0
    assert mail.outbox == []


def test_a_notification_is_in_the_breach_records_for_the_documents(workspace, dpo):
    breach = declare(dpo, ["crm.contacts"])
    actions.record_notification(breach, dpo, recipient="authority", sent_at=timezone.now(), reference="N-1")
    [record] = breach.records()
    assert record.recipient == Notification.Recipient.AUTHORITY and record.reference == "N-1"
