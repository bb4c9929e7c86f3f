"""Scans from the console: the report kept without values, decisions recorded and audited."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
import yaml

from registre.core.discovery.scan import load_last_scan
from registre.web.audit.models import AuditEntry
from registre.web.discovery import actions
from registre.web.discovery.models import FindingDecision, ScanRun

pytestmark = pytest.mark.django_db
IBAN = "FR7630006000011234567890189"


def add_an_undeclared_iban(workspace) -> None:
    engine = sa.create_engine(workspace.crm)
    with engine.begin() as connection:
        connection.execute(sa.text("ALTER TABLE contacts ADD COLUMN rib_perso VARCHAR(40)"))
        connection.execute(sa.text("UPDATE contacts SET rib_perso = :iban"), {"iban": IBAN})
    engine.dispose()


def test_a_scan_of_the_demo_finds_nothing_undeclared(workspace, dpo):
    run = actions.run_scan(dpo, rows=100)
    assert run.status == ScanRun.Status.DONE and run.findings == []
    assert AuditEntry.objects.filter(action="scan.run").count() == 1


def test_a_scan_reports_an_undeclared_column_and_keeps_no_value(workspace, dpo):
    add_an_undeclared_iban(workspace)
    run = actions.run_scan(dpo, rows=100)
    assert [(f["table"], f["column"], f["category"]) for f in run.findings] == [
        ("contacts", "rib_perso", "economic.bank_account")
    ]
    assert IBAN not in str(run.report)
    assert load_last_scan(workspace.policy)["columns"], "map --live reads the same report"


def test_accepted_findings_become_the_proposed_policy_change(workspace, dpo):
    add_an_undeclared_iban(workspace)
    run = actions.run_scan(dpo, rows=100)
    actions.decide(run, "crm.contacts.rib_perso", "dismissed", dpo)
    assert actions.accepted_snippet(run) == ""
    actions.decide(run, "crm.contacts.rib_perso", "accepted", dpo)
    assert FindingDecision.objects.get().decision == "accepted"
    snippet = yaml.safe_load(actions.accepted_snippet(run))
    assert snippet["systems"]["crm"]["datasets"]["contacts"]["fields"] == {
        "rib_perso": {"category": "economic.bank_account"}
    }
    assert [e.action for e in AuditEntry.objects.filter(action__startswith="scan.finding").order_by("pk")] == [
        "scan.finding_dismissed",
        "scan.finding_accepted",
    ]


def test_a_decision_on_an_unknown_finding_is_refused(workspace, dpo):
    run = actions.run_scan(dpo, rows=50)
    with pytest.raises(ValueError):
        actions.decide(run, "crm.contacts.nope", "accepted", dpo)


def test_a_scan_without_a_policy_fails_with_its_reason(settings, tmp_path, dpo):
    settings.REGISTRE_POLICY = tmp_path / "absent.yaml"
    run = actions.run_scan(dpo)
    assert run.status == ScanRun.Status.FAILED and "registre check" in run.error
