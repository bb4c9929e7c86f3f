"""Sweeps on SQLite, PostgreSQL and MariaDB: exactly what is due, in batches, once, and as planned."""

from __future__ import annotations

import datetime as dt

import pytest

from registre.core.demo import DEMO_TODAY, generate_demo_databases
from registre.core.engine import Subject, execute_erasure
from registre.core.policy import load_policy
from registre.core.retention import plan_retention, run_retention


def labels(crm, table):
    by_id = {row_id: label for label, row_id in crm.ids.items()}
    return {by_id[row_id] for row_id in crm.table_rows(table)}


def changed(before, after):
    """Per table, the ids of rows deleted and the ids of rows changed."""
    found = {}
    for table, rows in before.items():
        now = after[table]
        found[table] = (set(rows) - set(now), {row_id for row_id, row in rows.items() if now.get(row_id, row) != row})
    return found


def test_it_deletes_and_anonymises_what_is_due_and_touches_nothing_else(crm):
    before = crm.snapshot()
    run = run_retention(crm.policy, as_of=crm.AS_OF)
    assert run.ok, run.to_dict()
    for table, (deleted, updated) in changed(before, crm.snapshot()).items():
        assert deleted == {crm.id(label) for label in crm.DELETED.get(table, ())}, table
        assert updated == {crm.id(label) for label in crm.ANONYMISED.get(table, ())}, table
    assert (run.deleted, run.anonymised) == (12, 11)


def test_anonymised_rows_lose_their_personal_data_and_keep_their_keys_and_dates(crm):
    run_retention(crm.policy, as_of=crm.AS_OF)
    frank = crm.table_rows("contacts")[crm.id("frank")]
    assert frank["email"] == f"anonymised-{crm.id('frank')}", "no pseudonym: nothing links the row to him"
    assert frank["name"] == "ANONYME"
    assert frank["last_contact_on"] == dt.date(2020, 1, 1)
    customer = crm.table_rows("customers")[crm.id("customer-a")]
    assert (customer["number"], customer["name"]) == ("[redacted]", "[redacted]")
    contract = crm.table_rows("contracts")[crm.id("contract-a1")]
    assert (contract["product"], contract["ended_on"]) == (None, dt.date(2019, 1, 1))


def test_the_plan_counts_exactly_what_the_sweep_does(crm):
    plan = plan_retention(crm.policy, as_of=crm.AS_OF)
    run = run_retention(crm.policy, as_of=crm.AS_OF, batch_size=2)
    for dataset in plan.datasets:
        swept = run.dataset(dataset.reference)
        assert (swept.deleted, swept.anonymised) == (dataset.figures.delete, dataset.figures.anonymise), (
            dataset.reference
        )


def test_the_plan_counts_exactly_what_the_sweep_does_on_the_demo_crm(database_url):
    generate_demo_databases(database_url, subjects=300, tenants=3)
    environ = {"CRM_DATABASE_URL": database_url, "PLATFORM_DATABASE_URL": database_url}
    policy = load_policy("examples/cloud-host/registre.yaml", environ)
    plan = plan_retention(policy, as_of=DEMO_TODAY)
    assert plan.ok and plan.total("delete") > 500 and plan.total("anonymise") > 20, plan.to_text()
    run = run_retention(policy, as_of=DEMO_TODAY, batch_size=37)
    assert run.ok, run.to_dict()
    for dataset in plan.datasets:
        swept = run.dataset(dataset.reference)
        assert (swept.deleted, swept.anonymised) == (dataset.figures.delete, dataset.figures.anonymise), (
            dataset.reference
        )
    again = plan_retention(policy, as_of=DEMO_TODAY)
    assert again.total("delete") + again.total("anonymise") == 0


def test_a_second_sweep_on_the_same_day_changes_nothing(crm):
    run_retention(crm.policy, as_of=crm.AS_OF)
    after = crm.snapshot()
    again = run_retention(crm.policy, as_of=crm.AS_OF)
    assert (again.deleted, again.anonymised) == (0, 0)
    assert crm.snapshot() == after


def test_a_row_used_by_several_activities_waits_for_the_last_of_them(crm):
    run_retention(crm.policy, as_of=crm.AS_OF)
    contacts = crm.table_rows("contacts")
    # Bob: prospecting ran out, support keeps him until his last ticket is a year closed (2027-01-01).
    # Carol: support ran out, prospecting keeps her until 2028-01-01.
    for name in ("bob", "carol"):
        assert contacts[crm.id(name)]["email"] == f"{name}@example.org"
    assert run_retention(crm.policy, as_of=dt.date(2026, 12, 31)).dataset("crm.contacts").anonymised == 0
    assert run_retention(crm.policy, as_of=dt.date(2027, 1, 1)).dataset("crm.contacts").deleted == 1
    assert crm.id("bob") not in crm.table_rows("contacts"), "deleted after his last ticket, due the same day"
    assert crm.table_rows("contacts")[crm.id("carol")]["email"] == "carol@example.org"


def test_rows_under_a_legal_hold_wait_for_the_day_the_hold_ends(crm):
    run_retention(crm.policy, as_of=crm.AS_OF)
    assert {"log-held", "log-last-second", "log-hold-starts"} <= labels(crm, "logs")
    assert run_retention(crm.policy, as_of=dt.date(2026, 6, 16)).dataset("crm.logs").deleted == 1
    assert "log-hold-starts" not in labels(crm, "logs")
    assert run_retention(crm.policy, as_of=dt.date(2027, 1, 1)).dataset("crm.logs").deleted == 0, "held that day"
    assert run_retention(crm.policy, as_of=dt.date(2027, 1, 2)).dataset("crm.logs").deleted == 1
    assert "log-held" not in labels(crm, "logs")


