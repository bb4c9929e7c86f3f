"""DPIA criteria (EDPB WP248) per activity: derived from the policy or declared; two or more need a DPIA."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from registre.core.policy import check_policy, load_policy
from registre.core.policy.dpia import assess_dpia, derived_criteria

TODAY = dt.date(2026, 12, 2)

POLICY = """\
registre: 1
organisation:
  name: Exemple RH SAS
  contacts: {requests: {email: privacy@exemple.fr}}
systems:
  hr:
    url: sqlite:///hr.sqlite
    location: FR
    datasets:
      staff:
        subject: employees
        identity: {email: email}
        fields:
          email: {category: contact.email, required: true}
          sick_leave: {category: special.health}
  payroll:
    url: sqlite:///payroll.sqlite
    location: FR
    datasets:
      payslips:
        subject: employees
        fields:
          net_pay: {category: economic.bank_account}
activities:
  hr-management:
    name: Gestion du personnel
    purpose: Gestion administrative du personnel
    legal_basis: legal_obligation
    legal_obligation: fr.commerce.L123-22
    special_condition: employment_social_security
    datasets: [hr.staff, payroll.payslips]
    retention: {keep: P5Y, after: the end of employment}
    security: [access_control]
{dpia}
"""


def write(tmp_path: Path, dpia: str = "") -> Path:
    path = tmp_path / "registre.yaml"
    path.write_text(POLICY.replace("{dpia}", dpia), encoding="utf-8")
    return path


def test_sensitive_data_employees_and_two_systems_are_derived(tmp_path):
    policy = load_policy(write(tmp_path))
    activity = policy.activities["hr-management"]
    assert derived_criteria(policy, activity) == ("sensitive", "combined", "vulnerable")


def test_two_criteria_require_a_dpia_until_it_is_recorded(tmp_path):
    policy = load_policy(write(tmp_path))
    assert assess_dpia(policy, "hr-management", TODAY).status == "required"
    recorded = load_policy(write(tmp_path, "    dpia: {done: 2026-03-01, review: 2027-03-01}"))
    assessment = assess_dpia(recorded, "hr-management", TODAY)
    assert assessment.status == "recorded" and assessment.done == dt.date(2026, 3, 1)


def test_a_past_review_date_is_due(tmp_path):
    policy = load_policy(write(tmp_path, "    dpia: {done: 2024-03-01, review: 2025-03-01}"))
    assert assess_dpia(policy, "hr-management", TODAY).status == "review_due"


def test_declared_criteria_count_with_the_derived_ones(cloud_host_policy_path, tmp_path):
    text = cloud_host_policy_path.read_text(encoding="utf-8").replace(
        "    processors: [zendesk]\n", "    processors: [zendesk]\n    dpia: {criteria: [large_scale, monitoring]}\n"
    )
    path = tmp_path / "registre.yaml"
    path.write_text(text, encoding="utf-8")
    (tmp_path / "processors.yaml").write_text(
        (cloud_host_policy_path.parent / "processors.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    policy = load_policy(path, {})
    found = assess_dpia(policy, "support", TODAY)
    assert found.criteria == ("large_scale", "monitoring") and found.status == "required"


def test_the_check_warns_until_the_dpia_is_recorded(tmp_path):
    loaded = check_policy(write(tmp_path), today=TODAY)
    [warning] = [item for item in loaded.diagnostics if item.code == "dpia"]
    assert warning.severity == "warning" and "a DPIA is required" in warning.message
    assert warning.position.line == POLICY.splitlines().index("  hr-management:") + 2  # the activity's first key
    assert not [
        item for item in check_policy(write(tmp_path, "    dpia: true"), today=TODAY).diagnostics if item.code == "dpia"
    ]


def test_an_unknown_criterion_is_an_error(tmp_path):
    loaded = check_policy(write(tmp_path, "    dpia: {criteria: [fancy]}"), today=TODAY)
    assert loaded.errors


def test_the_examples_need_no_dpia(cloud_host_policy_path, field_services_policy_path):
    for path in (cloud_host_policy_path, field_services_policy_path):
        policy = load_policy(path, {})
        assert all(assess_dpia(policy, key, TODAY).status == "not_required" for key in policy.activities)
