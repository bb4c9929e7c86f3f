"""Where a subject's rows are: one condition per dataset, identity values always bound, tenants kept apart."""

from __future__ import annotations

import sqlalchemy as sa

from registre.core.engine import Subject, plan_request
from registre.core.engine.erasure import erasure_steps
from registre.core.engine.request import make_request
from registre.core.engine.systems import open_system

SECRET_EMAIL = "very.secret.person@example.org"
SECRET_PHONE = "+33699887766"


def compiled_statements(shop, request):
    """Every erasure statement of the shop, compiled for the backend as the database receives it."""
    texts = []
    with open_system(shop.policy, "shop", request, write=False, key=b"k") as work:
        for name in work.reached:
            steps = erasure_steps(work, name)
            for statement in steps.statements():
                texts.append(str(statement.compile(dialect=work.connection.dialect)))
                texts.append(work.sql(statement))
    return texts


def test_identity_values_never_appear_in_the_sql(shop):
    shop.add_person(SECRET_EMAIL, SECRET_PHONE, orders=(shop.RECENT,), messages=1)
    shop.write()
    for subjects in (
        [Subject.of(f"email={SECRET_EMAIL}", f"phone={SECRET_PHONE}")],
        [
            Subject.of(f"email={SECRET_EMAIL}", reference="a"),
            Subject.of(f"phone={SECRET_PHONE}", reference="b"),
        ],
    ):
        request = make_request("erase", subjects, today=shop.TODAY)
        texts = compiled_statements(shop, request)
        assert texts
        for text in texts:
            assert SECRET_EMAIL not in text and "very.secret" not in text
            assert SECRET_PHONE not in text and "99887766" not in text
    plan = plan_request(shop.policy, "erase", Subject.of(f"email={SECRET_EMAIL}"), today=shop.TODAY, key=shop.KEY)
    assert SECRET_EMAIL not in str(plan.to_dict())
    assert SECRET_EMAIL not in plan.to_text()


def test_children_are_found_through_nested_subqueries(sqlite_shop):
    request = make_request("access", Subject.of("email=ada@example.org"))
    with open_system(sqlite_shop.policy, "shop", request, write=False) as work:
        text = work.sql(sa.select(work.table("order_lines")).where(work.scope.condition("order_lines")))
    assert "order_lines.order_id IN (SELECT orders.id" in text
    assert "orders.person_id IN (SELECT people.id" in text
    assert "lower(trim(people.email)) IN (:email_1)" in text


def test_a_dataset_no_identity_leads_to_is_not_reached(sqlite_shop):
    request = make_request("access", Subject.of("email=ada@example.org"))
    with open_system(sqlite_shop.policy, "shop", request, write=False) as work:
        assert work.scope.condition("customers") is None
        assert "customers" not in work.reached


def test_processor_datasets_are_reached_only_with_a_tenant_and_then_alone(sqlite_shop):
    person = make_request("access", Subject.of("email=ada@example.org"))
    client = make_request("access", Subject.of("email=ada@example.org"), tenant="tenant-1")
    with open_system(sqlite_shop.policy, "shop", person, write=False) as work:
        assert "members" not in work.reached
    with open_system(sqlite_shop.policy, "shop", client, write=False) as work:
        assert work.reached == ["members"]
        text = work.sql(sa.select(work.table("members")).where(work.scope.condition("members")))
        assert "members.tenant_id = :tenant" in text


def test_rows_resolved_through_the_identity_index_are_the_rows_the_join_finds(shop):
    ada = shop.add_person("ada@example.org", "+33 6 12 34 56 78")
    bob = shop.add_person(" Bob@Example.org")
    shop.add_person("carol@example.org")
    shop.write()
    subjects = [
        Subject.of("email=ada@example.org", reference="a"),
        Subject.of("email=bob@example.org", "phone=0612345678", reference="b"),
    ]
    with open_system(shop.policy, "shop", make_request("erase", subjects), write=True, key=shop.KEY.encode()) as work:
        plain = work.connection.execute(work.scope.resolution("people")).all()
        searched_statement = work.scope.resolution("people", searched=True)
        searched = work.connection.execute(searched_statement).all()
        text = work.sql(searched_statement)
    assert sorted((row[0], row[1]) for row in plain) == [(ada.id, "a"), (ada.id, "b"), (bob.id, "b")]
    assert sorted(plain) == sorted(searched)
    # PostgreSQL compares with an array, which an expression index serves; the others join as they are.
    assert ("= ANY (array((SELECT" in text) == (work.connection.dialect.name == "postgresql")
