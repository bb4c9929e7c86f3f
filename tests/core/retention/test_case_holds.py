"""Case holds: a subject, a client tenant, or a subject within a tenant, kept beyond retention."""

from __future__ import annotations

import pytest

from registre.core.engine import Subject, SubjectError
from registre.core.retention import CaseHold, plan_retention, run_retention


def labels(crm, table):
    by_id = {row_id: label for label, row_id in crm.ids.items()}
    return {by_id[row_id] for row_id in crm.table_rows(table)}


def test_a_case_hold_needs_a_subject_or_a_tenant():
    with pytest.raises(ValueError, match="names a subject, a client tenant, or both"):
        CaseHold()


def test_a_held_subject_keeps_their_rows_and_those_reached_through_them(crm):
    hold = CaseHold(Subject.of("email=alice@example.org"), reference="case-2026-014")
    plan = plan_retention(crm.policy, as_of=crm.AS_OF, case_holds=[hold])
    assert plan.dataset("crm.contacts").figures.held_case == 1
    assert plan.dataset("crm.tickets").figures.held_case == 2
    run = run_retention(crm.policy, as_of=crm.AS_OF, case_holds=[hold])
    assert run.dataset("crm.contacts").anonymised == 2, "frank and dave"
    assert crm.table_rows("contacts")[crm.id("alice")]["email"] == "alice@example.org"
    assert {"ticket-alice-1", "ticket-alice-2"} <= labels(crm, "tickets")
    assert run.dataset("crm.tickets").deleted == 3


def test_a_subject_hold_does_not_reach_the_processor_datasets(crm):
    hold = CaseHold(Subject.of("email=m1@acme.example"))
    run = run_retention(crm.policy, as_of=crm.AS_OF, case_holds=[hold])
    assert run.dataset("crm.members").deleted == 2


def test_a_held_tenant_keeps_its_rows_in_the_processor_datasets(crm):
    plan = plan_retention(crm.policy, as_of=crm.AS_OF, case_holds=[CaseHold(tenant="acme")])
    members = plan.dataset("crm.members")
    assert (members.figures.delete, members.figures.held_case) == (1, 1)
    run_retention(crm.policy, as_of=crm.AS_OF, case_holds=[CaseHold(tenant="acme")])
    assert labels(crm, "members") == {"member-acme-old", "member-acme-new"}


def test_a_held_subject_within_a_tenant_keeps_only_their_rows_of_that_tenant(crm):
    holds = [CaseHold(Subject.of("email=m1@acme.example"), tenant="acme")]
    run_retention(crm.policy, as_of=crm.AS_OF, case_holds=holds)
    assert labels(crm, "members") == {"member-acme-old", "member-acme-new"}


def test_several_holds_add_up(crm):
    holds = [CaseHold(Subject.of("email=alice@example.org")), CaseHold(Subject.of("email=frank@example.org")),
             CaseHold(tenant="globex")]  # fmt: skip
    plan = plan_retention(crm.policy, as_of=crm.AS_OF, case_holds=holds)
    assert plan.dataset("crm.contacts").figures.held_case == 2
    assert plan.dataset("crm.members").figures.held_case == 1
    assert plan.to_dict()["case_holds"][2] == {"subject": None, "tenant": "globex", "reference": None}


def test_a_held_subject_with_an_undeclared_identity_type_is_refused(sqlite_crm):
    with pytest.raises(SubjectError, match="unknown identity type passport"):
        plan_retention(sqlite_crm.policy, as_of=sqlite_crm.AS_OF, case_holds=[CaseHold(Subject.of("passport=X1"))])


def test_a_hold_covers_a_subject_by_any_of_its_identities_not_only_the_first():
    from registre.core.engine.case_holds import covering_hold

    hold = CaseHold(Subject.of("email=ada@example.org", "phone=+33612345678"), reference="RG-1")
    assert covering_hold([hold], [Subject.of("phone=+33612345678")]) is hold
    assert covering_hold([hold], [Subject.of("email=ada@example.org")]) is hold
    assert covering_hold([hold], [Subject.of("email=bob@example.org")]) is None
    tenant_hold = CaseHold(Subject.of("phone=+33612345678"), tenant="acme")
    assert covering_hold([tenant_hold], [Subject.of("phone=+33612345678")], "globex") is None, "both must match"
    assert covering_hold([CaseHold(tenant="acme")], [Subject.of("email=x@example.org")], "acme") is not None
