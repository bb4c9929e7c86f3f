"""`registre clients offboard`: the same offboarding from the command line."""

from __future__ import annotations

import pytest
from django.core import mail
from typer.testing import CliRunner

from registre.cli import clients
from registre.web.audit.models import AuditEntry
from registre.web.clients.models import Offboarding

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_test_transaction")]


def offboard(*args: str):
    return CliRunner().invoke(clients.app, ["offboard", *args])


def test_offboard_now_exports_deletes_and_certifies_in_process(workspace, demo_clients):
    client, other = demo_clients[0], demo_clients[1]
    others = workspace.count("tenant_users", workspace.platform, tenant_id=other.tenant)
    result = offboard(str(client.pk), "--contract-end", "2026-11-30", "--now")
    assert result.exit_code == 0, result.output
    entry = AuditEntry.objects.get(action="client.data_deleted")
    assert entry.hash in result.output
    assert workspace.count("tenant_users", workspace.platform, tenant_id=client.tenant) == 0
    assert workspace.count("tenant_users", workspace.platform, tenant_id=other.tenant) == others
    assert [message.to for message in mail.outbox] == [[client.contact_email]] * 2  # the link, the certificate


def test_offboard_schedules_the_deletion_for_the_worker(workspace, demo_clients):
    client = demo_clients[0]
    result = offboard(str(client.pk), "--contract-end", "2026-11-30")
    assert result.exit_code == 0, result.output
    assert "deletion scheduled for 2026-12-10" in result.output
    assert Offboarding.objects.get(client=client).deleted_at is None


def test_offboard_refuses_an_unknown_client_and_a_bad_date(db):
    assert offboard("999").exit_code == 1
    assert offboard("1", "--contract-end", "soon").exit_code == 2
