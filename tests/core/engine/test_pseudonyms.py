"""Rows pseudonymised by an erasure stay the person's: a later erasure or access still reaches them."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from registre.core.engine import Subject, execute_access, execute_erasure, pseudonym_of

ADA = "email=Ada@Example.org"
AFTER_THE_HOLD = dt.date(2035, 1, 1)


def _orders(shop, person_id):
    with shop.engine.connect() as connection:
        query = sa.text("SELECT id, billing_name FROM orders WHERE person_id = :id ORDER BY id")
        return {row.id: row.billing_name for row in connection.execute(query, {"id": person_id})}


def test_a_second_erasure_finds_the_person_through_their_pseudonym(shop):
    ada = shop.add_person("ada@example.org", orders=(shop.RECENT,))
    shop.write()
    first = execute_erasure(shop.policy, Subject.of(ADA), today=shop.TODAY, key=shop.KEY)
    assert first.ok and first.kept == 1
    pseudonym = pseudonym_of("email:ada@example.org", shop.KEY.encode())
    assert shop.table_rows("people")[ada.id]["email"] == pseudonym
    assert set(_orders(shop, ada.id).values()) == {"Billing Name"}  # held by law

    # Once the hold has run out, the same request reaches the orders through the pseudonymised person.
    second = execute_erasure(shop.policy, Subject.of(ADA), today=AFTER_THE_HOLD, key=shop.KEY)
    assert second.ok and second.kept == 0
    assert set(_orders(shop, ada.id).values()) == {"[redacted]"}


def test_access_finds_the_rows_kept_under_a_hold_by_the_pseudonym(shop, monkeypatch):
    monkeypatch.delenv("REGISTRE_PSEUDONYM_KEY", raising=False)
    ada = shop.add_person("ada@example.org", orders=(shop.RECENT,))
    shop.write()
    execute_erasure(shop.policy, Subject.of(ADA), today=shop.TODAY, key=shop.KEY)
    found = execute_access(shop.policy, Subject.of(ADA), today=shop.TODAY, key=shop.KEY)
    rows = {dataset.dataset: {row["id"] for row in dataset.rows} for dataset in found.datasets}
    assert rows["people"] == {ada.id}
    assert rows["orders"] == set(ada.orders)
    # Without the key nothing links the pseudonymised rows to her.
    blind = execute_access(shop.policy, Subject.of(ADA), today=shop.TODAY, key=None)
    assert "people" not in {dataset.dataset for dataset in blind.datasets}


def test_the_final_state_does_not_depend_on_which_identity_the_person_gives_first(shop):
    ada = shop.add_person("ada@example.org", "+33612345678", orders=(shop.RECENT,))
    shop.write()
    execute_erasure(shop.policy, Subject.of(ADA, "phone=06 12 34 56 78"), today=shop.TODAY, key=shop.KEY)
    execute_erasure(shop.policy, Subject.of("phone=06 12 34 56 78", ADA), today=AFTER_THE_HOLD, key=shop.KEY)
    assert set(_orders(shop, ada.id).values()) == {"[redacted]"}
