"""Legal holds: which rules hold a dataset, until when, and what an erasure keeps (frozen today)."""

from __future__ import annotations

import datetime as dt

from registre.core.engine import Subject, execute_erasure, hold_rules
from registre.core.engine.holds import HoldRule, describe_duration
from registre.core.policy import Duration, load_policy


def rules_of(shop, dataset):
    return hold_rules(shop.policy, "shop", dataset, shop.policy.systems["shop"].datasets[dataset])


def test_a_hold_takes_the_period_of_its_legal_reference(sqlite_shop):
    (rule,) = rules_of(sqlite_shop, "orders")
    assert (rule.basis, rule.keep, rule.anchor, rule.source) == (
        "fr.commerce.L123-22",
        Duration(years=10),
        "placed_on",
        "holds",
    )
    assert rule.citation == "Code de commerce, art. L123-22"


def test_an_activity_under_a_legal_obligation_holds_the_dataset_its_retention_counts_from(sqlite_shop):
    (rule,) = rules_of(sqlite_shop, "logins")
    assert (rule.basis, rule.keep, rule.anchor) == ("fr.cpce.L34-1", Duration(years=1), "logged_at")
    assert rule.source == "activity security"


def test_the_same_hold_declared_twice_counts_once(cloud_host_policy_path):
    policy = load_policy(cloud_host_policy_path, {})
    invoices = policy.systems["crm"].datasets["invoices"]
    # Declared under holds: and by the billing activity (legal obligation, P10Y from issued_at).
    assert len(hold_rules(policy, "crm", "invoices", invoices)) == 1


def test_a_dataset_without_hold_has_no_rule(sqlite_shop):
    assert rules_of(sqlite_shop, "messages") == []


def test_the_until_date_is_the_anchor_plus_the_period():
    rule = _rule(Duration(years=10))
    assert rule.until(dt.date(2024, 2, 29)) == dt.date(2034, 2, 28)
    assert rule.first_held_day(dt.date(2026, 6, 15)) == dt.date(2016, 6, 15), "held through its anniversary"
    assert rule.first_held_day(dt.date(2034, 2, 28)) == dt.date(2024, 2, 28), "29 February's last day is the 28th"


def test_a_reason_cites_the_law_the_period_and_the_date():
    reason = _rule(Duration(years=10)).describe(dt.date(2034, 5, 12))
    assert reason == "fr.commerce.L123-22, Code de commerce, art. L123-22, 10 years from placed_on, until 2034-05-12"


def test_durations_read_as_words():
    assert describe_duration(Duration(years=1, months=6)) == "1 year 6 months"
    assert describe_duration(Duration(days=10)) == "10 days"


def _rule(keep):
    return HoldRule("placed_on", keep, "fr.commerce.L123-22", "Code de commerce, art. L123-22", None, "holds")


def test_held_rows_are_kept_with_the_latest_until_date_and_restricted(shop):
    today = shop.TODAY
    held = (dt.date(2017, 1, 1), dt.date(2023, 9, 30))
    shop.add_person("ada@example.org", orders=(*held, dt.date(2016, 6, 14)))
    shop.write()
    result = execute_erasure(shop.policy, Subject.of("email=ada@example.org"), today=today, key=shop.KEY)
    orders = next(d for d in result.datasets if d.dataset == "orders")
    assert (orders.kept, orders.anonymised, orders.restricted) == (2, 1, 2)
    assert orders.until == dt.date(2033, 9, 30)
    rows = shop.table_rows("orders").values()
    assert sorted(row["placed_on"] for row in rows if row["restricted"]) == list(held)


def test_the_last_day_of_a_hold_still_keeps_the_row_and_the_next_day_does_not(shop):
    shop.add_person("ada@example.org", orders=(dt.date(2016, 6, 15), dt.date(2016, 6, 14)))
    shop.write()
    result = execute_erasure(shop.policy, Subject.of("email=ada@example.org"), today=shop.TODAY, key=shop.KEY)
    orders = next(d for d in result.datasets if d.dataset == "orders")
    # Held through the whole day placed_on + 10 years (CPC arts. 641-642): today, 2026-06-15, is the last.
    assert (orders.kept, orders.anonymised) == (1, 1)
    assert orders.until == dt.date(2026, 6, 15)


def test_datetime_anchors_are_held_from_midnight(shop):
    shop.add_person("ada@example.org", logins=(dt.datetime(2025, 6, 15, 0, 0), dt.datetime(2025, 6, 14, 23, 59)))
    shop.write()
    result = execute_erasure(shop.policy, Subject.of("email=ada@example.org"), today=shop.TODAY, key=shop.KEY)
    logins = next(d for d in result.datasets if d.dataset == "logins")
    assert (logins.kept, logins.deleted) == (1, 1)
    assert logins.until == dt.date(2026, 6, 15)
