"""`registre notices`: the same campaign from the command line, and its one-line refusals."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core import mail
from django.utils import timezone
from tests.core.notices.conftest import AFTER, BEFORE
from typer.testing import CliRunner

from registre.cli import notices
from registre.web.audit.models import AuditEntry
from registre.web.notices.models import ClientNotice

pytestmark = pytest.mark.usefixtures("in_test_transaction")


def run(*args: str):
    return CliRunner().invoke(notices.app, [str(arg) for arg in args])


@pytest.fixture
def files(tmp_path, settings):
    before, after = tmp_path / "before.yaml", tmp_path / "after.yaml"
    before.write_text(BEFORE, encoding="utf-8")
    after.write_text(AFTER, encoding="utf-8")
    settings.REGISTRE_POLICY = str(after)
    return before, after


def test_a_campaign_from_two_files_tells_the_clients_concerned_and_prints_each(files, clients):
    effective = timezone.localdate() + dt.timedelta(days=45)

    result = run("campaign", *files, "--effective", effective.isoformat())

    assert result.exit_code == 0, result.output
    assert f"campaign N-{timezone.localdate().year}-0001, effective {effective.isoformat()}" in result.output
    for tenant in ("tenant-a", "tenant-b", "tenant-c", "tenant-d"):
        assert tenant in result.output
    assert "tenant-e" not in result.output
    assert len(mail.outbox) == 4
    assert AuditEntry.objects.filter(action="notices.delivered").count() == 4

    status = run("status", f"N-{timezone.localdate().year}-0001", "--json")
    assert status.exit_code == 0, status.output
    found = json.loads(status.output)
    assert {item["client"]: item["outcome"] for item in found["notices"]} == dict.fromkeys(
        ["tenant-a", "tenant-b", "tenant-c", "tenant-d"], "awaiting"
    )


def test_late_notices_are_refused_in_one_line_unless_allowed(files, clients):
    effective = (timezone.localdate() + dt.timedelta(days=20)).isoformat()

    refused = run("campaign", *files, "--effective", effective)

    assert refused.exit_code == 1
    assert "late" in refused.output and "Patient SARL" in refused.output and "Traceback" not in refused.output
    assert not ClientNotice.objects.exists()
    allowed = run("campaign", *files, "--effective", effective, "--allow-late")
    assert allowed.exit_code == 0, allowed.output
    assert ClientNotice.objects.filter(late=True).count() == 1


def test_a_change_that_concerns_no_client_is_refused(files, clients):
    before, _after = files
    result = run("campaign", before, before)
    assert result.exit_code == 1 and "No client is concerned" in result.output


def test_settle_records_nothing_while_the_windows_are_open_and_status_names_an_unknown_campaign(files, clients):
    assert (
        run("campaign", *files, "--effective", (timezone.localdate() + dt.timedelta(days=45)).isoformat()).exit_code
        == 0
    )
    settled = run("settle")
    assert settled.exit_code == 0 and "settled: 0 notice(s)" in settled.output
    unknown = run("status", "N-1999-0001")
    assert unknown.exit_code == 1 and "no campaign N-1999-0001" in unknown.output
