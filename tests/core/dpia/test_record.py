"""A DPIA version: three risks on the CNIL's scales, a high residual risk calls for the authority (Art. 36)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from registre.core.dpia import (
    RISKS,
    Consultation,
    DpiaError,
    DpiaRecord,
    RiskAssessment,
    Validation,
    check_consultation,
    check_validation,
    draft_dpia,
    next_version,
)

TODAY = dt.date(2026, 12, 2)


def high_record() -> DpiaRecord:
    draft = draft_dpia("hr", version=1, created_on=TODAY)
    risks = (
        RiskAssessment("illegitimate_access", severity=4, likelihood=3, residual_severity=3, residual_likelihood=3),
        *draft.risks[1:],
    )
    return replace(draft, risks=risks)


def test_a_draft_rates_the_three_risks_limited_and_proposes_a_review_a_year_on():
    draft = draft_dpia("hr", version=1, created_on=TODAY)
    assert [risk.kind for risk in draft.risks] == list(RISKS)
    assert {(r.severity, r.likelihood, r.residual_severity, r.residual_likelihood) for r in draft.risks} == {
        (2, 2, 2, 2)
    }
    assert draft.review_on == dt.date(2027, 12, 2)
    assert not draft.consultation_required and not draft.validated


def test_sensitive_data_start_at_significant_severity():
    draft = draft_dpia("hr", version=1, created_on=TODAY, sensitive=True)
    assert {risk.severity for risk in draft.risks} == {3}
    assert not draft.residual_high  # significant severity alone, likelihood limited


@pytest.mark.parametrize(
    ("severity", "likelihood", "high"),
    [(3, 3, True), (4, 4, True), (4, 2, False), (2, 4, False), (3, 2, False), (1, 1, False)],
)
def test_a_risk_is_high_when_both_levels_are_significant_or_more(severity, likelihood, high):
    risk = RiskAssessment("disappearance", residual_severity=severity, residual_likelihood=likelihood)
    assert risk.residual_high is high


def test_a_high_residual_risk_requires_the_prior_consultation():
    assert high_record().consultation_required


@pytest.mark.parametrize("level", [0, 5, -1])
def test_levels_outside_the_scales_are_refused(level):
    with pytest.raises(ValueError, match="level from 1 to 4"):
        RiskAssessment("disappearance", likelihood=level)


def test_the_three_risks_are_required_in_order():
    draft = draft_dpia("hr", version=1, created_on=TODAY)
    with pytest.raises(ValueError, match="three risks"):
        replace(draft, risks=draft.risks[:2])
    with pytest.raises(ValueError, match="three risks"):
        replace(draft, risks=tuple(reversed(draft.risks)))


def test_the_next_version_carries_the_assessment_over_without_its_validation():
    validated = replace(
        high_record(),
        context="RH",
        validation=Validation("Hugo Leroy", "dpo", TODAY),
        consultation=Consultation(TODAY, "CNIL-1"),
    )
    following = next_version(validated, "hr", created_on=dt.date(2027, 6, 1), sensitive=False)
    assert following.version == 2 and following.context == "RH" and following.risks == validated.risks
    assert following.validation is None and following.consultation is None
    assert following.review_on == dt.date(2028, 5, 31)
    assert next_version(None, "hr", created_on=TODAY, sensitive=False).version == 1


def test_a_validated_version_cannot_be_validated_again():
    validated = replace(high_record(), validation=Validation("Hugo Leroy", "dpo", TODAY))
    with pytest.raises(DpiaError) as refused:
        check_validation(validated, Validation("Claire Martin", "controller", TODAY), TODAY)
    assert refused.value.code == "already_validated"


@pytest.mark.parametrize(
    ("validation", "code"),
    [
        (Validation("Hugo Leroy", "dpo", TODAY + dt.timedelta(days=1)), "future_date"),
        (Validation("  ", "dpo", TODAY), "no_name"),
        (Validation("Hugo Leroy", "intern", TODAY), "unknown_role"),  # type: ignore[arg-type]
    ],
)
def test_a_validation_needs_a_name_a_role_and_a_past_date(validation, code):
    with pytest.raises(DpiaError) as refused:
        check_validation(high_record(), validation, TODAY)
    assert refused.value.code == code


def test_the_consultation_is_recorded_only_on_a_validated_high_risk():
    consultation = Consultation(TODAY, "CNIL-2026-42")
    with pytest.raises(DpiaError) as refused:
        check_consultation(high_record(), consultation, TODAY)
    assert refused.value.code == "not_validated"
    low = replace(draft_dpia("hr", version=1, created_on=TODAY), validation=Validation("H", "dpo", TODAY))
    with pytest.raises(DpiaError) as refused:
        check_consultation(low, consultation, TODAY)
    assert refused.value.code == "not_high"
    high = replace(high_record(), validation=Validation("H", "dpo", TODAY))
    check_consultation(high, consultation, TODAY)
    answered_before = Consultation(TODAY, "CNIL-2026-42", "ok", TODAY - dt.timedelta(days=1))
    with pytest.raises(DpiaError) as refused:
        check_consultation(high, answered_before, TODAY)
    assert refused.value.code == "answer_before_sent"
