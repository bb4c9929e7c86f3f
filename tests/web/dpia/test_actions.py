"""Impact assessments in the console: versions drafted from the policy, assessed, validated, consulted on."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation

from registre.core.dpia import RiskAssessment
from registre.web.audit.models import AuditEntry
from registre.web.dpia import actions
from registre.web.dpia.models import DpiaVersion

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The refusals are read in English here; their French is the catalog's."""
    with translation.override("en"):
        yield


HIGH = [
    RiskAssessment("illegitimate_access", 4, 3, 3, 3, threats="Fuite par le prestataire de support"),
    RiskAssessment("unwanted_modification"),
    RiskAssessment("disappearance"),
]


def assessed(dpo, **changes) -> DpiaVersion:
    version = actions.create_version(dpo, "support")
    values = {"context": "Tickets", "principles": "", "risks": HIGH, "review_on": dt.date(2027, 12, 1)}
    return actions.assess(version, dpo, **{**values, **changes})


def test_a_new_version_is_the_draft_pre_filled_and_audited(dpo):
    version = actions.create_version(dpo, "support")
    assert (version.activity, version.version, version.created_on) == ("support", 1, timezone.localdate())
    assert [risk["kind"] for risk in version.risks] == ["illegitimate_access", "unwanted_modification", "disappearance"]
    entry = AuditEntry.objects.get(action="dpia.created")
    assert entry.details == {"activity": "support", "version": 1, "dpia": version.pk}
    assert entry.actor_name == "dpo"


def test_the_next_version_carries_the_assessment_over(dpo):
    first = actions.validate(assessed(dpo), dpo, name="Hugo Leroy", role="dpo", on=timezone.localdate())
    second = actions.create_version(dpo, "support")
    assert second.version == 2 and second.context == "Tickets" and second.risks == first.risks
    assert second.validated_on is None and second.consultation_sent_on is None


def test_an_unknown_activity_is_refused(dpo):
    with pytest.raises(actions.AssessmentError, match="not in the policy"):
        actions.create_version(dpo, "payroll")
    assert not DpiaVersion.objects.exists()


def test_the_assessment_is_recorded_with_the_residual_risk_in_the_audit_log(dpo):
    version = assessed(dpo)
    record = version.record()
    assert record.risk("illegitimate_access").threats == "Fuite par le prestataire de support"
    assert record.residual_high and version.review_on == dt.date(2027, 12, 1)
    entry = AuditEntry.objects.get(action="dpia.assessed")
    assert entry.details["residual_high"] is True and "Fuite" not in str(entry.details)


def test_a_validated_version_is_frozen(dpo):
    version = actions.validate(assessed(dpo), dpo, name="Hugo Leroy", role="dpo", on=timezone.localdate())
    with pytest.raises(actions.AssessmentError, match="create a new version"):
        actions.assess(version, dpo, context="changed", principles="", risks=HIGH, review_on=None)
    with pytest.raises(actions.AssessmentError, match="create a new version"):
        actions.validate(version, dpo, name="Claire Martin", role="controller", on=timezone.localdate())
    version.refresh_from_db()
    assert version.context == "Tickets" and version.validated_by == "Hugo Leroy"
    assert AuditEntry.objects.filter(action="dpia.validated").count() == 1


def test_a_validation_in_the_future_is_refused(dpo):
    with pytest.raises(actions.AssessmentError, match="future"):
        actions.validate(assessed(dpo), dpo, name="H", role="dpo", on=timezone.localdate() + dt.timedelta(days=1))


def test_the_consultation_is_recorded_when_the_residual_risk_stays_high(dpo):
    today = timezone.localdate()
    version = actions.validate(assessed(dpo), dpo, name="Hugo Leroy", role="controller", on=today)
    version = actions.record_consultation(
        version, dpo, sent_on=today, reference="CNIL-2026-42", answer="No objection", answered_on=today
    )
    record = version.record()
    assert record.consultation is not None and record.consultation.reference == "CNIL-2026-42"
    entry = AuditEntry.objects.get(action="dpia.consultation_recorded")
    assert entry.details["answered"] is True and entry.details["version"] == 1


def test_no_consultation_when_the_residual_risk_is_acceptable(dpo):
    low = [RiskAssessment(kind) for kind in ("illegitimate_access", "unwanted_modification", "disappearance")]
    version = actions.validate(assessed(dpo, risks=low), dpo, name="H", role="dpo", on=timezone.localdate())
    with pytest.raises(actions.AssessmentError, match="not high"):
        actions.record_consultation(version, dpo, sent_on=timezone.localdate())
    assert not AuditEntry.objects.filter(action="dpia.consultation_recorded").exists()


def test_only_managers_change_assessments(agent, auditor):
    for person in (agent, auditor):
        with pytest.raises(PermissionDenied):
            actions.create_version(person, "support")


def test_the_policy_entry_records_the_validated_version(dpo):
    today = timezone.localdate()
    version = actions.validate(assessed(dpo), dpo, name="H", role="dpo", on=today)
    entry = actions.policy_entry(version, ("large_scale",))
    assert entry == f"dpia: {{criteria: [large_scale], done: {today.isoformat()}, review: 2027-12-01, version: 1}}"
