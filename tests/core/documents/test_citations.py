"""Provisions of national law cited inside a sentence."""

from __future__ import annotations

from registre.core.documents.citations import under_law


def test_one_article_of_a_code_is_cited_as_french_writes_it() -> None:
    assert (
        under_law("Code de commerce, art. L123-22", "fr") == "en application de l’article L123-22 du Code de commerce"
    )


def test_one_article_of_a_code_in_english() -> None:
    assert under_law("Code de commerce, art. L123-22", "en") == "under Article L123-22 of the Code de commerce"


def test_several_articles_take_the_plural() -> None:
    citation = "Code des postes et des communications électroniques, art. L34-1 et R10-13"
    assert under_law(citation, "fr") == (
        "en application des articles L34-1 et R10-13 du Code des postes et des communications électroniques"
    )
    assert under_law(citation, "en").startswith("under Articles L34-1 and R10-13 of the Code des postes")


def test_a_citation_of_another_form_is_given_in_brackets() -> None:
    citation = "Loi n° 78-17 du 6 janvier 1978, art. 85"
    assert under_law(citation, "fr") == f"en application d’une obligation légale ({citation})"


def test_without_a_citation_the_obligation_is_named_by_its_label_or_not_at_all() -> None:
    assert under_law(None, "en", label="accounting records") == "under a legal obligation (accounting records)"
    assert under_law(None, "fr") == "en application d’une obligation légale"
