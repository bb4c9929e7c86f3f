"""Access and portability: declared fields only, JSON-safe values, categories and activities, batches."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import sqlalchemy as sa

from registre.core.engine import Subject, execute_access, execute_access_batch
from registre.core.engine.access import json_value

ADA = "email=ada@example.org"


def exported(result, reference):
    return next(dataset for dataset in result.datasets if dataset.reference == reference)


def test_access_exports_the_declared_fields_and_key_with_their_categories(shop):
    ada = shop.add_person("ada@example.org", "+33612345678", orders=(shop.RECENT,))
    shop.write()
    result = execute_access(shop.policy, Subject.of(ADA))
    people = exported(result, "shop.people")
    (row,) = people.rows
    assert row["id"] == ada.id and row["email"] == "ada@example.org"
    assert row["born_on"] == "1980-05-17"
    fields = {field.name: field.category for field in people.fields}
    assert fields["email"] == "contact.email" and fields["restricted"] is None
    assert people.activities == ("sales", "analytics")
    (order,) = exported(result, "shop.orders").rows
    assert order["amount"] == "12.50"
    assert result.ok and result.rows == 3


def test_undeclared_columns_are_not_exported(shop):
    shop.add_person("ada@example.org")
    shop.write()
    with shop.engine.begin() as connection:
        connection.execute(sa.text("ALTER TABLE people ADD COLUMN internal_note VARCHAR(20)"))
    (row,) = exported(execute_access(shop.policy, Subject.of(ADA)), "shop.people").rows
    assert "internal_note" not in row


def test_portability_keeps_only_data_processed_on_consent_or_contract(shop):
    shop.add_person("ada@example.org", logins=(dt.datetime(2026, 1, 1),), subscribed=True)
    shop.write()
    result = execute_access(shop.policy, Subject.of(ADA), portability=True)
    references = {dataset.reference for dataset in result.datasets}
    assert {"shop.people", "mailing.newsletter"} <= references
    assert "shop.logins" not in references, "kept under a legal obligation: not portable"


def test_access_without_tenant_does_not_read_client_data_and_with_tenant_reads_only_it(shop):
    shop.add_person("ada@example.org", tenants=("tenant-1", "tenant-2"))
    shop.write()
    assert "shop.members" not in {d.reference for d in execute_access(shop.policy, Subject.of(ADA)).datasets}
    client = execute_access(shop.policy, Subject.of(ADA), tenant="tenant-2")
    assert [d.reference for d in client.datasets] == ["shop.members"]
    assert [row["tenant_id"] for row in client.datasets[0].rows] == ["tenant-2"]


def test_a_batch_gives_each_subject_what_a_single_access_gives(shop):
    shop.add_person("ada@example.org", "+33611111111", orders=(shop.RECENT, shop.OLD), messages=2, subscribed=True)
    shop.add_person("bob@example.org", "+33622222222", logins=(dt.datetime(2026, 1, 1),))
    shop.write()
    subjects = [
        Subject.of(ADA, "phone=+33611111111", reference="ada"),
        Subject.of("phone=+33622222222", reference="bob"),
        Subject.of("email=nobody@example.org", reference="nobody"),
    ]
    batch = execute_access_batch(shop.policy, subjects)
    for subject in subjects:
        assert (
            batch[subject.reference].to_dict()["systems"] == execute_access(shop.policy, subject).to_dict()["systems"]
        )
    assert batch["nobody"].rows == 0


def test_the_result_reads_as_json_nested_by_system_and_dataset(shop):
    shop.add_person("ada@example.org", subscribed=True)
    shop.write()
    payload = json.loads(json.dumps(execute_access(shop.policy, Subject.of(ADA)).to_dict()))
    newsletter = payload["systems"]["mailing"]["newsletter"]
    assert newsletter["fields"][0] == {"name": "email", "category": "contact.email", "label": None}
    assert newsletter["activities"] == ["marketing"] and newsletter["portable"] is True


def test_values_become_json_safe():
    assert json_value(dt.datetime(2026, 1, 2, 3, 4)) == "2026-01-02T03:04:00"
    assert json_value(Decimal("1.10")) == "1.10"
    assert json_value(b"\x01\xff") == "01ff"
    assert json_value(True) is True and json_value(None) is None
