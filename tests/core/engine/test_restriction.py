"""Restriction (Art. 18): set and lift the flag; datasets without a flag column are reported."""

from __future__ import annotations

from registre.core.engine import Subject, execute_restriction
from registre.core.engine.restriction import NO_FLAG_NOTE

ADA = "email=ada@example.org"


def by_dataset(result):
    return {dataset.reference: dataset for dataset in result.datasets}


def test_restriction_flags_the_subjects_rows_and_lifting_clears_them(shop):
    ada = shop.add_person("ada@example.org", orders=(shop.OLD, shop.RECENT))
    bob = shop.add_person("bob@example.org", orders=(shop.OLD,))
    shop.write()
    result = execute_restriction(shop.policy, Subject.of(ADA))
    assert (by_dataset(result)["shop.people"].changed, by_dataset(result)["shop.orders"].changed) == (1, 2)
    people = shop.table_rows("people")
    assert people[ada.id]["restricted"] and not people[bob.id]["restricted"]
    lifted = execute_restriction(shop.policy, Subject.of(ADA), lift=True)
    assert lifted.changed == 3
    assert not any(row["restricted"] for row in shop.table_rows("orders").values())


def test_restricting_twice_changes_nothing_the_second_time(shop):
    shop.add_person("ada@example.org")
    shop.write()
    assert execute_restriction(shop.policy, Subject.of(ADA)).changed == 1
    assert execute_restriction(shop.policy, Subject.of(ADA)).changed == 0


def test_a_dataset_without_a_restrict_column_is_reported_with_its_rows(shop):
    shop.add_person("ada@example.org", messages=2, subscribed=True)
    shop.write()
    result = by_dataset(execute_restriction(shop.policy, Subject.of(ADA)))
    assert (result["shop.messages"].note, result["shop.messages"].rows) == (NO_FLAG_NOTE, 2)
    assert result["mailing.newsletter"].note == NO_FLAG_NOTE


def test_a_batch_restricts_each_subject(shop):
    shop.add_person("ada@example.org")
    shop.add_person("bob@example.org")
    shop.write()
    subjects = [Subject.of(ADA, reference="ada"), Subject.of("email=bob@example.org", reference="bob")]
    result = execute_restriction(shop.policy, subjects)
    assert by_dataset(result)["shop.people"].per_subject == {"ada": 1, "bob": 1}
    assert all(row["restricted"] for row in shop.table_rows("people").values())
