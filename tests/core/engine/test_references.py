"""The reference graph of a system: parents, children, cycles set aside, and the order of erasure."""

from __future__ import annotations

from registre.core.engine.references import Link, SystemGraph
from registre.core.policy.model import Dataset


def graph(**references: dict[str, str]) -> SystemGraph:
    return SystemGraph({name: Dataset(references=refs) for name, refs in references.items()})


def test_references_link_children_to_their_parents():
    shop = graph(people={}, orders={"person_id": "people.id"}, lines={"order_id": "orders.id"})
    assert shop.parents_of("lines") == [Link("lines", "order_id", "orders", "id")]
    assert [link.child for link in shop.children_of("people")] == ["orders"]
    assert shop.ancestors("lines") == {"orders", "people"}


def test_children_are_erased_before_their_parents():
    shop = graph(lines={"order_id": "orders.id"}, people={}, orders={"person_id": "people.id"})
    assert shop.erasure_order() == ["lines", "orders", "people"]


def test_a_table_pointing_at_itself_is_not_followed():
    shop = graph(people={"manager_id": "people.id"})
    assert shop.links == []
    assert [str(link) for link in shop.cut] == ["people.manager_id -> people.id"]


def test_the_reference_closing_a_cycle_is_set_aside():
    shop = graph(a={"b_id": "b.id"}, b={"a_id": "a.id"})
    assert [str(link) for link in shop.links] == ["a.b_id -> b.id"]
    assert [str(link) for link in shop.cut] == ["b.a_id -> a.id"]
    assert shop.erasure_order() == ["a", "b"]


def test_a_reference_to_an_undeclared_dataset_is_ignored():
    assert graph(orders={"person_id": "people.id"}).links == []
