"""The sweep order: datasets that count from others before them, else children before parents."""

from __future__ import annotations

from registre.core.engine.references import SystemGraph
from registre.core.policy import Duration
from registre.core.policy.model import Dataset
from registre.core.retention.order import sweep_order
from registre.core.retention.paths import Hop
from registre.core.retention.rules import Anchor, RetentionRule

GRAPH = SystemGraph(
    {
        "customers": Dataset(),
        "contacts": Dataset(references={"customer_id": "customers.id"}),
        "tickets": Dataset(references={"contact_id": "contacts.id"}),
    }
)


def counting_from(reader, target, column):
    hop = Hop(reader, "id", target, column)
    return RetentionRule("support", Duration(years=1), Anchor("crm", target, "closed_at"), "delete", (hop,))


def test_without_rules_between_datasets_children_come_before_parents():
    order = sweep_order(GRAPH, {}, dict.fromkeys(GRAPH.datasets, "delete"))
    assert order.datasets == ("tickets", "contacts", "customers")
    assert order.notes == ()


def test_a_dataset_counting_from_rows_that_the_sweep_deletes_comes_before_them():
    rules = {"contacts": [counting_from("contacts", "tickets", "contact_id")]}
    order = sweep_order(GRAPH, rules, dict.fromkeys(GRAPH.datasets, "delete"))
    assert order.datasets == ("contacts", "tickets", "customers")
    assert order.position("contacts") < order.position("tickets")


def test_rows_that_are_anonymised_stay_and_do_not_constrain_the_order():
    rules = {"contacts": [counting_from("contacts", "tickets", "contact_id")]}
    actions = {"customers": "delete", "contacts": "delete", "tickets": "anonymize"}
    assert sweep_order(GRAPH, rules, actions).datasets == ("tickets", "contacts", "customers")


def test_rules_counting_from_each_other_are_noted():
    rules = {
        "contacts": [counting_from("contacts", "tickets", "contact_id")],
        "tickets": [RetentionRule("x", Duration(years=1), Anchor("crm", "contacts", "d"), "delete",
                                  (Hop("tickets", "contact_id", "contacts", "id"),))],
    }  # fmt: skip
    order = sweep_order(GRAPH, rules, dict.fromkeys(GRAPH.datasets, "delete"))
    assert sorted(order.datasets) == ["contacts", "customers", "tickets"]
    assert order.notes == ("retention rules of contacts and tickets count from each other",)
