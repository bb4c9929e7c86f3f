"""Plans: per dataset, rows due now, held, coming due, and the rules that decide; nothing changes."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from registre.core.demo import DEMO_TODAY, generate_demo_databases
from registre.core.engine import Subject
from registre.core.policy import load_policy
from registre.core.retention import CaseHold, plan_retention


@pytest.fixture
def plan(crm):
    return plan_retention(crm.policy, as_of=crm.AS_OF)


def test_a_plan_changes_nothing(crm):
    before = crm.snapshot()
    plan_retention(crm.policy, as_of=crm.AS_OF)
    assert crm.snapshot() == before


def test_it_counts_the_rows_due_now_by_what_happens_to_them(crm, plan):
    due = {dataset.dataset: (dataset.figures.delete, dataset.figures.anonymise) for dataset in plan.datasets}
    expected = {
        name: (len(crm.DELETED.get(name, ())), len(crm.ANONYMISED.get(name, ())))
        for name in ("customers", "contacts", "tickets", "contracts", "invoices", "notes", "logs", "subscriptions",
                     "clicks", "members")
    }  # fmt: skip
    assert due == expected
    assert plan.total("delete") == 12
    assert plan.total("anonymise") == 11


def test_it_counts_rows_held_by_law_after_their_retention_ran_out(plan):
    assert plan.dataset("crm.invoices").figures.held_legal == 1
    assert plan.dataset("crm.logs").figures.held_legal == 3


def test_it_gives_the_next_due_date_and_the_oldest_date(plan):
    logs = plan.dataset("crm.logs")
    assert logs.next_due_date == dt.date(2026, 6, 16), "the 3-year hold of log-hold-starts ends"
    assert logs.oldest == dt.date(2022, 1, 1)
    assert plan.dataset("crm.invoices").next_due_date == dt.date(2028, 1, 2), (
        "the 10-year hold of invoice-held, through 2028-01-01"
    )
    assert plan.dataset("crm.contracts").next_due_date == dt.date(2026, 6, 16)
    assert plan.dataset("crm.customers").next_due_date == dt.date(2026, 6, 16)


def test_several_rules_give_their_own_dates_but_no_single_next_due_date(plan):
    contacts = plan.dataset("crm.contacts")
    assert contacts.next_due_date is None
    prospecting, support = contacts.rules
    assert prospecting.figures.next_release == dt.date(2028, 1, 1), "carol, last contacted on 2025-01-01"
    assert support.figures.next_release == dt.date(2027, 1, 1), "bob's ticket closed on 2026-01-01"
    assert support.figures.undated == 1, "erin's ticket is still open (dave has none: support keeps nothing of his)"
    assert contacts.figures.due_within == {30: 0, 90: 0, 365: 1}, "bob, on 2027-01-01"


def test_it_says_which_rule_decides_and_why_a_dataset_is_never_due(plan):
    contacts = plan.dataset("crm.contacts")
    assert [status.rule.activity for status in contacts.rules] == ["prospecting", "support"]
    assert contacts.action == "delete"
    notes = plan.dataset("crm.notes")
    assert notes.waits == "waits for case-notes: no date column to count from, it counts from the end of the case"
    assert plan.dataset("crm.contracts").action_reason == "then: anonymize (contracts)"


def test_parents_still_referenced_after_the_sweep_are_counted_as_anonymised(plan):
    subscriptions = plan.dataset("crm.subscriptions")
    assert (subscriptions.figures.delete, subscriptions.figures.anonymise) == (1, 1)


def test_the_plan_is_ordered_for_the_sweep(plan):
    (system,) = plan.systems
    assert system.order.index("contacts") < system.order.index("tickets"), "contacts count from their tickets"
    assert system.order.index("clicks") < system.order.index("subscriptions"), "children before parents"


def test_the_plan_reads_as_json_and_as_text(plan):
    data = json.loads(json.dumps(plan.to_dict()))
    assert data["as_of"] == "2026-06-15"
    assert data["due"] == 23
    logs = next(found for found in data["systems"][0]["datasets"] if found["dataset"] == "logs")
    assert logs["due_within"] == {"30": 1, "90": 1, "365": 2}
    assert logs["holds"][0]["basis"] == "Tax audit"
    text = plan.to_text()
    assert text.startswith("Retention plan on 2026-06-15: 23 rows due (12 to delete, 11 to anonymise)")
    assert "crm.logs: 6 rows; due now: delete 2, anonymise 0" in text
    assert "legal hold fr.commerce.L123-22, Code de commerce, art. L123-22, 10 years from issued_on" in text
    assert "crm.notes: 1 row; never due: waits for case-notes" in text


def test_a_system_that_cannot_be_read_is_reported_and_the_others_planned(sqlite_crm, tmp_path):
    broken = sqlite_crm.policy.model_copy(deep=True)
    systems = dict(broken.systems)
    systems["archive"] = systems["crm"].model_copy(update={"url": f"sqlite:///{tmp_path}/empty.sqlite"})
    broken = broken.model_copy(update={"systems": systems})
    plan = plan_retention(broken, as_of=sqlite_crm.AS_OF)
    assert not plan.ok
    archive = next(system for system in plan.systems if system.system == "archive")
    assert "does not exist" in archive.error
    assert plan.total("delete") == 12


def test_an_unknown_system_is_refused(sqlite_crm):
    with pytest.raises(ValueError, match="unknown system"):
        plan_retention(sqlite_crm.policy, as_of=sqlite_crm.AS_OF, systems=["nope"])


def test_the_text_names_the_case_holds_in_force(sqlite_crm):
    holds = [CaseHold(Subject.of("email=alice@example.org", reference="s-alice"), reference="case-7"),
             CaseHold(tenant="acme")]  # fmt: skip
    text = plan_retention(sqlite_crm.policy, as_of=sqlite_crm.AS_OF, case_holds=holds).to_text()
    assert "case hold: subject s-alice (case-7)" in text
    assert "case hold: tenant acme" in text
    assert "crm.contacts: 6 rows; due now: delete 0, anonymise 2" in text
    assert "held: 0 by law, 1 by case hold" in text


def test_each_rule_carries_its_dates_in_the_json(plan):
    contacts = plan.dataset("crm.contacts").to_dict()
    support = contacts["rules"][1]
    assert (support["activity"], support["next_release"], support["undated"]) == ("support", "2027-01-01", 1)
    assert contacts["next_due_date"] is None and contacts["oldest"] is None


def test_the_cloud_host_example_explains_what_never_goes(cloud_host_policy_path, tmp_path):
    environ = {
        "CRM_DATABASE_URL": f"sqlite:///{tmp_path}/crm.sqlite",
        "PLATFORM_DATABASE_URL": f"sqlite:///{tmp_path}/p.sqlite",
    }
    generate_demo_databases(environ["CRM_DATABASE_URL"], environ["PLATFORM_DATABASE_URL"], subjects=50, tenants=2)
    plan = plan_retention(load_policy(cloud_host_policy_path, environ), as_of=DEMO_TODAY)
    assert plan.dataset("crm.newsletter").waits.startswith("waits for prospecting: no chain of references")
    assert plan.dataset("platform.tenant_users").waits.startswith("waits for hosted-messaging: no date column")
    invoices = plan.dataset("crm.invoices")
    assert [hold.basis for hold in invoices.holds] == ["fr.commerce.L123-22"], "the hold and the legal obligation agree"
    assert invoices.action == "anonymize"
    (crm, _platform) = plan.systems
    assert crm.order.index("contacts") < crm.order.index("tickets"), "contacts count from their tickets"
    assert crm.order.index("contracts") < crm.order.index("customers"), "anonymised contracts stay: children first"
