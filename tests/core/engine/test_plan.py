"""Plans: counts, decisions with reasons, SQL with parameter names, per subject in batches; nothing changes."""

from __future__ import annotations

import datetime as dt
import json

from registre.core.engine import Subject, execute_erasure, plan_request

ADA = "email=ada@example.org"


def decisions(plan, reference):
    dataset = next(d for d in plan.datasets if d.reference == reference)
    return {decision.kind: decision for decision in dataset.decisions}


def test_an_erasure_plan_states_each_decision_and_its_reason_without_changing_anything(shop):
    shop.add_person("ada@example.org", orders=(shop.RECENT, shop.OLD), messages=2, subscribed=True)
    shop.write()
    before = shop.snapshot()
    plan = plan_request(shop.policy, "erase", Subject.of(ADA), today=shop.TODAY, key=shop.KEY)
    assert shop.snapshot() == before
    orders = decisions(plan, "shop.orders")
    assert orders["keep"].rows == 1
    assert orders["keep"].until == dt.date(2034, 2, 10)
    assert orders["keep"].reason.startswith("kept: fr.commerce.L123-22, Code de commerce, art. L123-22, 10 years")
    assert orders["anonymise"].rows == 1
    assert decisions(plan, "shop.order_lines")["delete"].rows == 2
    assert decisions(plan, "shop.messages")["anonymise"].rows == 2
    people = decisions(plan, "shop.people")
    assert (
        people["anonymise"].reason
        == "referenced by rows that are kept: pseudonymised and restricted instead of deleted"
    )
    assert decisions(plan, "mailing.newsletter")["delete"].rows == 1


def test_a_plan_predicts_what_the_erasure_then_does(shop):
    shop.add_person(
        "ada@example.org", orders=(shop.RECENT, shop.OLD, None), messages=1, logins=(dt.datetime(2026, 1, 1),)
    )
    shop.add_person("bob@example.org", subscribed=True)
    shop.write()
    subject = Subject.of(ADA)
    plan = plan_request(shop.policy, "erase", subject, today=shop.TODAY, key=shop.KEY)
    result = execute_erasure(shop.policy, subject, today=shop.TODAY, key=shop.KEY)
    for dataset in result.datasets:
        planned = decisions(plan, dataset.reference)
        assert dataset.deleted == (planned["delete"].rows if "delete" in planned else 0), dataset.reference
        assert dataset.anonymised == (planned["anonymise"].rows if "anonymise" in planned else 0), dataset.reference
        assert dataset.kept == (planned["keep"].rows if "keep" in planned else 0), dataset.reference


def test_a_plan_shows_sql_with_parameter_names_only(shop):
    shop.add_person("ada@example.org", subscribed=True)
    shop.write()
    plan = plan_request(shop.policy, "erase", Subject.of(ADA), today=shop.TODAY, key=shop.KEY)
    clicks, newsletter = (
        next(d for d in plan.datasets if d.reference == f"mailing.{n}") for n in ("clicks", "newsletter")
    )
    assert clicks.sql[0].startswith("DELETE FROM clicks WHERE clicks.subscription_id IN (SELECT newsletter.id")
    if shop.engine.dialect.name in ("mysql", "mariadb"):
        # The column's case-blind index narrows the rows, then the comparison is binary.
        assert newsletter.sql[0].startswith(
            "DELETE FROM newsletter WHERE (newsletter.email IN (:email_1) OR newsletter.email LIKE ' %') AND "
            "CAST(CONVERT(lower(trim(newsletter.email)) USING utf8mb4) AS BINARY) IN (:email_1)"
        )
    else:
        assert newsletter.sql[0].startswith(
            "DELETE FROM newsletter WHERE lower(trim(newsletter.email)) IN (:email_1) AND NOT (EXISTS"
        )
    assert newsletter.sql[1].startswith("UPDATE newsletter SET email=:email_redacted")
    assert "ada@example.org" not in plan.to_text()


def test_unreached_datasets_say_why(sqlite_shop):
    plan = plan_request(sqlite_shop.policy, "access", Subject.of(ADA))
    assert decisions(plan, "shop.customers")["skip"].reason == "no identity of type email leads to it"
    assert decisions(plan, "shop.members")["skip"].reason.startswith("processor dataset (tenant column tenant_id)")
    tenant_plan = plan_request(sqlite_shop.policy, "access", Subject.of(ADA), tenant="tenant-1")
    assert decisions(tenant_plan, "shop.people")["skip"].reason.startswith("not a processor dataset")


def test_a_batch_plan_counts_per_subject(shop):
    shop.add_person("ada@example.org", orders=(shop.RECENT, shop.OLD))
    shop.add_person("bob@example.org", orders=(shop.OLD,))
    shop.write()
    subjects = [Subject.of(ADA, reference="ada"), Subject.of("email=bob@example.org", reference="bob")]
    plan = plan_request(shop.policy, "erase", subjects, today=shop.TODAY, key=shop.KEY)
    orders = next(d for d in plan.datasets if d.reference == "shop.orders")
    assert orders.per_subject == {"ada": {"rows": 2, "keep": 1, "anonymise": 1}, "bob": {"rows": 1, "anonymise": 1}}
    assert orders.rows == 3


def test_access_restriction_and_rectification_plans(shop):
    shop.add_person("ada@example.org", orders=(shop.OLD,), subscribed=True)
    shop.write()
    access = plan_request(shop.policy, "access", Subject.of(ADA), portability=True)
    assert decisions(access, "shop.people")["export"].rows == 1
    assert decisions(access, "shop.logins")["skip"].reason.startswith("not portable")
    restrict = plan_request(shop.policy, "restrict", Subject.of(ADA))
    assert decisions(restrict, "shop.people")["restrict"].rows == 1
    assert decisions(restrict, "mailing.newsletter")["skip"].reason == "cannot restrict: no restrict column"
    rectify = plan_request(shop.policy, "rectify", Subject.of(ADA), changes={"name": "Ada King"})
    assert decisions(rectify, "shop.people")["rectify"].reason == "set name"
    assert rectify.fields == ("name",)
    assert "Ada King" not in json.dumps(rectify.to_dict())


def test_a_plan_reads_as_json_and_as_text(shop):
    shop.add_person("ada@example.org", orders=(shop.RECENT,))
    shop.write()
    plan = plan_request(shop.policy, "erase", Subject.of(ADA), today=shop.TODAY, key=shop.KEY)
    payload = json.loads(json.dumps(plan.to_dict()))
    assert payload["action"] == "erase" and payload["today"] == "2026-06-15"
    text = plan.to_text()
    assert text.startswith(f"Plan: erase for {plan.subjects[0]}, on 2026-06-15")
    assert "  shop.orders: 1 row\n    keep 1: kept: fr.commerce.L123-22" in text
    assert "    | UPDATE orders SET restricted=:restrict_flag" in text
    assert "| " not in plan.to_text(sql=False)


def test_an_erasure_plan_without_the_pseudonym_key_says_it_will_be_needed(sqlite_shop, monkeypatch):
    monkeypatch.delenv("REGISTRE_PSEUDONYM_KEY", raising=False)
    plan = plan_request(sqlite_shop.policy, "erase", Subject.of(ADA), today=sqlite_shop.TODAY)
    shop_notes = next(system.notes for system in plan.systems if system.system == "shop")
    assert any("REGISTRE_PSEUDONYM_KEY" in note for note in shop_notes)
    assert "note: shop.people anonymises a field by keyed hash" in plan.to_text()
