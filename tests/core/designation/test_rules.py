"""Authorised staff: the yearly training's due date and status, the scopes checked against the policy."""

from __future__ import annotations

import datetime as dt

import pytest

from registre.core.designation import check_scopes, training_due, training_status
from registre.core.policy import load_policy


def test_training_is_due_a_year_after_the_last_one():
    assert training_due(designated_on=dt.date(2025, 1, 5), last_trained_on=dt.date(2026, 2, 1)) == dt.date(2027, 2, 1)


def test_never_trained_is_due_at_the_designation():
    assert training_due(designated_on=dt.date(2026, 1, 5), last_trained_on=None) == dt.date(2026, 1, 5)


def test_a_training_on_29_february_is_due_on_28_february():
    assert training_due(designated_on=dt.date(2024, 1, 1), last_trained_on=dt.date(2024, 2, 29)) == dt.date(2025, 2, 28)


@pytest.mark.parametrize(
    ("today", "status"),
    [
        (dt.date(2026, 12, 1), "ok"),
        (dt.date(2027, 1, 10), "soon"),
        (dt.date(2027, 2, 1), "soon"),
        (dt.date(2027, 2, 2), "overdue"),
    ],
)
def test_the_status_follows_the_due_date(today, status):
    assert training_status(dt.date(2027, 2, 1), today=today) == status


def test_an_ended_mission_needs_no_training():
    assert training_status(dt.date(2020, 1, 1), today=dt.date(2026, 1, 1), ended=True) == "ended"


def test_scopes_must_be_declared_in_the_policy(cloud_host_policy_path):
    policy = load_policy(cloud_host_policy_path, {})
    check_scopes(policy, ["support", "hosted-messaging"], ["crm"])
    with pytest.raises(ValueError, match=r"marketing.*erp"):
        check_scopes(policy, ["support", "marketing"], ["erp"])
