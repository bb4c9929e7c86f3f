"""What a consent event must hold, and what a person's last event means today."""

from __future__ import annotations

import datetime as dt

import pytest

from registre.core.consent import METHODS, ConsentError, check_event, purpose_of, renewal_due_on, standing_of

TODAY = dt.date(2026, 12, 2)


def at(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 10, tzinfo=dt.UTC)


def refused(purpose, state="given", method="form", **options):
    with pytest.raises(ConsentError) as raised:
        check_event(purpose, state, method, on=TODAY, **options)
    return raised.value.code


def test_a_consent_given_records_the_wording_in_force(policy):
    wording = check_event(purpose_of(policy, "partners"), "given", "form", on=TODAY)
    assert wording.version == "v2"


def test_a_consent_given_may_name_the_wording_it_was_shown(policy):
    wording = check_event(purpose_of(policy, "partners"), "given", "form", wording_version="v1", on=TODAY)
    assert wording.text.get("fr") == "J'accepte (v1)"


def test_an_unknown_wording_version_is_refused(policy):
    assert refused(purpose_of(policy, "partners"), wording_version="v9") == "unknown-wording"


def test_a_consent_without_any_wording_cannot_be_proven_and_is_refused(policy):
    early = dt.date(2024, 1, 1)
    with pytest.raises(ConsentError) as raised:
        check_event(purpose_of(policy, "partners"), "given", "form", on=early)
    assert raised.value.code == "no-wording"


def test_an_opt_out_needs_no_wording(policy):
    assert check_event(purpose_of(policy, "newsletter"), "withdrawn", "one_click", on=TODAY) is None


def test_a_state_and_a_method_outside_their_lists_are_refused(policy):
    partners = purpose_of(policy, "partners")
    assert refused(partners, state="maybe") == "invalid-state"
    assert refused(partners, method="carrier-pigeon") == "invalid-method"
    assert "one_click" in METHODS and "gpc" in METHODS


def test_a_gpc_signal_only_withdraws(policy):
    assert refused(purpose_of(policy, "partners"), "given", "gpc") == "gpc-withdraws"
    assert check_event(purpose_of(policy, "partners"), "withdrawn", "gpc", on=TODAY).version == "v2"


def test_nothing_recorded_means_no_consent_but_no_objection_either(policy):
    assert standing_of(purpose_of(policy, "partners"), None, TODAY).allowed is False
    newsletter = standing_of(purpose_of(policy, "newsletter"), None, TODAY)
    assert (newsletter.state, newsletter.allowed) == ("none", True)


def test_a_consent_allows_the_processing_until_its_renewal_is_due(policy):
    partners = purpose_of(policy, "partners")
    fresh = standing_of(partners, ("given", at(dt.date(2025, 6, 1)), "v1"), TODAY)
    assert (fresh.allowed, fresh.expired, fresh.renewal_due) == (True, False, dt.date(2027, 6, 1))
    old = standing_of(partners, ("given", at(dt.date(2024, 12, 2)), "v1"), TODAY)
    assert (old.allowed, old.expired, old.renewal_due) == (False, True, dt.date(2026, 12, 2))


def test_a_withdrawal_stops_the_processing_and_an_objection_too(policy):
    assert standing_of(purpose_of(policy, "partners"), ("withdrawn", at(TODAY), None), TODAY).allowed is False
    objection = standing_of(purpose_of(policy, "newsletter"), ("withdrawn", at(TODAY), None), TODAY)
    assert (objection.state, objection.allowed, objection.renewal_due) == ("withdrawn", False, None)


def test_subscribing_again_lifts_an_objection(policy):
    assert standing_of(purpose_of(policy, "newsletter"), ("given", at(TODAY), None), TODAY).allowed is True


def test_opt_outs_and_purposes_without_a_period_are_never_due_for_renewal(policy):
    assert renewal_due_on(purpose_of(policy, "newsletter"), TODAY) is None
    assert renewal_due_on(purpose_of(policy, "partners"), dt.date(2024, 2, 29)) == dt.date(2026, 2, 28)


def test_a_refusal_reads_in_french_and_in_english():
    error = ConsentError("used-link")
    assert error.message("en") == "This link was already used."
    assert error.message("fr") == "Ce lien a déjà été utilisé."
    assert str(error) == "This link was already used."
