"""The policy's vocabulary: extended taxonomy, labels, article citations."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from registre.core.documents.vocabulary import (
    cite_article,
    country_name,
    in_sentence,
    policy_taxonomy,
    term_label,
    translator,
)
from registre.core.policy import Policy


def test_the_taxonomy_of_a_policy_holds_its_own_categories_and_subjects(make_policy: Callable[..., Policy]) -> None:
    policy = make_policy(
        subjects={"volunteers": {"label": {"fr": "Bénévoles", "en": "Volunteers"}}},
        categories={"custom.badge": {"label": {"fr": "Badge", "en": "Badge"}, "group": "identification"}},
    )
    taxonomy = policy_taxonomy(policy)
    assert taxonomy.data_subjects["volunteers"].label.get("fr") == "Bénévoles"
    assert taxonomy.data_categories["custom.badge"].group == "identification"


def test_an_unknown_term_is_labelled_with_its_key(cloud_host: Policy) -> None:
    taxonomy = policy_taxonomy(cloud_host)
    assert term_label(taxonomy.data_subjects, "customers", "fr") == "Clients"
    assert term_label(taxonomy.data_subjects, "martians", "fr") == "martians"


def test_country_names_come_in_the_document_language(cloud_host: Policy) -> None:
    taxonomy = policy_taxonomy(cloud_host)
    assert country_name(taxonomy, "US", "fr") == "États-Unis"
    assert country_name(taxonomy, "US", "en") == "United States"
    assert country_name(taxonomy, None, "en") == ""


@pytest.mark.parametrize(
    ("label", "expected"),
    [("Adresse électronique", "adresse électronique"), ("IBAN", "IBAN"), ("CV", "CV"), ("", ""), ("x", "x")],
)
def test_labels_inside_sentences_keep_acronyms(label: str, expected: str) -> None:
    assert in_sentence(label) == expected


@pytest.mark.parametrize(
    ("article", "lang", "citation"),
    [
        ("6(1)(f)", "fr", "article 6.1.f du RGPD"),
        ("6(1)(f)", "en", "Article 6(1)(f) GDPR"),
        ("15", "fr", "article 15 du RGPD"),
        ("Loi n° 78-17 du 6 janvier 1978, art. 85", "en", "Loi n° 78-17 du 6 janvier 1978, art. 85"),
        (None, "fr", ""),
    ],
)
def test_articles_are_cited_as_each_language_cites_them(article: str | None, lang: str, citation: str) -> None:
    assert cite_article(article, lang) == citation


def test_the_translator_reads_the_french_catalog() -> None:
    assert translator("fr")("Retention period") == "Durée de conservation"
    assert translator("en")("Retention period") == "Retention period"
