"""Systems during a request: reachable datasets, statements built once, read-only reads, one transaction."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from registre.core.engine.request import make_request
from registre.core.engine.subjects import Subject
from registre.core.engine.systems import open_system, reachable_datasets, systems_reached


def test_reachable_datasets_follow_references_from_parents_to_children(sqlite_shop):
    datasets = sqlite_shop.policy.systems["shop"].datasets
    by_email = reachable_datasets(datasets, frozenset({"email"}), None)
    assert set(by_email) == {"people", "orders", "order_lines", "messages", "logins"}
    assert by_email.index("people") < by_email.index("orders") < by_email.index("order_lines")
    by_company = reachable_datasets(datasets, frozenset({"customer_number"}), None)
    assert by_company[0] == "customers"


def test_systems_that_no_identity_reaches_are_left_out(sqlite_shop):
    request = make_request("access", Subject.of("customer_number=C001"))
    assert list(systems_reached(sqlite_shop.policy, request)) == ["shop"]


def test_requests_of_the_same_shape_share_their_statements(sqlite_shop):
    first = make_request("access", Subject.of("email=ada@example.org"))
    second = make_request("access", Subject.of("email=bob@example.org"))
    with open_system(sqlite_shop.policy, "shop", first, write=False) as work:
        template, parameters = work.template, work.parameters
    with open_system(sqlite_shop.policy, "shop", second, write=False) as work:
        assert work.template is template
        assert (parameters["email_1"], work.parameters["email_1"]) == ("ada@example.org", "bob@example.org")


def test_reads_cannot_write(shop):
    shop.add_person("ada@example.org")
    shop.write()
    request = make_request("access", Subject.of("email=ada@example.org"))
    with pytest.raises(sa.exc.DBAPIError), open_system(shop.policy, "shop", request, write=False) as work:
        work.connection.execute(sa.delete(work.table("people")))
    assert len(shop.table_rows("people")) == 1


def test_a_failing_write_changes_nothing_in_its_system(shop):
    shop.add_person("ada@example.org", subscribed=True)
    shop.write()
    request = make_request("erase", Subject.of("email=ada@example.org"))
    with pytest.raises(RuntimeError), open_system(shop.policy, "mailing", request, write=True, key=b"k") as work:
        work.connection.execute(sa.delete(work.table("clicks")))
        raise RuntimeError("crash")
    assert len(shop.table_rows("clicks")) == 1


def test_a_batch_reads_through_a_temporary_table_that_is_dropped_afterwards(shop):
    shop.add_person("ada@example.org")
    shop.write()
    subjects = [Subject.of("email=ada@example.org", reference="a"), Subject.of("email=bob@example.org", reference="b")]
    with open_system(shop.policy, "shop", make_request("access", subjects), write=False) as work:
        rows = work.connection.execute(work.scope.attribution("people", "email")).all()
    assert [tuple(row) for row in rows] == [("a", "ada@example.org")]
    assert "registre_subjects" not in sa.inspect(shop.engine).get_table_names()


def test_a_batch_that_writes_resolves_the_rows_its_identities_name_once_and_records_no_change(shop, recorded_changes):
    ada = shop.add_person("Ada@Example.org ", "+33612345678", orders=(shop.RECENT,))
    shop.add_person("bob@example.org")
    shop.write()
    subjects = [
        Subject.of("email=ada@example.org", reference="a"),
        Subject.of("phone=06 12 34 56 78", reference="b"),
        Subject.of("email=nobody@example.org", reference="c"),
    ]
    with open_system(shop.policy, "shop", make_request("erase", subjects), write=True, key=shop.KEY.encode()) as work:
        resolved = work.scope.identities.resolved["people"]
        found = work.connection.execute(sa.select(resolved.c.row_key, resolved.c.subject_ref)).all()
        orders = work.sql(sa.select(work.table("orders")).where(work.scope.condition("orders")))
    assert sorted(tuple(row) for row in found) == [(ada.id, "a"), (ada.id, "b")]
    # The children find the people's rows by key, without comparing identities again.
    assert f"orders.person_id IN (SELECT {resolved.name}.row_key" in orders
    assert "registre_subjects" not in orders
    assert recorded_changes == [], "the session's own tables are not changes to the system"


def test_a_batch_that_only_reads_compares_identities_in_each_statement(sqlite_shop):
    subjects = [Subject.of("email=ada@example.org", reference="a"), Subject.of("email=bob@example.org", reference="b")]
    with open_system(sqlite_shop.policy, "shop", make_request("access", subjects), write=False) as work:
        assert work.scope.identities.resolved == {}
        orders = work.sql(sa.select(work.table("orders")).where(work.scope.condition("orders")))
    assert "registre_subjects" in orders
