"""Counting a subject's rows: one statement, per subject in a batch, shared rows counted once overall."""

from __future__ import annotations

from registre.core.engine.census import Census, Censuses, Tally, take_census
from registre.core.engine.request import make_request
from registre.core.engine.subjects import Subject
from registre.core.engine.systems import open_system


def test_a_census_counts_the_rows_and_the_conditions_of_one_subject(shop):
    shop.add_person("ada@example.org", orders=(shop.RECENT, shop.OLD, shop.OLD))
    shop.write()
    request = make_request("access", Subject.of("email=ada@example.org"))
    with open_system(shop.policy, "shop", request, write=False) as work:
        table = work.table("orders")
        censuses = take_census(
            work,
            "orders",
            "test",
            lambda: Tally({"old": table.c.placed_on < shop.RECENT}, {"max_on": table.c.placed_on}),
        )
    census = censuses.overall
    assert (census.rows, census.count("old"), census.maximum("max_on")) == (3, 2, shop.RECENT)


def test_a_batch_census_counts_per_subject_and_shared_rows_once_overall(shop):
    company = shop.add_customer("C001")
    shop.add_person("ada@example.org", customer_id=company)
    shop.add_person("bob@example.org", customer_id=company)
    shop.add_person("eve@example.org")
    shop.write()
    subjects = [
        Subject.of("email=ada@example.org", reference="ada"),
        Subject.of("customer_number=C001", reference="company"),
        Subject.of("email=nobody@example.org", reference="nobody"),
    ]
    with open_system(shop.policy, "shop", make_request("access", subjects), write=False) as work:
        censuses = take_census(work, "people", "test", Tally)
    assert censuses.of("ada").rows == 1
    assert censuses.of("company").rows == 2
    assert censuses.of("nobody").rows == 0
    assert "nobody" not in censuses.per_subject
    assert censuses.overall.rows == 2, "ada is also one of the company's people"


def test_censuses_without_an_overall_count_add_up():
    index = {"held": 1, "max_anchor": 2}
    censuses = Censuses([("a", 2, 1, 5), ("b", 3, 0, 9)], index)
    assert (censuses.overall.rows, censuses.overall.count("held"), censuses.overall.maximum("max_anchor")) == (5, 1, 9)
    assert censuses.counts("rows", "held", None) == {"a": (2, 1, 0), "b": (3, 0, 0)}
    assert Census().count("anything") == 0
