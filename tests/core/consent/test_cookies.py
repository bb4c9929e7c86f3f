"""Cookies declared per site: the checks of `registre check` (rule `cookies`) and their consents in the ledger."""

from __future__ import annotations

import datetime as dt

import pytest

from registre.core.consent import CONSENT, ledger_purposes, standing_of
from registre.core.consent.purposes import COOKIE_RENEWAL
from registre.core.policy import Duration, check_policy, load_policy


def cookie_problems(path):
    return [(d.severity, d.message) for d in check_policy(path, {}).diagnostics if d.code == "cookies"]


def test_session_cookies_and_consented_trackers_of_13_months_pass(sites_policy_path):
    assert cookie_problems(sites_policy_path) == []


def test_a_consent_free_cookie_that_is_not_strictly_necessary_is_refused(sites_policy_path):
    text = sites_policy_path.read_text(encoding="utf-8")
    sites_policy_path.write_text(
        text.replace("provider: Matomo\n", "provider: Matomo\n        consent: false\n"), "utf-8"
    )
    assert cookie_problems(sites_policy_path) == [
        ("error", "cookie '_pk_id' of site 'www' is not strictly necessary: it needs consent")
    ]


@pytest.mark.parametrize(
    ("duration", "refused"), [("P13M", False), ("P1Y1M", False), ("P396D", False), ("P14M", True), ("P2Y", True)]
)
def test_a_lifetime_above_13_months_is_refused(sites_policy_path, duration, refused):
    text = sites_policy_path.read_text(encoding="utf-8")
    sites_policy_path.write_text(text.replace("duration: P13M", f"duration: {duration}"), "utf-8")
    problems = cookie_problems(sites_policy_path)
    assert problems == (
        [("error", f"cookie '_pk_id' of site 'www' lasts {duration}, more than 13 months")] if refused else []
    )


def test_cookies_that_need_consent_without_a_wording_get_a_warning(sites_policy_path):
    text = sites_policy_path.read_text(encoding="utf-8")
    wording = (
        "    wording:\n"
        "      - {version: c1, text: {fr: Accepter les cookies de mesure, en: Accept measurement cookies}}\n"
    )
    assert text.count(wording) == 1
    sites_policy_path.write_text(text.replace(wording, ""), "utf-8")
    assert cookie_problems(sites_policy_path) == [
        ("warning", "site 'www' sets cookies that need consent but declares no wording (wording: [...])")
    ]


def test_a_site_that_sets_no_cookies_says_so_with_an_empty_list(sites_policy_path):
    policy = load_policy(sites_policy_path, {})
    assert policy.sites["app"].cookies == []
    assert str(policy.sites["www"].cookies[0].duration) == "session"


def test_a_site_with_consent_cookies_is_a_consent_purpose_renewed_after_six_months(sites_policy_path):
    purposes = ledger_purposes(load_policy(sites_policy_path, {}))
    assert "cookies:app" not in purposes
    cookies = purposes["cookies:www"]
    assert (cookies.basis, cookies.renewal, cookies.name.get("en")) == (CONSENT, Duration(months=6), "Public website")
    assert cookies.wording(on=dt.date(2026, 1, 1)).version == "c1"
    given = dt.datetime(2026, 1, 10, tzinfo=dt.UTC)
    assert standing_of(cookies, ("given", given, "c1"), dt.date(2026, 7, 9)).allowed is True
    assert standing_of(cookies, ("given", given, "c1"), dt.date(2026, 7, 10)).expired is True
    assert Duration(months=6) == COOKIE_RENEWAL
