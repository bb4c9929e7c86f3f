"""Which datasets an objection or a withdrawal of consent erases, restricts, or reaches through."""

from __future__ import annotations

import pytest

from registre.core.policy import check_policy
from registre.web.requests.objections import (
    consent_activities,
    marketing_activities,
    narrowed_policy,
    objectionable_activities,
    split_datasets,
)


@pytest.fixture(scope="module")
def policy():
    from pathlib import Path

    loaded = check_policy(Path(__file__).resolve().parents[3] / "examples" / "cloud-host" / "registre.yaml", {})
    assert loaded.policy is not None
    return loaded.policy


def test_marketing_is_the_legitimate_interest_activity_of_prospects(policy):
    assert marketing_activities(policy) == ["prospecting"]


def test_the_marketing_activities_are_declared_in_the_policy(policy):
    assert marketing_activities(policy) == ["prospecting"], "the example declares prospecting: marketing: true"
    declared = policy.activities["call-quality"].model_copy(update={"marketing": True})
    undeclared = policy.activities["prospecting"].model_copy(update={"marketing": False})
    activities = {**policy.activities, "call-quality": declared, "prospecting": undeclared}
    assert marketing_activities(policy.model_copy(update={"activities": activities})) == ["call-quality"]


def test_one_may_object_to_the_activities_on_legitimate_interest(policy):
    assert objectionable_activities(policy) == ["call-quality", "prospecting"]
    assert consent_activities(policy) == []


def test_datasets_of_marketing_alone_are_erased_and_shared_ones_left_to_the_other_activities(policy):
    split = split_datasets(policy, ["prospecting"])
    assert split.erase == ("crm.newsletter",)
    # Contacts serve the contract and support too: the objection does not restrict them.
    assert split.restrict == ()
    assert split.kept == ("crm.contacts",)


def test_a_dataset_reached_only_through_a_parent_is_restricted_through_helpers(policy):
    split = split_datasets(policy, ["call-quality"])
    assert split.erase == ()
    assert split.restrict == ("crm.calls",)
    assert "crm.contacts" in split.helpers


def test_a_narrowed_policy_keeps_only_its_datasets_and_strips_the_helpers_flag(policy):
    narrowed = narrowed_policy(policy, ["crm.calls"], ["crm.contacts", "crm.customers"])
    assert set(narrowed.systems) == {"crm"}
    assert set(narrowed.systems["crm"].datasets) == {"calls", "contacts", "customers"}
    assert narrowed.systems["crm"].datasets["contacts"].restrict is None
    assert narrowed_policy(policy, ["crm.calls"], ["crm.contacts", "crm.customers"]) is narrowed
    assert policy.systems["crm"].datasets["contacts"].restrict == "restricted"
