"""Which published version of the policy is in force on a date, and what its announcement must tell."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from registre.core.policy import load_policy
from registre.core.policy.diff import diff_policies
from registre.core.policy.versions import announced_obligations, late_announcement, version_in_force


@dataclass
class Version:
    name: str
    effective: dt.date


def test_the_version_in_force_is_the_latest_effective_on_or_before_the_date():
    versions = [Version("v1", dt.date(2026, 1, 1)), Version("v2", dt.date(2026, 3, 1))]
    assert version_in_force(versions, dt.date(2025, 12, 31)) is None
    assert version_in_force(versions, dt.date(2026, 1, 1)).name == "v1"
    assert version_in_force(versions, dt.date(2026, 2, 28)).name == "v1"
    assert version_in_force(versions, dt.date(2026, 3, 1)).name == "v2"


def test_of_two_versions_with_the_same_date_the_one_published_last_is_in_force():
    versions = [Version("v1", dt.date(2026, 1, 1)), Version("fix", dt.date(2026, 1, 1))]
    assert version_in_force(versions, dt.date(2026, 6, 1)).name == "fix"


def test_a_version_published_later_with_an_earlier_date_does_not_displace_a_newer_one():
    versions = [Version("v2", dt.date(2026, 3, 1)), Version("backdated", dt.date(2026, 2, 1))]
    assert version_in_force(versions, dt.date(2026, 3, 2)).name == "v2"
    assert version_in_force(versions, dt.date(2026, 2, 15)).name == "backdated"


def test_a_new_purpose_must_be_announced_to_the_data_subjects_thirty_days_ahead(cloud_host_policy_path):
    old = load_policy(cloud_host_policy_path, environ={})
    prospecting = old.activities["prospecting"]
    wider = prospecting.purpose.model_copy(update={"en": "Prospecting and profiling", "fr": "Prospection et profilage"})
    activities = {**old.activities, "prospecting": prospecting.model_copy(update={"purpose": wider})}
    new = old.model_copy(update={"activities": activities})
    diff = diff_policies(old, new, effective=dt.date(2026, 6, 1), today=dt.date(2026, 4, 1))
    announced = announced_obligations(diff)
    assert [item.kind for item in announced] == ["purpose_notice"]
    assert announced[0].deadline == dt.date(2026, 5, 2)
    assert not late_announcement(diff, dt.date(2026, 5, 2))
    assert late_announcement(diff, dt.date(2026, 5, 3))


def test_a_change_the_data_subjects_need_not_hear_of_is_not_announced(cloud_host_policy_path):
    old = load_policy(cloud_host_policy_path, environ={})
    assert announced_obligations(diff_policies(old, old, effective=dt.date(2026, 6, 1))) == []
