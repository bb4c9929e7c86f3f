"""Property: after an erasure, no identity value of the subject remains outside held rows; nobody else changes.

"Identity value of the subject" is a value the erasure was asked to look
for: the engine finds data only through them.

Hypothesis draws small shops (a few people with orders, order lines,
messages, logins, newsletter subscriptions and client memberships, dates on
both sides of the holds) and a subject among them, found by email, phone,
both, or an email in other letter case. One database per backend, emptied
between examples.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registre.core.engine import Subject, execute_erasure
from registre.core.policy import Duration

ORDER_DATES = st.sampled_from(
    [dt.date(2010, 3, 1), dt.date(2016, 6, 15), dt.date(2016, 6, 16), dt.date(2024, 2, 10), None]
)
LOGIN_TIMES = st.sampled_from([dt.datetime(2020, 1, 1), dt.datetime(2025, 6, 16), dt.datetime(2026, 6, 1), None])
PEOPLE = st.lists(
    st.fixed_dictionaries(
        {
            "orders": st.lists(ORDER_DATES, max_size=3),
            "messages": st.integers(0, 2),
            "logins": st.lists(LOGIN_TIMES, max_size=2),
            "subscribed": st.booleans(),
            "phone": st.booleans(),
            "tenant": st.booleans(),
            "company": st.booleans(),
        }
    ),
    min_size=2,
    max_size=4,
)


def owned_rows(person):
    """The ids of the rows of `person`, by table (client memberships apart: an erasure without tenant keeps them)."""
    return {
        "people": {person.id},
        "orders": set(person.orders),
        "order_lines": set(person.lines),
        "messages": set(person.messages),
        "logins": set(person.logins),
        "newsletter": set(person.subscriptions),
        "clicks": set(person.clicks),
    }


def still_held(placed_on, today):
    return placed_on is not None and Duration(years=10).add_to(placed_on) >= today  # held through the anniversary day


def populate(shop, people):
    shop.clear()
    company = shop.add_customer("C001")
    for number, spec in enumerate(people):
        shop.add_person(
            f"person{number}@example.org",
            f"+3361000000{number}" if spec["phone"] else None,
            customer_id=company if spec["company"] else None,
            orders=tuple(spec["orders"]),
            messages=spec["messages"],
            logins=tuple(spec["logins"]),
            subscribed=spec["subscribed"],
            tenants=("tenant-1",) if spec["tenant"] else (),
        )
    shop.write()


def identities_of(person, by):
    if by == "phone" and person.phone:
        return [f"phone={person.phone}"]
    if by == "both" and person.phone:
        return [f"email={person.email}", f"phone={person.phone}"]
    return [f"email={person.email.upper() if by == 'EMAIL' else person.email}"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(people=PEOPLE, pick=st.integers(0, 3), by=st.sampled_from(["email", "phone", "both", "EMAIL"]))
def test_no_identity_value_of_the_subject_remains_and_other_rows_are_untouched(shop, people, pick, by):
    populate(shop, people)
    person = shop.people[pick % len(shop.people)]
    before = shop.snapshot()
    result = execute_erasure(shop.policy, Subject.of(*identities_of(person, by)), today=shop.TODAY, key=shop.KEY)
    assert result.ok, result.to_dict()
    after = shop.snapshot()
    owned = owned_rows(person)

    # Nobody else's row changed; the company and the client memberships neither.
    for table, rows in before.items():
        for row_id, row in rows.items():
            if row_id not in owned.get(table, set()):
                assert after[table].get(row_id) == row, (table, row)

    # No identity value the subject was looked for by is left in the data the erasure may touch (the
    # others cannot be linked to them: a phone number alone does not find a newsletter subscription by email).
    values = {text.partition("=")[2].lower() for text in identities_of(person, by)}
    for table, rows in after.items():
        if table != "members":
            assert not any(values & set(row.values()) for row in rows.values()), table

    # Held orders are kept intact and restricted; the others are anonymised.
    for order_id, placed_on in person.orders.items():
        order = after["orders"][order_id]
        assert order["restricted"] == still_held(placed_on, shop.TODAY)
        assert (order["billing_name"] == "Billing Name") == still_held(placed_on, shop.TODAY)
    assert not set(owned["order_lines"]) & set(after["order_lines"])

    again = execute_erasure(shop.policy, Subject.of(*identities_of(person, by)), today=shop.TODAY, key=shop.KEY)
    assert again.erased == 0
