"""Retention periods in words, with French contractions and the right plurals."""

from __future__ import annotations

import pytest

from registre.core.documents import describe_retention
from registre.core.documents.retention_text import describe_duration, describe_hold
from registre.core.documents.vocabulary import policy_taxonomy
from registre.core.policy import Duration, Policy
from registre.core.policy.model import Hold, Retention


@pytest.mark.parametrize(
    ("duration", "lang", "text"),
    [
        (Duration(years=1), "fr", "1 an"),
        (Duration(years=2), "fr", "2 ans"),
        (Duration(years=1), "en", "1 year"),
        (Duration(years=2), "en", "2 years"),
        (Duration(months=1), "fr", "1 mois"),
        (Duration(months=6), "fr", "6 mois"),
        (Duration(months=6), "en", "6 months"),
        (Duration(weeks=1), "fr", "1 semaine"),
        (Duration(weeks=2), "en", "2 weeks"),
        (Duration(days=1), "fr", "1 jour"),
        (Duration(days=10), "fr", "10 jours"),
        (Duration(days=10), "en", "10 days"),
    ],
)
def test_it_writes_durations_with_the_right_plural(duration: Duration, lang: str, text: str) -> None:
    assert describe_duration(duration, lang) == text


def test_it_joins_the_parts_of_a_duration_like_a_sentence() -> None:
    assert describe_duration(Duration(years=1, months=6), "fr") == "1 an et 6 mois"
    assert describe_duration(Duration(years=1, months=2, days=3), "en") == "1 year, 2 months and 3 days"


def test_a_zero_duration_reads_as_zero_days() -> None:
    assert describe_duration(Duration(), "en") == "0 days"
    assert describe_duration(Duration(), "fr") == "0 jour"


def test_it_describes_the_contract_rule_from_the_anchor_field_label(cloud_host: Policy) -> None:
    retention = cloud_host.activities["contract-management"].retention
    assert retention is not None
    assert describe_retention(retention, cloud_host, "fr") == "5 ans à compter de la fin du contrat, puis anonymisation"
    assert describe_retention(retention, cloud_host, "en") == "5 years from the end of the contract, then anonymised"


def test_it_contracts_de_le_into_du_in_french(cloud_host: Policy) -> None:
    retention = cloud_host.activities["prospecting"].retention
    assert retention is not None
    assert describe_retention(retention, cloud_host, "fr") == "3 ans à compter du dernier contact, puis suppression"
    assert describe_retention(retention, cloud_host, "en") == "3 years from the last contact, then deleted"


def test_it_elides_de_before_a_vowel_in_french(small_policy: Policy) -> None:
    retention = Retention.model_validate({"keep": "P1Y", "after": {"fr": "inscription", "en": "sign-up"}})
    assert describe_retention(retention, small_policy, "fr") == "1 an à compter d’inscription, puis suppression"


def test_the_after_text_wins_over_the_anchor_field(cloud_host: Policy) -> None:
    retention = cloud_host.activities["support"].retention
    assert retention is not None
    assert describe_retention(retention, cloud_host, "fr") == (
        "1 an à compter de la clôture de la demande (durée de l'intervention), puis suppression"
    )


def test_an_anchor_field_without_label_is_named(small_policy: Policy) -> None:
    retention = small_policy.activities["accounts"].retention
    assert retention is not None
    assert describe_retention(retention, small_policy, "fr") == (
        "2 ans à compter de la date du champ «\u00a0left_at\u00a0», puis suppression"
    )
    assert describe_retention(retention, small_policy, "en") == (
        "2 years from the date in the field “left_at”, then deleted"
    )


def test_a_rule_without_anchor_gives_the_duration_only(small_policy: Policy) -> None:
    retention = Retention.model_validate({"keep": "P6M", "then": "anonymize"})
    assert describe_retention(retention, small_policy, "en") == "6 months, then anonymised"


def test_a_note_follows_a_semicolon_with_a_french_non_breaking_space(small_policy: Policy) -> None:
    retention = Retention.model_validate(
        {"keep": "P3Y", "note": {"fr": "prolongée en cas de litige", "en": "longer in case of dispute"}}
    )
    assert (
        describe_retention(retention, small_policy, "fr") == "3 ans, puis suppression\u00a0; prolongée en cas de litige"
    )
    assert describe_retention(retention, small_policy, "en") == "3 years, then deleted; longer in case of dispute"


def test_a_hold_cites_its_legal_reference_and_duration(cloud_host: Policy) -> None:
    dataset = cloud_host.dataset("crm.invoices")
    assert dataset is not None
    text = describe_hold(dataset.holds[0], dataset, policy_taxonomy(cloud_host), "fr")
    assert text == (
        "10 ans à compter de la clôture de l'exercice au cours duquel la facture a été émise "
        "(Code de commerce, art. L123-22)"
    )


def test_a_hold_with_a_stated_basis_and_no_duration_gives_the_basis(cloud_host: Policy) -> None:
    dataset = cloud_host.dataset("crm.invoices")
    assert dataset is not None
    hold = Hold.model_validate(
        {"basis": {"fr": "Contentieux en cours", "en": "Pending litigation"}, "from": "issued_at"}
    )
    assert describe_hold(hold, dataset, policy_taxonomy(cloud_host), "en") == "Pending litigation"


def test_a_note_reads_as_the_end_of_the_sentence(small_policy: Policy) -> None:
    retention = Retention.model_validate({"keep": "P3Y", "note": "Le désabonnement met fin aux envois."})
    assert describe_retention(retention, small_policy, "fr").endswith("\u00a0; le désabonnement met fin aux envois.")


def test_a_keyed_hash_is_called_pseudonymisation_and_an_irreversible_method_anonymisation(cloud_host: Policy) -> None:
    # Recital 26: contacts whose email becomes an HMAC keyed by a secret are pseudonymised, still personal data.
    contracts = cloud_host.activities["contract-management"]
    billing = cloud_host.activities["billing"]
    assert contracts.retention is not None and billing.retention is not None
    assert describe_retention(contracts.retention, cloud_host, "fr", contracts.datasets).endswith(
        "puis pseudonymisation"
    )
    assert describe_retention(billing.retention, cloud_host, "en", billing.datasets).endswith("then anonymised")