def test_a_parent_still_referenced_by_rows_that_stay_is_anonymised_instead_of_deleted(crm):
    run = run_retention(crm.policy, as_of=crm.AS_OF)
    subscriptions = crm.table_rows("subscriptions")
    assert crm.id("subscription-done") not in subscriptions, "its click was due too: deleted first"
    clicked = subscriptions[crm.id("subscription-clicked")]
    assert clicked["email"] == f"anonymised-{crm.id('subscription-clicked')}", "a recent click still references it"
    assert (run.dataset("crm.subscriptions").deleted, run.dataset("crm.subscriptions").anonymised) == (1, 1)
    assert crm.id("frank") in crm.table_rows("contacts"), "referenced by a case note that never goes"


def test_rows_kept_by_an_erasure_under_a_legal_hold_are_swept_the_day_the_hold_ends(crm):
    erasure = execute_erasure(crm.policy, Subject.of("email=dave@example.org"), today=crm.AS_OF, key=crm.KEY)
    assert erasure.ok, erasure.to_dict()
    invoices = crm.table_rows("invoices")
    assert invoices[crm.id("invoice-held")]["billing_name"] == "Dave", "kept under the Code de commerce until 2028"
    run_retention(crm.policy, as_of=dt.date(2028, 1, 1))
    assert crm.table_rows("invoices")[crm.id("invoice-held")]["billing_name"] == "Dave", "held through its anniversary"
    run = run_retention(crm.policy, as_of=dt.date(2028, 1, 2))
    assert run.dataset("crm.invoices").anonymised == 1
    assert crm.table_rows("invoices")[crm.id("invoice-held")]["billing_name"] == "ANONYME"
    assert crm.table_rows("invoices")[crm.id("invoice-recent")]["billing_name"] == "Dave", "held until 2034"


def test_every_batch_is_reported_once_committed(crm):
    reported = []
    run = run_retention(crm.policy, as_of=crm.AS_OF, batch_size=2, progress=reported.append)
    tickets = [batch for batch in reported if batch.dataset == "tickets"]
    assert [batch.number for batch in tickets] == [1, 2, 3]
    assert [batch.deleted for batch in tickets] == [2, 2, 1]
    assert run.dataset("crm.tickets").batches == 3
    assert sum(batch.deleted for batch in reported) == run.deleted


def test_a_dry_run_changes_nothing_and_gives_the_plan_s_counts(crm):
    before = crm.snapshot()
    run = run_retention(crm.policy, as_of=crm.AS_OF, dry_run=True)
    assert run.dry_run and (run.deleted, run.anonymised) == (12, 11)
    assert crm.snapshot() == before
    assert run.to_text().startswith("Retention sweep on 2026-06-15 (dry run): would delete 12 rows and anonymise 11")


def test_a_batch_size_below_one_is_refused(sqlite_crm):
    with pytest.raises(ValueError, match="at least 1"):
        run_retention(sqlite_crm.policy, as_of=sqlite_crm.AS_OF, batch_size=0)


def test_the_run_reads_as_json(sqlite_crm):
    data = run_retention(sqlite_crm.policy, as_of=sqlite_crm.AS_OF).to_dict()
    assert (data["deleted"], data["anonymised"], data["dry_run"]) == (12, 11, False)
    logs = next(found for found in data["systems"][0]["datasets"] if found["dataset"] == "logs")
    assert (logs["deleted"], logs["batches"]) == (2, 1)


def test_a_row_the_database_refuses_is_named_and_the_rest_of_the_sweep_completes(crm):
    # A table the policy does not declare references a due ticket: deleting that ticket breaks its foreign key.
    crm.execute("CREATE TABLE attachments (id INTEGER PRIMARY KEY, ticket_id INTEGER NOT NULL REFERENCES tickets (id))")
    crm.execute("INSERT INTO attachments (id, ticket_id) VALUES (1, :ticket)", ticket=crm.id("ticket-carol-1"))
    try:
        run = run_retention(crm.policy, as_of=crm.AS_OF, batch_size=2)
        assert not run.ok
        (failure,) = run.failures
        assert (failure.system, failure.dataset, failure.key) == ("crm", "tickets", str(crm.id("ticket-carol-1")))
        assert failure.rule == "delete (then: delete (every activity))"
        assert "references:" in failure.fix
        assert labels(crm, "tickets") & crm.DELETED["tickets"] == {"ticket-carol-1"}, "every other due ticket went"
        assert run.dataset("crm.members").deleted == 2, "the datasets after it were swept"
        assert f"FAILED crm.tickets row {failure.key}" in run.to_text()
    finally:
        crm.execute("DROP TABLE attachments")


def test_only_the_systems_named_are_swept(sqlite_crm):
    policy = sqlite_crm.policy
    mirror = policy.systems["crm"].model_copy(update={"datasets": {}})
    policy = policy.model_copy(update={"systems": {**policy.systems, "mirror": mirror}})
    run = run_retention(policy, as_of=sqlite_crm.AS_OF, systems=["mirror"])
    assert [system.system for system in run.systems] == ["mirror"]
    assert run.deleted == 0
    assert "ticket-alice-1" in labels(sqlite_crm, "tickets")
    with pytest.raises(ValueError, match="unknown system"):
        run_retention(policy, as_of=sqlite_crm.AS_OF, systems=["nope"])
