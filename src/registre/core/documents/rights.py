"""The rights a privacy notice states, and the activities each one concerns.

Some rights exist whatever the legal basis (access, rectification, erasure,
restriction, post-mortem directives under French law, complaint); others
depend on it: withdrawing consent (Art. 7(3)) only where processing rests on
consent, portability (Art. 20(1)(a)) on consent or a contract, objection on
grounds of a particular situation (Art. 21(1)) on legitimate interests or a
public task. The bases carry `portable` and `objection` in the taxonomy.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from registre.core.documents.vocabulary import cite_article, translator
from registre.core.policy import Activity
from registre.core.taxonomy import Taxonomy, Term


@dataclass(frozen=True)
class NoticeRight:
    """A right as the notice states it; `applies_to` names the activities it is limited to (empty: all)."""

    key: str
    label: str
    description: str
    article: str
    applies_to: tuple[str, ...]
    note: str


def notice_rights(activities: Mapping[str, Activity], taxonomy: Taxonomy, lang: str) -> tuple[NoticeRight, ...]:
    """Every right of the taxonomy that the controller activities give, in taxonomy order.

    A right that depends on a legal basis that no activity uses is left out;
    the right not to be subject to automated decisions is always stated,
    with a note when no activity takes such decisions (Art. 13(2)(f)).
    """
    _ = translator(lang)
    portable = {key for key, term in taxonomy.legal_bases.items() if term.portable}
    objection = {key for key, term in taxonomy.legal_bases.items() if term.objection}
    scopes: dict[str, Callable[[Activity], bool]] = {
        "withdraw_consent": lambda activity: activity.legal_basis == "consent",
        "portability": lambda activity: activity.legal_basis in portable,
        "objection": lambda activity: activity.legal_basis in objection,
        "automated_decision": lambda activity: activity.automated_decisions,
    }
    rights = []
    for key, term in taxonomy.rights.items():
        scope = scopes.get(key)
        concerned = tuple(a.name.get(lang) for a in activities.values() if scope(a)) if scope else ()
        note = ""
        if key == "automated_decision" and not concerned:
            note = _("We take no decision about you based solely on automated processing.")
        elif scope is not None and not concerned and key != "objection":
            continue
        rights.append(_notice_right(term, concerned, note, lang))
    return tuple(rights)


def _notice_right(term: Term, concerned: tuple[str, ...], note: str, lang: str) -> NoticeRight:
    return NoticeRight(
        key=term.key,
        label=term.label.get(lang),
        description=term.description.get(lang) if term.description else "",
        article=cite_article(term.article, lang),
        applies_to=concerned,
        note=note,
    )
