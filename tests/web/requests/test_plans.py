"""How a request becomes engine operations, and what its plan says."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from registre.core.engine import Identity, Subject
from registre.web.policy import current_policy
from registre.web.requests.plans import (
    compute_plan,
    concerned_activities,
    matching_clients,
    plan_rows,
    planned_datasets,
    request_parts,
)
from registre.web.retention.actions import place_hold

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("kind", "details", "actions"),
    [
        ("access", {}, ["access"]),
        ("portability", {}, ["access"]),
        ("erasure", {}, ["erase"]),
        ("rectification", {"changes": {"job_title": "CTO"}}, ["rectify"]),
        ("restriction", {}, ["restrict"]),
        # Contacts serve other activities too: an objection to marketing erases the newsletter only.
        ("objection", {"scope": "direct_marketing"}, ["erase"]),
        ("objection", {"scope": "situation", "activities": ["call-quality"]}, ["restrict"]),
        ("withdraw_consent", {}, []),
        ("post_mortem", {"directive": "x"}, []),
    ],
)
def test_each_right_becomes_its_engine_operations(workspace, kind, details, actions):
    assert [part.action for part in request_parts(current_policy(), kind, details)] == actions


def test_an_erasure_is_planned_with_the_pseudonym_key_and_the_case_holds(workspace, settings, dpo):
    (part,) = request_parts(current_policy(), "erasure", {})
    assert part.options == {"key": settings.REGISTRE_PSEUDONYM_KEY, "case_holds": []}
    place_hold(dpo, reason="litigation", reference="TJ-1", identities=[Identity("email", "ada@example.org")])
    (part,) = request_parts(current_policy(), "erasure", {})
    assert [hold.reference for hold in part.options["case_holds"]] == ["TJ-1"]


def subject_of(email: str) -> Subject:
    return Subject.of(Identity("email", email), reference="r-test")


def test_a_plan_counts_the_persons_rows_and_names_the_activities(workspace):
    policy = current_policy()
    plan = compute_plan(
        policy, "access", {}, subject_of(workspace.sample(1)["email"]), tenant=None, today=timezone.localdate()
    )
    assert plan["ok"] and plan_rows(plan) > 1
    assert {"contract-management", "billing"} <= concerned_activities(policy, plan)
    assert workspace.sample(1)["email"] not in str(plan)


def test_the_helpers_of_a_narrowed_plan_are_not_counted(workspace):
    policy = current_policy()
    details = {"scope": "situation", "activities": ["call-quality"]}
    plan = compute_plan(
        policy, "objection", details, subject_of(workspace.sample(1)["email"]), tenant=None, today=dt.date.today()
    )
    assert [reference for reference, _dataset in planned_datasets(plan)] == ["crm.calls"]


def test_the_clients_whose_tenant_holds_the_person_are_found(workspace, demo_clients):
    shared = workspace.sample(0)  # a contact who is also a user of a client
    found = matching_clients(current_policy(), subject_of(shared["email"]), timezone.localdate())
    assert [client.tenant for client in found] == [shared["tenant_id"]]
    assert matching_clients(current_policy(), subject_of("nobody@example.org"), timezone.localdate()) == []
