"""Why a plan decides what it does: a reason code with parameters, rendered in any language by the catalogs.

A plan's decision carries a code (`keep.hold`, `cut.mention`...) and its
parameters (column names, a legal basis, a date), never a sentence that a
caller would have to parse. `render_reason` writes it in English or French
from the core's gettext catalog; dates among the parameters (`until`) are
written as each language writes them (« 2 décembre 2026 », "2 December 2026").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from babel.dates import format_date

from registre.core.i18n import gettext


def N_(message: str) -> str:
    """Mark a message for the catalogs without translating it here."""
    return message


REASONS: dict[str, str] = {
    "export.declared": N_("declared fields and key, with their categories"),
    "skip.not_portable": N_("not portable: no activity processes it on consent or contract (Art. 20(1)(a))"),
    "skip.processor_dataset": N_(
        "processor dataset (tenant column %(column)s): reached only when the request names the tenant"
    ),
    "skip.not_processor": N_("not a processor dataset: a client's request reaches only its tenant's data"),
    "skip.no_identity": N_("no identity of type %(types)s leads to it"),
    "keep.hold": N_("kept: %(rule)s"),
    # Art. 6(1)(b): rows a running contract needs stay until it ends.
    "keep.contract": N_("kept: %(rule)s"),
    # Art. 17(3)(e): data needed for legal claims stay while the case hold lasts.
    "keep.case_hold": N_("kept: case hold %(hold)s (Art. 17(3)(e))"),
    "keep.restricted": N_("kept: restricted, %(hold)s (Art. 18(2))"),
    "delete.erase": N_("erase: delete"),
    "anonymise.referenced": N_("referenced by rows that are kept: anonymised instead of deleted"),
    "anonymise.referenced_restricted": N_(
        "referenced by rows that are kept: anonymised and restricted instead of deleted"
    ),
    "anonymise.erase": N_("erase: anonymize (%(methods)s)"),
    "skip.already_anonymised": N_("already anonymised"),
    # A keyed hash keeps a pseudonym: such rows are pseudonymised, not anonymised (Recital 26).
    "pseudonymise.referenced": N_("referenced by rows that are kept: pseudonymised instead of deleted"),
    "pseudonymise.referenced_restricted": N_(
        "referenced by rows that are kept: pseudonymised and restricted instead of deleted"
    ),
    "pseudonymise.erase": N_("erase: pseudonymise (%(methods)s)"),
    "skip.already_pseudonymised": N_("already pseudonymised"),
    "skip.no_row": N_("no row of the subject"),
    "restrict.flag": N_("set %(column)s to True"),
    "lift.flag": N_("set %(column)s to False"),
    "skip.already_restricted": N_("already restricted"),
    "skip.already_lifted": N_("already not restricted"),
    "skip.no_flag": N_("cannot restrict: no restrict column"),
    "skip.no_rectified_field": N_("declares none of the rectified fields as personal"),
    "rectify.values": N_("set %(fields)s"),
    "skip.up_to_date": N_("already up to date"),
    "disclose.mention": N_("names the person in %(column)s: discloses %(columns)s only"),
    "skip.mention": N_("names the person in %(column)s: not the person's row"),
    "cut.mention": N_("names the person in %(column)s: cut by %(method)s"),
    "keep.mention_held": N_("names the person in %(column)s: the row is held by law, the mention stays"),
    "skip.mention_cut": N_("names the person in %(column)s: already cut"),
    "disclose.free_text": N_("free text %(field)s names the person: discloses the key and %(field)s"),
    "skip.free_text": N_("free text %(field)s names the person: not the person's row"),
    "redact.free_text": N_("free text %(field)s names the person: the spans are replaced by [redacted]"),
    "keep.free_text_held": N_("free text %(field)s names the person: the row is held by law, the text stays"),
}

# The reason of a kept row, for people: the basis and the day it may go (the English `rule` is for the CLI).
HOLD_REASON = N_("kept under a legal obligation (%(basis)s) until %(until)s")
HOLD_REASON_WITHOUT_END = N_("kept under a legal obligation (%(basis)s)")
CONTRACT_REASON = N_("kept under the running contract until %(until)s")
CONTRACT_REASON_WITHOUT_END = N_("kept under the running contract until it ends")

DECISION_KINDS: dict[str, str] = {
    "export": N_("exported"),
    "delete": N_("deleted"),
    "anonymise": N_("anonymised"),
    "keep": N_("kept"),
    "restrict": N_("restricted"),
    "lift": N_("restriction lifted"),
    "rectify": N_("corrected"),
    "skip": N_("not concerned"),
    "disclose": N_("disclosed as a mention"),
    "cut": N_("mention cut"),
    "redact": N_("redacted in free text"),
}


# Reasons read with their date (or without, when the rows have no end yet).
_DATED = {
    "keep.hold": (HOLD_REASON, HOLD_REASON_WITHOUT_END),
    "keep.contract": (CONTRACT_REASON, CONTRACT_REASON_WITHOUT_END),
}
_DATE_LOCALES = {"en": "en_GB", "fr": "fr_FR"}  # "2 December 2026", « 2 décembre 2026 »


class UnknownReason(KeyError):
    """A reason code that the catalog does not have."""


def english_reason(code: str, params: Mapping[str, str]) -> str:
    """The reason as the command line prints it (a hold with its full rule); UnknownReason for an unknown code."""
    if code not in REASONS:
        raise UnknownReason(code)
    return REASONS[code] % dict(params)


def render_reason(code: str, params: Mapping[str, str], lang: str = "en") -> str:
    """The reason `code` with its parameters, for people, in `lang` (`en` or `fr`); UnknownReason if unknown.

    A `keep.hold` reason reads as the basis and the day the rows may go,
    with the date in the language's own form.
    """
    if code not in REASONS:
        raise UnknownReason(code)
    values = dict(params)
    if code in _DATED:
        dated, undated = _DATED[code]
        until = values.get("until")
        if not until:
            return gettext(lang, undated) % values
        day = format_date(dt.date.fromisoformat(until), format="long", locale=_DATE_LOCALES.get(lang, lang))
        return gettext(lang, dated) % {**values, "until": day}
    return gettext(lang, REASONS[code]) % values


def render_decision_kind(kind: str, lang: str = "en") -> str:
    """What a decision does to the rows (`keep` -> "kept", « conservées »), in `lang`."""
    return gettext(lang, DECISION_KINDS.get(kind, kind))
