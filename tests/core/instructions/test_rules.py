"""Client instructions: the processing an instruction covers is processing done for that client."""

from __future__ import annotations

import pytest

from registre.core.instructions import UncoveredActivity, check_covered_activities, check_unlawful_reason
from registre.core.policy import load_policy
from registre.core.policy.model import Client


@pytest.fixture
def policy(cloud_host_policy_path):
    """The example policy with a second processor activity, and a client served by the first only."""
    loaded = load_policy(cloud_host_policy_path, {})
    activities = {**loaded.activities, "hosted-backups": loaded.activities["hosted-messaging"]}
    clients = {"acme": Client(name="Acme", tenant="acme", activities=["hosted-messaging"])}
    return loaded.model_copy(update={"activities": activities, "clients": clients})


def test_processor_activities_are_covered_once_each_in_order(policy):
    covered = ["hosted-backups", "hosted-messaging", "hosted-backups"]
    assert check_covered_activities(policy, covered, tenant="other") == ["hosted-backups", "hosted-messaging"]


def test_an_instruction_may_cover_no_named_activity(policy):
    assert check_covered_activities(policy, [], tenant="acme") == []


@pytest.mark.parametrize(
    ("activity", "reason"),
    [("nothing", "unknown"), ("prospecting", "controller"), ("hosted-backups", "not_for_client")],
)
def test_an_uncovered_activity_is_refused_with_its_reason(policy, activity, reason):
    with pytest.raises(UncoveredActivity) as refused:
        check_covered_activities(policy, ["hosted-messaging", activity], tenant="acme")
    assert (refused.value.activity, refused.value.reason) == (activity, reason)


def test_a_client_the_policy_does_not_declare_may_instruct_any_processor_activity(policy):
    assert check_covered_activities(policy, ["hosted-backups"], tenant=None) == ["hosted-backups"]


def test_an_unlawful_flag_needs_its_reason():
    assert check_unlawful_reason("  No legal basis.\n") == "No legal basis."
    with pytest.raises(ValueError):
        check_unlawful_reason(" \n ")
