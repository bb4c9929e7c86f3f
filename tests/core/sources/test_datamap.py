"""The static data map of a policy: systems, datasets, columns, categories and the activities using them."""

from __future__ import annotations

import json

import pytest

from registre.core.policy import Policy, load_policy
from registre.core.sources import DataMap, build_data_map


@pytest.fixture
def policy(cloud_host_policy_path) -> Policy:
    return load_policy(cloud_host_policy_path, environ={})


@pytest.fixture
def data_map(policy) -> DataMap:
    return build_data_map(policy)


def test_the_map_lists_every_dataset_of_the_cloud_host_example_with_its_categories_and_activities(policy, data_map):
    for reference, _system, _name, dataset in policy.iter_datasets():
        mapped = data_map.dataset(reference)
        assert mapped is not None, reference
        expected_categories = list(dict.fromkeys(spec.category for spec in dataset.personal_fields().values()))
        assert mapped.categories == expected_categories
        assert [activity.key for activity in mapped.activities] == list(policy.activities_using(reference))


def test_a_dataset_shows_who_uses_it(data_map):
    contacts = data_map.dataset("crm.contacts")
    assert contacts is not None
    assert [activity.key for activity in contacts.activities] == ["contract-management", "support", "prospecting"]
    assert contacts.categories == [
        "contact.email",
        "identification.first_name",
        "identification.last_name",
        "contact.phone",
        "contact.job_title",
    ]
    messages = data_map.dataset("platform.tenant_messages")
    assert messages is not None
    assert [(a.key, a.role) for a in messages.activities] == [("hosted-messaging", "processor")]


def test_systems_keep_their_declaration_order_and_location(data_map):
    assert [(system.key, system.location) for system in data_map.systems] == [("crm", "FR"), ("platform", "FR")]
    assert [d.reference for d in data_map.systems[1].datasets] == ["platform.tenant_users", "platform.tenant_messages"]


def test_fields_carry_their_category_labels_in_french_and_english(data_map):
    contacts = data_map.dataset("crm.contacts")
    assert contacts is not None
    email = next(field for field in contacts.fields if field.name == "email")
    assert email.category == "contact.email"
    assert email.category_label is not None
    assert email.category_label.get("fr") == "Adresse électronique"
    assert email.category_label.get("en") == "Email address"
    assert email.required
    assert email.identity == ["email"]
    assert email.anonymize == "hash"


def test_columns_that_find_a_data_subject_are_marked(data_map):
    messages = data_map.dataset("platform.tenant_messages")
    assert messages is not None
    fields = {field.name: field for field in messages.fields}
    assert fields["recipient_phone"].identity == ["phone"]
    assert fields["tenant_id"].tenant
    assert fields["user_id"].references == "tenant_users.id"
    # The key is declared by `key:` only; it is still on the map, with no category.
    assert fields["id"].key
    assert fields["id"].category is None
    assert messages.subject == "recipients_of_communications"
    assert messages.erase == "delete"


def test_columns_without_category_hold_no_personal_data(data_map):
    customers = data_map.dataset("crm.customers")
    assert customers is not None
    vat = next(field for field in customers.fields if field.name == "vat_number")
    assert vat.category is None
    assert vat.category_label is None
    assert customers.erase == "anonymize"


def test_holds_take_their_duration_and_basis_from_the_legal_reference(data_map):
    invoices = data_map.dataset("crm.invoices")
    assert invoices is not None
    (hold,) = invoices.holds
    assert hold["reference"] == "fr.commerce.L123-22"
    assert hold["keep"] == "P10Y"
    assert hold["from"] == "issued_at"
    assert hold["citation"] == "Code de commerce, art. L123-22"
    assert hold["basis"]["en"] == "Accounting records and supporting documents"


SMALL_POLICY = """\
registre: 1
organisation:
  name: Petite Boîte SAS
  contacts:
    requests: {email: privacy@petite.fr}
categories:
  x.voice:
    label: {fr: Voix, en: Voice}
    group: identification
systems:
  phone:
    url: sqlite:///phone.sqlite
    location: FR
    datasets:
      calls:
        subject: client_contacts
        fields:
          recording: x.voice
          started_at: {type: datetime}
activities:
  call-quality:
    name: Qualité
    purpose: Amélioration de la qualité
    legal_basis: legitimate_interest
    legitimate_interest: Former les conseillers
    datasets: [phone.calls]
    retention: {keep: P6M, from: phone.calls.started_at}
    security: [access_control]
"""


def test_a_category_declared_by_the_policy_gets_its_own_label(tmp_path):
    path = tmp_path / "registre.yaml"
    path.write_text(SMALL_POLICY, encoding="utf-8")
    calls = build_data_map(load_policy(path, environ={})).dataset("phone.calls")
    assert calls is not None
    recording = next(field for field in calls.fields if field.name == "recording")
    assert recording.category_label is not None
    assert (recording.category_label.fr, recording.category_label.en) == ("Voix", "Voice")


def test_the_map_hides_database_passwords(policy):
    system = policy.systems["crm"].model_copy(update={"url": "postgresql://crm:s3cret@db.internal/crm"})
    data_map = build_data_map(policy.model_copy(update={"systems": {"crm": system}}))
    assert data_map.systems[0].url == "postgresql://crm:***@db.internal/crm"
    assert "s3cret" not in json.dumps(data_map.to_dict())


def test_the_map_is_json_ready(data_map):
    document = json.loads(json.dumps(data_map.to_dict()))
    contacts = document["systems"][0]["datasets"][1]
    assert contacts["reference"] == "crm.contacts"
    assert contacts["label"] == {"fr": "Contacts", "en": "Contacts"}
    assert contacts["activities"][0] == {
        "key": "contract-management",
        "name": {"fr": "Gestion des clients et des contrats", "en": "Customer and contract management"},
        "role": "controller",
    }
