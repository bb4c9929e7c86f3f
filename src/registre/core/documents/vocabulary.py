"""The words of documents: the policy's vocabulary (taxonomy plus its own terms), and ours.

A policy may declare data subjects and data categories of its own
(`subjects:` and `categories:`); every document reads labels from the
taxonomy extended with them. Our own fixed text goes through `translator`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Protocol

from registre.core.i18n import Localized, get_translations
from registre.core.policy.vocabulary import policy_taxonomy
from registre.core.taxonomy import Taxonomy

__all__ = ["cite_article", "country_name", "in_sentence", "policy_taxonomy", "term_label", "translator"]


class _Labelled(Protocol):
    @property
    def label(self) -> Localized: ...


def term_label(terms: Mapping[str, _Labelled], key: str, lang: str) -> str:
    """The label of `key` in `lang`; the key itself when the term is unknown."""
    term = terms.get(key)
    return term.label.get(lang) if term is not None else key


def country_name(taxonomy: Taxonomy, code: str | None, lang: str) -> str:
    """The name of a country in `lang` (Babel); the code for an unknown one, "" for none."""
    if code is None:
        return ""
    country = taxonomy.countries.get(code)
    return country.name(lang) if country is not None else code


def in_sentence(label: str) -> str:
    """A label as it reads inside a sentence or a list: "Adresse électronique" -> "adresse électronique".

    Acronyms keep their capitals ("IBAN", "CV"): only a capital followed by a
    lower-case letter is lowered.
    """
    if len(label) > 1 and label[0].isupper() and label[1].islower():
        return label[0].lower() + label[1:]
    return label


def translator(lang: str) -> Callable[[str], str]:
    """The gettext function of `lang`, to bind to `_` so that `pybabel extract` finds the messages."""
    translations = get_translations(lang)
    return lambda message: str(translations.gettext(message))


def cite_article(article: str | None, lang: str) -> str:
    """A provision as each language cites it: "Article 6(1)(f) GDPR", "article 6.1.f du RGPD".

    A provision of another text (it does not start with a number) is cited as written.
    """
    if not article:
        return ""
    if not article[0].isdigit():
        return article
    _ = translator(lang)
    if lang == "fr":
        # French practice numbers paragraphs and points with dots: 46(2)(c) -> 46.2.c
        article = article.replace(")(", ".").replace("(", ".").replace(")", "")
    return _("Article %(article)s GDPR") % {"article": article}
