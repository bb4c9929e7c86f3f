"""The checks of `registre check` on consent terms (rule `consent`)."""

from __future__ import annotations

from registre.core.policy import check_policy


def consent_problems(path):
    return [(d.severity, d.message) for d in check_policy(path, {}).diagnostics if d.code == "consent"]


def test_the_policy_with_consent_terms_passes(write_policy):
    assert consent_problems(write_policy()) == []


def test_a_consent_activity_without_a_wording_gets_a_warning(write_policy):
    path = write_policy(
        ("        - {version: v1, since: 2025-01-01, text: {fr: J'accepte (v1), en: I agree (v1)}}\n", ""),
        ("        - {version: v2, since: 2026-06-01, text: {fr: J'accepte (v2), en: I agree (v2)}}\n", ""),
        ("      wording:\n", "      wording: []\n"),
    )
    assert consent_problems(path) == [
        ("warning", "activity 'partners' is based on consent but declares no wording (consent: {wording: [...]})")
    ]


def test_a_wording_version_declared_twice_is_an_error(write_policy):
    path = write_policy(("{version: v2,", "{version: v1,"))
    assert consent_problems(path) == [("error", "wording version 'v1' is declared twice in activity 'partners'")]


def test_consent_terms_on_a_legal_obligation_get_a_warning(write_policy):
    path = write_policy(("    security: [backup]\n", "    security: [backup]\n    consent: {renewal: P1Y}\n"))
    assert consent_problems(path) == [
        ("warning", "activity 'billing' declares consent terms but its legal basis is legal_obligation")
    ]


def test_an_unknown_key_in_consent_terms_is_reported(write_policy):
    path = write_policy(("      renewal: P2Y\n", "      renewl: P2Y\n"))
    assert any(d.code == "unknown-key" for d in check_policy(path, {}).diagnostics)
