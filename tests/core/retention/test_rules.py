"""Retention rules of the cloud-host example: own dates, related dates, rules that wait; and what happens then."""

from __future__ import annotations

import pytest

from registre.core.policy import Duration, load_policy
from registre.core.policy.model import Dataset, Retention
from registre.core.retention import Anchor, RetentionRule, retention_rules, sweep_action


@pytest.fixture
def policy(cloud_host_policy_path, tmp_path):
    environ = {"CRM_DATABASE_URL": f"sqlite:///{tmp_path}/crm.sqlite", "PLATFORM_DATABASE_URL": "sqlite://"}
    return load_policy(cloud_host_policy_path, environ)


def rules_of(policy, reference):
    system, dataset = reference.split(".")
    return {rule.activity: rule for rule in retention_rules(policy, system, dataset)}


def test_a_rule_counting_from_the_dataset_s_own_date_has_no_path(policy):
    rule = rules_of(policy, "crm.contracts")["contract-management"]
    assert rule.own and rule.executable
    assert rule.anchor == Anchor("crm", "contracts", "ended_at")
    assert rule.keep == Duration(years=5)
    assert rule.describe() == "contract-management: 5 years from crm.contracts.ended_at, then anonymize"


def test_a_rule_counting_from_a_related_dataset_follows_the_references(policy):
    rule = rules_of(policy, "crm.customers")["contract-management"]
    assert not rule.own and rule.executable
    assert [str(hop) for hop in rule.path] == ["customers.id = contracts.customer_id"]
    assert rule.reads() == {"contracts"}


def test_every_activity_listing_a_dataset_gives_it_a_rule(policy):
    assert list(rules_of(policy, "crm.contacts")) == ["contract-management", "support", "prospecting"]


def test_a_rule_without_a_date_column_waits_and_says_why(policy):
    rule = rules_of(policy, "platform.tenant_users")["hosted-messaging"]
    assert not rule.executable
    assert rule.waits.startswith("waits for hosted-messaging: no date column to count from")
    assert "the end of the customer's contract" in rule.waits


def test_a_rule_with_no_chain_of_references_to_its_date_waits(policy):
    rule = rules_of(policy, "crm.newsletter")["prospecting"]
    assert (
        rule.waits == "waits for prospecting: no chain of references from newsletter to contacts (its last_contact_at)"
    )


def test_then_defaults_to_the_dataset_s_erase_when_the_activity_does_not_state_it(policy):
    assert rules_of(policy, "crm.contacts")["support"].then == "delete"
    assert rules_of(policy, "crm.invoices")["billing"].then == "anonymize"


def rule(then):
    return RetentionRule("a", Duration(years=1), Anchor("s", "d", "c"), then)


def test_rows_are_deleted_only_when_every_rule_says_delete():
    assert sweep_action(Dataset(), [rule("delete"), rule("delete")])[0] == "delete"


def test_one_rule_saying_anonymise_keeps_the_rows_anonymised():
    action, reason = sweep_action(Dataset(), [rule("delete"), RetentionRule("stats", None, None, "anonymize")])
    assert action == "anonymize"
    assert reason == "then: anonymize (stats)"


def test_a_dataset_no_activity_lists_keeps_its_erase_strategy():
    assert sweep_action(Dataset(erase="anonymize"), []) == ("anonymize", "no activity lists it (erase: anonymize)")


def test_a_retention_stating_then_is_told_from_one_that_does_not():
    assert "then" not in Retention.model_validate({"keep": "P1Y"}).model_fields_set
    assert "then" in Retention.model_validate({"keep": "P1Y", "then": "delete"}).model_fields_set


def test_a_date_in_another_system_or_written_otherwise_makes_the_rule_wait(policy):
    changed = policy.model_copy(deep=True)
    activities = dict(changed.activities)
    call_quality = activities["call-quality"]
    elsewhere = call_quality.retention.model_copy(update={"from_": "platform.tenant_users.last_login_at"})
    activities["call-quality"] = call_quality.model_copy(update={"retention": elsewhere})
    malformed = call_quality.retention.model_copy(update={"from_": "calls.started_at"})
    activities["security-logs"] = activities["security-logs"].model_copy(
        update={"retention": malformed, "datasets": ["crm.calls"]}
    )
    changed = changed.model_copy(update={"activities": activities})
    rules = rules_of(changed, "crm.calls")
    assert rules["call-quality"].waits == (
        "waits for call-quality: its date platform.tenant_users.last_login_at is not in system crm"
    )
    assert rules["security-logs"].waits == "waits for security-logs: its date calls.started_at is not in system crm"


def test_a_rule_reads_as_a_dictionary(policy):
    data = rules_of(policy, "crm.contacts")["support"].to_dict()
    assert data == {
        "activity": "support",
        "keep": "P1Y",
        "from": "crm.tickets.closed_at",
        "fallback": [],
        "undated": "keep",
        "then": "delete",
        "path": ["contacts.id = tickets.contact_id"],
        "executable": True,
        "waits": None,
        "description": "support: 1 year from crm.tickets.closed_at, via contacts.id = tickets.contact_id, then delete",
    }
