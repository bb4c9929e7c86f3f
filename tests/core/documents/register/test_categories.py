"""Data categories filed under the CNIL groups, with their retention."""

from __future__ import annotations

from collections.abc import Callable

from registre.core.documents.register.categories import CategoryLine, SensitiveLine, activity_category_lines
from registre.core.documents.vocabulary import policy_taxonomy
from registre.core.policy import Policy


def lines(policy: Policy, key: str, lang: str = "fr") -> tuple[tuple[CategoryLine, ...], tuple[SensitiveLine, ...]]:
    return activity_category_lines(policy, policy.activities[key], policy_taxonomy(policy), lang)


def test_categories_are_grouped_in_cnil_order_with_labels_in_a_sentence(cloud_host: Policy) -> None:
    standard, _sensitive = lines(cloud_host, "contract-management")
    assert [line.group for line in standard] == [
        "État civil, identité, données d’identification, images",
        "Vie professionnelle (CV, situation professionnelle, scolarité, formation, distinctions, etc.)",
        "Informations d’ordre économique et financier (revenus, situation financière, situation fiscale, etc.)",
    ]
    assert standard[0].description == "Numéro client, adresse électronique, prénom, nom de famille, numéro de téléphone"


def test_each_group_carries_the_activity_retention(cloud_host: Policy) -> None:
    standard, _sensitive = lines(cloud_host, "prospecting", "en")
    assert {line.retention for line in standard} == {"3 years from the last contact, then deleted"}


def test_every_sensitive_group_is_answered_yes_or_no(cloud_host: Policy) -> None:
    _standard, sensitive = lines(cloud_host, "support")
    assert len(sensitive) == 9  # eight groups of Art. 9(1) and criminal data (Art. 10)
    assert not any(line.present for line in sensitive)
    assert sensitive[-1].group == "Données relatives à des condamnations pénales ou infractions"


def test_health_data_are_sensitive_with_their_art_9_condition(
    small_policy: Policy, with_activity: Callable[..., Policy]
) -> None:
    policy = with_activity(
        small_policy, "accounts", categories=["special.health"], special_condition="explicit_consent"
    )
    standard, sensitive = lines(policy, "accounts")
    health = next(line for line in sensitive if line.present)
    assert health.group == "Données concernant la santé"
    assert health.condition == "Consentement explicite de la personne concernée (article 9.2.a du RGPD)"
    assert health.retention.startswith("2 ans")
    assert all(line.kind == "standard" for line in standard)


def test_a_legal_hold_longer_than_the_rule_is_shown(cloud_host: Policy, with_activity: Callable[..., Policy]) -> None:
    # Billing keeps invoices 10 years from issue; with a 6-year rule the 10-year hold must show.
    policy = with_activity(cloud_host, "billing", retention={"keep": "P6Y", "from": "crm.invoices.issued_at"})
    standard, _sensitive = lines(policy, "billing")
    assert standard[0].retention == (
        "6 ans à compter de la date du champ «\u00a0Date d'émission\u00a0», puis suppression\u00a0; "
        "conservation imposée par la loi\u00a0: "
        "10 ans à compter de la clôture de l'exercice au cours duquel la facture a été émise "
        "(Code de commerce, art. L123-22)"
    )


def test_a_hold_that_repeats_the_rule_is_not_shown_twice(cloud_host: Policy) -> None:
    standard, _sensitive = lines(cloud_host, "billing", "en")
    assert (
        standard[0].retention
        == "10 years from the close of the financial year in which the invoice was issued, then anonymised"
    )


def test_an_unknown_category_is_filed_under_other_data(
    small_policy: Policy, with_activity: Callable[..., Policy]
) -> None:
    policy = with_activity(small_policy, "accounts", categories=["made.up"])
    standard, _sensitive = lines(policy, "accounts", "en")
    assert (standard[-1].group, standard[-1].categories) == ("Other data", ("made.up",))


def test_an_activity_without_retention_says_it_is_not_stated(
    small_policy: Policy, with_activity: Callable[..., Policy]
) -> None:
    policy = with_activity(small_policy, "accounts", retention=None)
    standard, _sensitive = lines(policy, "accounts")
    assert standard[0].retention == "Non précisée"
