"""Provisions of national law as a sentence cites them: "en application de l'article L123-22 du Code de commerce".

The taxonomy writes a legal reference as a register does, "Code de commerce,
art. L123-22"; a letter to a person turns it around. Art. 17(3)(b) GDPR lets
a controller keep data that the law requires it to keep, and Art. 12(1) asks
it to say so "in a concise, transparent, intelligible and easily accessible
form, using clear and plain language".
"""

from __future__ import annotations

import re

from registre.core.documents.vocabulary import translator

# "Code de commerce, art. L123-22", "Code de la consommation, art. L213-1, D213-1 et D213-2".
_CITATION = re.compile(r"^(?P<code>[^,]+),\s*art\.\s*(?P<articles>.+)$")
# French codes and books are masculine nouns: "du Code de commerce", "du Livre des procédures fiscales".
_MASCULINE = ("Code ", "Livre ")


def under_law(citation: str | None, lang: str, *, label: str = "") -> str:
    """The phrase that says which law requires something, to follow a verb.

    "under Article L123-22 of the Code de commerce", "en application des
    articles L34-1 et R10-13 du Code des postes et des communications
    électroniques". A citation of another form (a statute, a decree) is
    given in brackets after "under a legal obligation", and so is `label`
    (what the obligation covers) when there is no citation at all.
    """
    _ = translator(lang)
    match = _CITATION.match(citation or "")
    if match is None or not match["code"].startswith(_MASCULINE):
        reference = citation or label
        if not reference:
            return _("under a legal obligation")
        return _("under a legal obligation (%(law)s)") % {"law": reference}
    articles = match["articles"].strip()
    if " et " in articles or "," in articles:
        if lang != "fr":
            articles = articles.replace(" et ", " and ")
        return _("under Articles %(articles)s of the %(code)s") % {"articles": articles, "code": match["code"]}
    return _("under Article %(article)s of the %(code)s") % {"article": articles, "code": match["code"]}
