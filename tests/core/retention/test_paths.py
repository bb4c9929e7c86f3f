"""Chains of references between datasets, in either direction, shortest first."""

from __future__ import annotations

from registre.core.policy.model import Dataset
from registre.core.retention.paths import Hop, describe_path, reference_path


def datasets(**references: dict[str, str]) -> dict[str, Dataset]:
    return {name: Dataset(references=found) for name, found in references.items()}


CRM = datasets(
    customers={},
    contacts={"customer_id": "customers.id"},
    contracts={"customer_id": "customers.id", "signatory_id": "contacts.id"},
    tickets={"contact_id": "contacts.id"},
    newsletter={},
)


def test_a_dataset_reaches_itself_without_a_step():
    assert reference_path(CRM, "contacts", "contacts") == ()


def test_it_follows_a_reference_downwards_to_the_rows_that_point_at_a_row():
    assert reference_path(CRM, "contacts", "tickets") == (Hop("contacts", "id", "tickets", "contact_id"),)


def test_it_follows_a_reference_upwards_to_the_row_it_points_at():
    assert reference_path(CRM, "tickets", "contacts") == (Hop("tickets", "contact_id", "contacts", "id"),)


def test_it_goes_up_then_down_through_a_common_parent():
    path = reference_path(CRM, "tickets", "customers")
    assert path == (Hop("tickets", "contact_id", "contacts", "id"), Hop("contacts", "customer_id", "customers", "id"))
    assert describe_path(path) == "tickets.contact_id = contacts.id, contacts.customer_id = customers.id"


def test_the_shortest_chain_wins_over_a_longer_one():
    # contacts <- contracts.signatory_id (one step) rather than contacts -> customers <- contracts (two).
    assert reference_path(CRM, "contacts", "contracts") == (Hop("contacts", "id", "contracts", "signatory_id"),)


def test_between_chains_of_the_same_length_the_first_declared_wins():
    found = datasets(a={}, b={"a_id": "a.id", "other_a_id": "a.id"})
    assert reference_path(found, "a", "b") == (Hop("a", "id", "b", "a_id"),)


def test_unrelated_datasets_have_no_chain():
    assert reference_path(CRM, "newsletter", "contacts") is None


def test_references_to_itself_or_to_undeclared_datasets_are_not_followed():
    found = datasets(a={"parent_id": "a.id", "x_id": "elsewhere.id"}, b={})
    assert reference_path(found, "a", "b") is None
