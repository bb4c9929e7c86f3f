"""Case holds and sweeps on the demo workspace, with a frozen date."""

from __future__ import annotations

import datetime as dt

import pytest

from registre.core.engine import Identity, Subject
from registre.core.retention import CaseHold, plan_retention
from registre.web.audit.models import AuditEntry
from registre.web.policy import current_policy
from registre.web.retention import actions
from registre.web.retention.models import SweepRun

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2026, 11, 23)


def due_now() -> int:
    plan = plan_retention(current_policy(), as_of=AS_OF)
    return plan.total("delete") + plan.total("anonymise")


def a_held_person(workspace) -> Identity:
    """A demo contact with rows due on AS_OF."""
    for number in range(len(workspace.report.sample_contacts)):
        identity = Identity("email", workspace.sample(number)["email"])
        hold = CaseHold(subject=Subject.of(identity))
        if plan_retention(current_policy(), as_of=AS_OF, case_holds=[hold]).total("held_case"):
            return identity
    raise AssertionError("no demo contact has rows due")


def test_a_held_persons_rows_are_kept_until_the_hold_is_lifted(workspace, dpo):
    person = a_held_person(workspace)
    hold = actions.place_hold(dpo, reason="litigation", reference="TJ-2026-17", identities=[person])
    actions.run_sweep(dpo, as_of=AS_OF)
    assert due_now() > 0  # only the held person's rows are left
    actions.lift_hold(hold, dpo)
    assert actions.active_case_holds() == []
    actions.run_sweep(dpo, as_of=AS_OF)
    assert due_now() == 0


def test_placing_and_lifting_are_audited_without_the_identity(workspace, dpo):
    hold = actions.place_hold(dpo, reason="authority", reference="CNIL-42", identities=[Identity("email", "ada@x.org")])
    actions.lift_hold(hold, dpo)
    entries = list(AuditEntry.objects.filter(action__startswith="case_hold.").order_by("pk"))
    assert [entry.action for entry in entries] == ["case_hold.placed", "case_hold.lifted"]
    assert all(entry.subject_ref == hold.subject_ref for entry in entries)
    assert "ada@x.org" not in str([entry.details for entry in entries])


def test_a_tenant_hold_reaches_the_engine(dpo, workspace):
    actions.place_hold(dpo, reason="litigation", reference="T-1", tenant="tenant-001")
    [hold] = actions.active_case_holds()
    assert hold.tenant == "tenant-001" and hold.subject is None and hold.reference == "T-1"


def test_a_run_records_what_was_deleted_in_the_target_database(workspace, dpo):
    plan = plan_retention(current_policy(), as_of=AS_OF)
    calls = workspace.count("calls")
    run = actions.run_sweep(dpo, as_of=AS_OF)
    assert run.status == SweepRun.Status.DONE and run.finished_at is not None
    assert run.deleted == plan.total("delete") and run.anonymised == plan.total("anonymise")
    deleted_calls = next(row["deleted"] for row in run.counts if row["dataset"] == "calls")
    assert calls - workspace.count("calls") == deleted_calls > 0
    entry = AuditEntry.objects.get(action="retention.swept")
    assert entry.counts == {"deleted": run.deleted, "anonymised": run.anonymised}


def test_a_dry_run_changes_nothing(workspace, dpo):
    before = due_now()
    run = actions.run_sweep(dpo, as_of=AS_OF, dry_run=True)
    assert run.dry_run and run.deleted + run.anonymised == before == due_now()


def test_a_failing_run_records_its_error(workspace, dpo, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the database is gone")

    monkeypatch.setattr(actions, "run_retention", broken)
    with pytest.raises(RuntimeError):
        actions.run_sweep(dpo, as_of=AS_OF)
    run = SweepRun.objects.get()
    assert run.status == SweepRun.Status.FAILED and "the database is gone" in run.error
    assert AuditEntry.objects.get(action="retention.swept").details["status"] == "failed"


def test_the_forecast_keeps_the_volumes_due_per_dataset(workspace):
    forecast = actions.compute_forecast(AS_OF)
    calls = next(row for row in forecast.datasets if row["reference"] == "crm.calls")
    assert calls["due"] > 0 and len(calls["within"]) == 3 and not forecast.error
