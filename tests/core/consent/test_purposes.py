"""Which activities are purposes of the ledger, and with which basis and wording."""

from __future__ import annotations

import datetime as dt

import pytest

from registre.core.consent import CONSENT, OPT_OUT, ConsentError, ledger_purposes, purpose_of, sale_or_sharing_purposes
from registre.core.policy import load_policy


def test_consent_activities_need_consent_and_legitimate_interest_ones_allow_an_opt_out(policy):
    purposes = ledger_purposes(policy)
    assert {key: purpose.basis for key, purpose in purposes.items()} == {"partners": CONSENT, "newsletter": OPT_OUT}


def test_an_activity_on_a_legal_obligation_is_not_a_purpose_of_the_ledger(policy):
    with pytest.raises(ConsentError) as raised:
        purpose_of(policy, "billing")
    assert raised.value.code == "unknown-purpose"
    assert raised.value.params == {"purpose": "billing", "known": "partners, newsletter"}


def test_the_wording_in_force_is_the_last_whose_date_has_come(policy):
    partners = purpose_of(policy, "partners")
    assert partners.wording(on=dt.date(2026, 5, 31)).version == "v1"
    assert partners.wording(on=dt.date(2026, 6, 1)).version == "v2"
    assert partners.wording(on=dt.date(2024, 1, 1)) is None


def test_a_wording_is_found_by_its_version(policy):
    partners = purpose_of(policy, "partners")
    assert partners.wording("v1").text.get("en") == "I agree (v1)"
    assert partners.wording("v3") is None


def test_a_purpose_knows_its_renewal_period_and_datasets(policy):
    partners = purpose_of(policy, "partners")
    assert str(partners.renewal) == "P2Y"
    assert partners.datasets == ("crm.contacts",)
    assert purpose_of(policy, "newsletter").renewal is None


def test_gpc_objects_to_the_activities_declared_sale_or_sharing(policy):
    assert sale_or_sharing_purposes(policy) == ["partners"]


def test_the_examples_newsletter_is_an_opt_out_with_its_wording(cloud_host_policy_path):
    prospecting = purpose_of(load_policy(cloud_host_policy_path, {}), "prospecting")
    assert prospecting.basis == OPT_OUT
    assert prospecting.wording(on=dt.date(2026, 12, 2)).version == "2026-01"
