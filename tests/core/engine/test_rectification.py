"""Rectification: values checked against the declaration, then set in every dataset declaring the field."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from registre.core.engine import RectificationError, Subject, execute_rectification, validate_changes
from registre.core.engine.rectification import convert_value
from registre.core.policy.model import FieldSpec

ADA = "email=ada@example.org"


def test_a_rectified_field_is_set_in_every_dataset_that_declares_it(shop):
    shop.add_person("ada@example.org", tenants=("tenant-1",))
    bob = shop.add_person("bob@example.org")
    shop.write()
    result = execute_rectification(shop.policy, Subject.of(ADA), {"name": "Ada King"})
    assert result.ok and result.changed == 1
    names = {row["email"]: row["name"] for row in shop.table_rows("people").values()}
    assert names == {"ada@example.org": "Ada King", "bob@example.org": f"Name {bob.id}"}
    assert [row["name"] for row in shop.table_rows("members").values()] == ["Member 1"], "client data untouched"


def test_an_email_is_rectified_in_every_system(shop):
    shop.add_person("ada@example.org", subscribed=True)
    shop.write()
    result = execute_rectification(shop.policy, Subject.of(ADA), {"email": "ada.king@example.org"})
    assert {dataset.reference: dataset.changed for dataset in result.datasets} == {
        "shop.people": 1,
        "mailing.newsletter": 1,
    }
    assert [row["email"] for row in shop.table_rows("newsletter").values()] == ["ada.king@example.org"]


def test_rectifying_again_changes_nothing(shop):
    shop.add_person("ada@example.org")
    shop.write()
    execute_rectification(shop.policy, Subject.of(ADA), {"born_on": "1815-12-10"})
    assert shop.table_rows("people")[1]["born_on"] == dt.date(1815, 12, 10)
    assert execute_rectification(shop.policy, Subject.of(ADA), {"born_on": "1815-12-10"}).changed == 0


def test_a_batch_rectifies_each_subject_and_reports_per_subject(shop):
    shop.add_person("ada@example.org")
    shop.add_person("bob@example.org")
    shop.write()
    subjects = [Subject.of(ADA, reference="ada"), Subject.of("email=bob@example.org", reference="bob")]
    result = execute_rectification(shop.policy, subjects, {"phone": "+33 6 00 00 00 01"})
    (people,) = [d for d in result.datasets if d.dataset == "people"]
    assert people.per_subject == {"ada": 1, "bob": 1}
    assert {row["phone"] for row in shop.table_rows("people").values()} == {"+33600000001"}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"email": "not an email"}, "email: 'not an email' is not a valid email"),
        ({"phone": "call me"}, "phone: 'call me' is not a valid phone"),
        ({"born_on": "17/05/1980"}, "born_on: '17/05/1980' is not a valid date"),
        ({"name": ""}, "name is required: it cannot be emptied"),
        ({"restricted": "yes"}, "restricted is not a declared personal field"),
        ({"colour": "blue"}, "colour is not a declared personal field (rectifiable: billing_name, body, born_on"),
        ({}, "nothing to rectify"),
    ],
)
def test_invalid_values_are_refused_before_anything_is_written(sqlite_shop, changes, message):
    with pytest.raises(RectificationError, match=message.replace("(", r"\(")):
        validate_changes(sqlite_shop.policy, changes)


def test_every_problem_is_reported_at_once(sqlite_shop):
    with pytest.raises(RectificationError) as raised:
        validate_changes(sqlite_shop.policy, {"email": "x", "born_on": "y"})
    assert "email" in str(raised.value) and "born_on" in str(raised.value)


@pytest.mark.parametrize(
    ("type_", "given", "expected"),
    [
        ("integer", "-12", -12),
        ("decimal", "12.50", Decimal("12.50")),
        ("boolean", "No", False),
        ("datetime", "2026-01-02T03:04:05", dt.datetime(2026, 1, 2, 3, 4, 5)),
        ("phone", "06 12", None),
        (None, "  free text ", "free text"),
    ],
)
def test_values_are_converted_to_their_declared_type(type_, given, expected):
    spec = FieldSpec(type=type_)
    if expected is None:
        with pytest.raises(RectificationError):
            convert_value("field", given, spec)
    else:
        assert convert_value("field", given, spec) == expected


def test_an_optional_field_can_be_emptied():
    assert convert_value("phone", " ", FieldSpec(type="phone")) is None
