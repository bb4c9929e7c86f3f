"""The DPIA document: the CNIL method's four parts, pre-filled from the policy, in French and English."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import replace

import pytest
from pypdf import PdfReader

from registre.core.documents.dpia import build_dpia, render_dpia
from registre.core.dpia import Consultation, RiskAssessment, Validation, draft_dpia

TODAY = dt.date(2026, 12, 2)


@pytest.fixture
def record():
    return draft_dpia("support", version=1, created_on=TODAY)


def validated(record, *, high: bool = False):
    risks = record.risks
    if high:
        risks = (RiskAssessment("illegitimate_access", 4, 4, 3, 4, threats="Fuite par un prestataire"), *risks[1:])
    return replace(
        record,
        risks=risks,
        validation=Validation("Hugo Leroy", "dpo", TODAY, "Avis favorable"),
        consultation=Consultation(TODAY, "CNIL-2026-42", "Pas d'objection", TODAY) if high else None,
    )


def test_the_context_and_principles_come_from_the_policy(cloud_host, record):
    view = build_dpia(cloud_host, record, "en")
    assert view.sheet.name == "Customer support" and view.sheet.purpose == "Handling customers' support requests"
    assert any("Zendesk" in transfer.recipient for transfer in view.sheet.transfers)
    assert view.sheet.retention.startswith("1 year")
    assert [right.key for right in view.rights][:3] == ["access", "rectification", "erasure"]
    assert [risk.title for risk in view.risks] == [
        "Illegitimate access to data",
        "Unwanted modification of data",
        "Disappearance of data",
    ]


def test_empty_risk_texts_take_the_standard_wording_of_each_language(cloud_host, record):
    english, french = build_dpia(cloud_host, record, "en"), build_dpia(cloud_host, record, "fr")
    assert english.risks[2].threats.startswith("Accidental or malicious deletion")
    assert french.risks[2].threats.startswith("Suppression accidentelle ou malveillante")
    assert french.risks[0].severity == "2. Limitée"


def test_the_assessed_texts_replace_the_standard_wording(cloud_host, record):
    view = build_dpia(cloud_host, validated(record, high=True), "fr")
    assert view.risks[0].threats == "Fuite par un prestataire"
    assert view.risks[0].residual_high and view.residual_high


def test_the_french_pdf_reads_as_french(cloud_host, record):
    pdf = render_dpia(cloud_host, validated(record, high=True), lang="fr", fmt="pdf")
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())
    for expected in (
        "Analyse d’impact relative à la protection des données",
        "1. Contexte",
        "2. Principes fondamentaux",
        "3. Risques",
        "4. Validation",
        "Accès illégitime à des données",
        "Vraisemblance résiduelle",
        "Version 1, validée le 2 décembre 2026",
        "Hugo Leroy, délégué à la protection des données",
        "référence CNIL-2026-42",
        "Le risque résiduel reste élevé",
    ):
        assert expected in text, expected
    for english in ("Severity", "Likelihood", "validated", "draft", "Data protection", "Risk"):
        assert english not in text, english


def test_the_english_markdown_states_the_draft_and_the_review(cloud_host, record):
    text = render_dpia(cloud_host, record, lang="en", fmt="md").decode()
    assert text.startswith("# Data protection impact assessment")
    assert "Version 1, draft of 2 December 2026, not validated" in text
    assert "**Next review**: 2 December 2027" in text
    assert "no prior consultation of the supervisory authority is required" in text


def test_french_markdown_puts_a_space_before_colons(cloud_host, record):
    text = render_dpia(cloud_host, record, lang="fr", fmt="md").decode()
    assert "**Prochain réexamen**\u00a0: 2 décembre 2027" in text or "**Prochain réexamen** : 2 décembre 2027" in text
    assert "Sous-traitants\u00a0: Zendesk" in text or "Sous-traitants : Zendesk" in text


def test_the_criteria_met_are_listed(cloud_host, record, with_activity):
    policy = with_activity(cloud_host, "support", dpia={"criteria": ["large_scale", "monitoring"]})
    view = build_dpia(policy, record, "fr")
    assert view.criteria == ("Données traitées à grande échelle", "Surveillance systématique")  # declared order


def test_an_unknown_format_and_activity_are_refused(cloud_host, record):
    with pytest.raises(ValueError, match="docx"):
        render_dpia(cloud_host, record, fmt="docx")  # type: ignore[arg-type]
    with pytest.raises(KeyError):
        render_dpia(cloud_host, replace(record, activity="nowhere"), fmt="md")
