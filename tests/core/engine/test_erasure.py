"""Erasure on SQLite, PostgreSQL and MariaDB: delete, anonymise, keep under hold, re-run, tenants, batches."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from registre.core.engine import Subject, execute_erasure, plan_request
from registre.core.engine.anonymisation import pseudonym_of


def erase(shop, *subjects, **options):
    options.setdefault("today", shop.TODAY)
    options.setdefault("key", shop.KEY)
    return execute_erasure(shop.policy, list(subjects) if len(subjects) > 1 else subjects[0], **options)


def by_dataset(result):
    return {dataset.reference: dataset for dataset in result.datasets}


def test_it_deletes_a_person_whose_rows_are_all_deleted(shop):
    ada = shop.add_person("ada@example.org", "+33612345678", logins=(dt.datetime(2020, 1, 1),), subscribed=True)
    bob = shop.add_person("bob@example.org", subscribed=True)
    shop.write()
    result = erase(shop, Subject.of("email=ada@example.org"))
    assert result.ok, result.to_dict()
    assert list(shop.table_rows("people")) == [bob.id]
    assert list(shop.table_rows("newsletter")) == bob.subscriptions
    assert list(shop.table_rows("clicks")) == bob.clicks
    assert shop.table_rows("logins") == {}
    datasets = by_dataset(result)
    assert (datasets["shop.people"].deleted, datasets["shop.people"].anonymised) == (1, 0)
    assert (datasets["mailing.newsletter"].deleted, datasets["mailing.clicks"].deleted) == (1, 1)
    assert ada.id not in shop.table_rows("people")


def test_rows_past_their_hold_are_anonymised_and_keep_their_parent(shop):
    ada = shop.add_person("ada@example.org", orders=(shop.OLD,))
    shop.write()
    result = erase(shop, Subject.of("email=ada@example.org"))
    (order,) = shop.table_rows("orders").values()
    assert order["billing_name"] == "[redacted]"
    assert not order["restricted"], "past its hold: anonymised, not restricted"
    assert shop.table_rows("order_lines") == {}
    assert shop.table_rows("people")[ada.id]["name"] == "ANONYME", "still referenced by the order"
    assert by_dataset(result)["shop.orders"].anonymised == 1


def test_it_keeps_orders_under_legal_hold_with_the_date_they_become_erasable(shop):
    shop.add_person("ada@example.org", orders=(shop.RECENT, dt.date(2025, 1, 31), shop.OLD))
    shop.write()
    result = erase(shop, Subject.of("email=ada@example.org"))
    orders = by_dataset(result)["shop.orders"]
    assert orders.kept == 2
    assert orders.anonymised == 1
    # Code de commerce art. L123-22: ten years from the latest held order.
    assert orders.until == dt.date(2035, 1, 31)
    (kept,) = orders.holds
    assert kept.rule.basis == "fr.commerce.L123-22"
    assert "until 2035-01-31" in kept.reason()
    rows = shop.table_rows("orders")
    held = [row for row in rows.values() if row["placed_on"] in (shop.RECENT, dt.date(2025, 1, 31))]
    assert all(row["billing_name"] == "Billing Name" and row["restricted"] for row in held), "kept and restricted"


def test_held_rows_are_restricted_and_their_parent_is_anonymised_instead_of_deleted(shop):
    ada = shop.add_person("ada@example.org", "+33612345678", orders=(shop.RECENT,))
    shop.write()
    result = erase(shop, Subject.of("email=ada@example.org"))
    person = shop.table_rows("people")[ada.id]
    expected_pseudonym = pseudonym_of("email:ada@example.org", shop.KEY.encode())
    assert person["email"] == expected_pseudonym
    assert person["phone"] is None
    assert person["name"] == "ANONYME"
    assert person["born_on"] == dt.date(1980, 1, 1), "generalised to its year"
    assert person["restricted"]
    assert by_dataset(result)["shop.people"].anonymised == 1
    assert by_dataset(result)["shop.orders"].restricted == 1


def test_logins_past_their_one_year_hold_are_deleted_and_recent_ones_kept(shop):
    ada = shop.add_person(
        "ada@example.org", logins=(dt.datetime(2025, 12, 1, 8), dt.datetime(2025, 6, 1, 8), dt.datetime(2024, 1, 1))
    )
    shop.write()
    result = erase(shop, Subject.of("email=ada@example.org"))
    logins = by_dataset(result)["shop.logins"]
    assert (logins.deleted, logins.kept) == (2, 1)
    assert logins.until == dt.date(2026, 12, 1)
    assert logins.holds[0].rule.source == "activity security"
    assert list(shop.table_rows("logins")) == [next(iter(ada.logins))]


def test_a_row_without_an_anchor_date_is_not_held(shop):
    shop.add_person("ada@example.org", orders=(None,), logins=(None,))
    shop.write()
    result = erase(shop, Subject.of("email=ada@example.org"))
    datasets = by_dataset(result)
    assert (datasets["shop.orders"].kept, datasets["shop.orders"].anonymised) == (0, 1)
    assert (datasets["shop.logins"].kept, datasets["shop.logins"].deleted) == (0, 1)


def test_order_lines_are_reached_through_orders_then_people(shop):
    ada = shop.add_person("ada@example.org", orders=(shop.OLD, shop.OLD))
    bob = shop.add_person("bob@example.org", orders=(shop.OLD,))
    shop.write()
    erase(shop, Subject.of("email=ada@example.org"))
    assert set(shop.table_rows("order_lines")) == set(bob.lines)
    assert not set(ada.lines) & set(shop.table_rows("order_lines"))


def test_a_person_request_never_reaches_their_company(shop):
    company = shop.add_customer("C001")
    shop.add_person("ada@example.org", customer_id=company)
    shop.write()
    erase(shop, Subject.of("email=ada@example.org"))
    assert shop.table_rows("customers")[company]["customer_number"] == "C001"


def test_a_company_request_reaches_its_people(shop):
    company = shop.add_customer("C001")
    ada = shop.add_person("ada@example.org", customer_id=company, messages=1)
    other = shop.add_person("bob@example.org")
    shop.write()
    result = erase(shop, Subject.of("customer_number=C001"))
    assert result.ok, result.to_dict()
    customers = shop.table_rows("customers")
    assert customers[company]["customer_number"] == "[redacted]"
    people = shop.table_rows("people")
    assert people[ada.id]["name"] == "ANONYME", "kept (its messages are anonymised, not deleted) but anonymised"
    assert people[other.id]["email"] == "bob@example.org"


def test_running_an_erasure_again_changes_nothing_and_reports_nothing_erased(shop):
    shop.add_person("ada@example.org", "+33612345678", orders=(shop.RECENT, shop.OLD), messages=2, subscribed=True)
    shop.write()
    subject = Subject.of("email=ada@example.org", "phone=+33612345678")
    first = erase(shop, subject)
    assert first.erased > 0
    before = shop.snapshot()
    again = erase(shop, subject)
    assert again.ok
    assert again.erased == 0
    assert shop.snapshot() == before
    plan = plan_request(shop.policy, "erase", subject, today=shop.TODAY, key=shop.KEY)
    assert plan.rows("delete") == 0
    assert plan.rows("anonymise") == 0


def test_a_person_who_is_also_a_tenant_user_keeps_the_tenant_data_without_a_tenant(shop):
    shop.add_person("ada@example.org", tenants=("tenant-1", "tenant-2"))
    shop.write()
    result = erase(shop, Subject.of("email=ada@example.org"))
    assert "shop.members" not in by_dataset(result)
    assert len(shop.table_rows("members")) == 2


def test_a_tenant_erasure_touches_only_that_tenants_rows(shop):
    ada = shop.add_person("ada@example.org", orders=(shop.OLD,), subscribed=True, tenants=("tenant-1", "tenant-2"))
    shop.write()
    result = erase(shop, Subject.of("email=ada@example.org"), tenant="tenant-1")
    assert [dataset.reference for dataset in result.datasets] == ["shop.members"]
    remaining = shop.table_rows("members")
    assert [row["tenant_id"] for row in remaining.values()] == ["tenant-2"]
    assert ada.id in shop.table_rows("people")
    assert len(shop.table_rows("newsletter")) == 1


def test_a_batch_erases_the_same_rows_as_one_subject_at_a_time(shop, tmp_path):
    def populate():
        shop.create()
        shop.add_person("ada@example.org", "+33611111111", orders=(shop.RECENT, shop.OLD), messages=1, subscribed=True)
        shop.add_person("bob@example.org", "+33622222222", logins=(dt.datetime(2026, 1, 5),), subscribed=True)
        shop.add_person("eve@example.org", orders=(shop.OLD,))
        shop.add_person("zoe@example.org", orders=(shop.RECENT,), messages=3)
        shop.write()

    subjects = [
        Subject.of("email=ada@example.org", reference="ada"),
        Subject.of("phone=+33622222222", reference="bob"),
        Subject.of("email=eve@example.org", reference="eve"),
    ]
    populate()
    for subject in subjects:
        erase(shop, subject)
    one_by_one = shop.snapshot()
    populate()
    batch = erase(shop, *subjects)
    assert batch.ok, batch.to_dict()
    assert shop.snapshot() == one_by_one
    orders = by_dataset(batch)["shop.orders"]
    assert orders.per_subject["ada"]._asdict() == {"rows": 2, "erased": 1, "kept": 1}
    assert "bob" not in orders.per_subject, "subjects without rows in a dataset are left out"
    assert by_dataset(batch)["shop.logins"].per_subject["bob"].kept == 1


def test_a_batch_gives_each_person_their_own_pseudonym(shop):
    ada = shop.add_person("ada@example.org", orders=(shop.RECENT,))
    bob = shop.add_person("bob@example.org", orders=(shop.RECENT,))
    shop.write()
    erase(shop, Subject.of("email=ada@example.org", reference="a"), Subject.of("email=BOB@example.org", reference="b"))
    people = shop.table_rows("people")
    assert people[ada.id]["email"] == pseudonym_of("email:ada@example.org", shop.KEY.encode())
    assert people[bob.id]["email"] == pseudonym_of("email:bob@example.org", shop.KEY.encode())


def test_an_email_is_found_whatever_its_case(shop):
    shop.add_person("ada@example.org", subscribed=True)
    shop.write()
    result = erase(shop, Subject.of("email=  Ada@Example.ORG "))
    assert by_dataset(result)["mailing.newsletter"].deleted == 1


def test_a_hashed_field_without_a_key_fails_the_system_and_changes_nothing_there(shop, monkeypatch):
    monkeypatch.delenv("REGISTRE_PSEUDONYM_KEY", raising=False)
    shop.add_person("ada@example.org", orders=(shop.RECENT,), subscribed=True)
    shop.write()
    before = shop.snapshot()
    result = execute_erasure(shop.policy, Subject.of("email=ada@example.org"), today=shop.TODAY)
    errors = {system.system: system.error for system in result.systems}
    assert "REGISTRE_PSEUDONYM_KEY" in errors["shop"]
    assert errors["mailing"] is None
    after = shop.snapshot()
    assert {name: rows for name, rows in after.items() if name not in ("newsletter", "clicks")} == {
        name: rows for name, rows in before.items() if name not in ("newsletter", "clicks")
    }
    assert after["newsletter"] == {}


def test_a_missing_table_is_reported_for_its_system_only(shop):
    shop.add_person("ada@example.org", subscribed=True)
    shop.write()
    with shop.engine.begin() as connection:
        connection.execute(sa.schema.DropTable(sa.Table("clicks", sa.MetaData())))
    result = erase(shop, Subject.of("email=ada@example.org"))
    errors = {system.system: system.error for system in result.systems}
    assert "clicks" in errors["mailing"]
    assert errors["shop"] is None
    assert not result.ok


def test_an_unknown_identity_type_is_refused_before_anything_runs(shop):
    with pytest.raises(ValueError, match=r"unknown identity type fax.*customer_number, email, phone"):
        erase(shop, Subject.of("fax=+33100000000"))


def test_the_result_reads_as_json(shop):
    shop.add_person("ada@example.org", orders=(shop.RECENT,))
    shop.write()
    payload = erase(shop, Subject.of("email=ada@example.org")).to_dict()
    orders = next(d for s in payload["systems"] for d in s["datasets"] if d["dataset"] == "orders")
    assert orders["until"] == "2034-02-10"
    assert orders["holds"][0]["citation"] == "Code de commerce, art. L123-22"
    assert payload["kept"] == 1


def test_a_batch_without_the_pseudonym_key_changes_nothing_in_the_systems_that_need_it(shop, monkeypatch):
    monkeypatch.delenv("REGISTRE_PSEUDONYM_KEY", raising=False)
    shop.add_person("ada@example.org", orders=(shop.RECENT,))
    shop.add_person("bob@example.org", orders=(shop.RECENT,))
    shop.write()
    before = shop.snapshot()
    subjects = [Subject.of("email=ada@example.org", reference="a"), Subject.of("email=bob@example.org", reference="b")]
    result = execute_erasure(shop.policy, subjects, today=shop.TODAY)
    assert "REGISTRE_PSEUDONYM_KEY" in next(s.error for s in result.systems if s.system == "shop")
    assert shop.snapshot() == before
