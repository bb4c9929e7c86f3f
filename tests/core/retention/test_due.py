"""The conditions of due rows: dates bound by column type, unknowns, chains of references, what cannot be swept."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from registre.core.retention import plan_retention, run_retention
from registre.core.retention.due import bound_day, certainly, load_system


def test_a_day_is_bound_as_a_date_or_as_midnight_for_a_timestamp():
    day = dt.date(2026, 6, 15)
    assert bound_day(sa.column("d", sa.Date()), day).value == day
    assert bound_day(sa.column("t", sa.DateTime()), day).value == dt.datetime(2026, 6, 15, 0, 0)


def test_certainly_reads_an_unknown_condition_as_false():
    engine = sa.create_engine("sqlite://")
    unknown = sa.literal(None, sa.Integer) == 1
    with engine.connect() as connection:
        assert connection.execute(sa.select(sa.not_(certainly(unknown)))).scalar() in (1, True)
        assert connection.execute(sa.select(sa.not_(unknown))).scalar() is None


def test_a_timestamp_runs_out_by_its_day(sqlite_crm):
    # log-hold-ended (2023-06-14 23:00) has run out of its 3-year hold on 2026-06-15; log-hold-starts
    # (2023-06-15 00:00) is held through its anniversary, 2026-06-15.
    run_retention(sqlite_crm.policy, as_of=sqlite_crm.AS_OF)
    logs = sqlite_crm.table_rows("logs")
    assert sqlite_crm.id("log-hold-ended") not in logs
    assert sqlite_crm.id("log-hold-starts") in logs


def test_a_rule_follows_a_chain_of_references_through_several_datasets(crm):
    # Tickets also wait for every contract of their contact's customer: tickets -> contacts -> customers <- contracts.
    def tickets_wait_for_contracts(datasets, activities):
        activities["contracts"]["datasets"].append("crm.tickets")

    policy = crm.policy_with(tickets_wait_for_contracts)
    crm.execute("UPDATE contacts SET customer_id = :b WHERE id = :bob", b=crm.id("customer-b"), bob=crm.id("bob"))
    plan = plan_retention(policy, as_of=crm.AS_OF)
    (contracts_rule,) = [
        status.rule for status in plan.dataset("crm.tickets").rules if status.rule.activity == "contracts"
    ]
    assert len(contracts_rule.path) == 3
    run = run_retention(policy, as_of=crm.AS_OF)
    # Contract management anonymises: so do the tickets now.
    assert run.dataset("crm.tickets").anonymised == plan.dataset("crm.tickets").figures.anonymise == 4
    assert crm.table_rows("tickets")[crm.id("ticket-bob-1")]["body"] == "Help", "customer B has a running contract"
    assert crm.table_rows("tickets")[crm.id("ticket-alice-1")]["body"] is None


def test_a_dataset_that_cannot_be_anonymised_as_declared_is_not_swept_and_says_why(sqlite_crm):
    def null_on_a_required_column(datasets, activities):
        datasets["customers"]["fields"]["name"]["anonymize"] = "null"

    policy = sqlite_crm.policy_with(null_on_a_required_column)
    customers = plan_retention(policy, as_of=sqlite_crm.AS_OF).dataset("crm.customers")
    assert customers.problem == "column name is NOT NULL: it cannot be anonymised to null"
    assert customers.waits.startswith("nothing to anonymise: column name is NOT NULL")
    assert run_retention(policy, as_of=sqlite_crm.AS_OF).dataset("crm.customers").anonymised == 0


def test_a_referenced_row_with_nothing_to_anonymise_is_skipped(sqlite_crm):
    def no_personal_data_in_subscriptions(datasets, activities):
        datasets["subscriptions"]["identity"] = {}
        datasets["subscriptions"]["fields"]["email"] = {}

    policy = sqlite_crm.policy_with(no_personal_data_in_subscriptions)
    subscriptions = plan_retention(policy, as_of=sqlite_crm.AS_OF).dataset("crm.subscriptions")
    assert (subscriptions.figures.delete, subscriptions.figures.anonymise, subscriptions.figures.skipped) == (1, 0, 1)
    before = sqlite_crm.table_rows("subscriptions")[sqlite_crm.id("subscription-clicked")]
    run_retention(policy, as_of=sqlite_crm.AS_OF)
    assert sqlite_crm.table_rows("subscriptions")[sqlite_crm.id("subscription-clicked")] == before


def test_an_activity_without_retention_keeps_its_datasets(sqlite_crm):
    def no_retention_for_prospecting(datasets, activities):
        del activities["prospecting"]["retention"]

    plan = plan_retention(sqlite_crm.policy_with(no_retention_for_prospecting), as_of=sqlite_crm.AS_OF)
    assert plan.dataset("crm.contacts").waits == "waits for prospecting: it declares no retention"


def test_a_dataset_no_activity_lists_is_never_due(sqlite_crm):
    def nobody_lists_notes(datasets, activities):
        del activities["case-notes"]

    plan = plan_retention(sqlite_crm.policy_with(nobody_lists_notes), as_of=sqlite_crm.AS_OF)
    assert plan.dataset("crm.notes").waits == "no activity lists it: no retention applies"


def test_legal_holds_come_from_the_dataset_and_from_legal_obligations_anchored_on_it(sqlite_crm):
    def billing_is_a_legal_obligation(datasets, activities):
        activities["billing"].update(legal_basis="legal_obligation", legal_obligation="fr.commerce.L123-22")

    rules = load_system(sqlite_crm.policy_with(billing_is_a_legal_obligation), "crm", sqlite_crm.AS_OF, ())
    assert [(hold.basis, str(hold.keep)) for hold in rules.holds["invoices"]] == [
        ("fr.commerce.L123-22", "P10Y"),
        ("fr.commerce.L123-22", "P6Y"),
    ]


@pytest.mark.parametrize("batch_size", [1, 3, 10_000])
def test_the_batch_size_changes_the_batches_not_the_outcome(sqlite_crm, batch_size):
    run = run_retention(sqlite_crm.policy, as_of=sqlite_crm.AS_OF, batch_size=batch_size)
    assert (run.deleted, run.anonymised) == (12, 11)
    assert run.dataset("crm.tickets").batches == 5 // batch_size + 1
