"""Retention periods in words: "5 ans à compter de la fin du contrat, puis anonymisation".

Art. 13(2)(a) asks for "the period for which the personal data will be
stored, or if that is not possible, the criteria used to determine that
period"; the register (Art. 30(1)(f)) asks for the same. Both read the
policy's retention rules through this module.
"""

from __future__ import annotations

from collections.abc import Iterable

from registre.core.documents.vocabulary import in_sentence, translator
from registre.core.i18n import get_translations
from registre.core.policy import Dataset, Duration, Policy
from registre.core.policy.model import Hold, Retention
from registre.core.taxonomy import Taxonomy

_FRENCH_VOWELS = "aeiouyàâéèêëîïôûAEIOUYÉÈÊ"


def describe_duration(duration: Duration, lang: str) -> str:
    """A duration in words with the right plurals: "1 an", "5 ans", "1 year and 6 months"."""
    translations = get_translations(lang)
    parts = [
        translations.ngettext("%(num)d year", "%(num)d years", duration.years) % {"num": duration.years}
        if duration.years
        else "",
        translations.ngettext("%(num)d month", "%(num)d months", duration.months) % {"num": duration.months}
        if duration.months
        else "",
        translations.ngettext("%(num)d week", "%(num)d weeks", duration.weeks) % {"num": duration.weeks}
        if duration.weeks
        else "",
        translations.ngettext("%(num)d day", "%(num)d days", duration.days) % {"num": duration.days}
        if duration.days or not any((duration.years, duration.months, duration.weeks))
        else "",
    ]
    return _enumerate([str(part) for part in parts if part], lang)


def describe_retention(retention: Retention, policy: Policy, lang: str, datasets: Iterable[str] = ()) -> str:
    """The retention rule of an activity as one sentence, without a final full stop.

    The starting event is the rule's `after:` text, else the anchor field
    (`from: system.dataset.field`) named by its `label:` or its name.
    What happens at the end (`then:`) closes the sentence, and a `note:` is
    appended after a semicolon. An anonymisation that keeps a keyed
    pseudonym in one of the activity's `datasets` is called what it is:
    pseudonymisation (Recital 26).
    """
    _ = translator(lang)
    event = retention.after.get(lang) if retention.after else _anchor_event(retention.from_, policy, lang)
    text = _period(describe_duration(retention.keep, lang), event, lang)
    if retention.then == "anonymize" and pseudonymises(policy, datasets):
        text = _("%(period)s, then pseudonymised") % {"period": text}
    elif retention.then == "anonymize":
        text = _("%(period)s, then anonymised") % {"period": text}
    else:
        text = _("%(period)s, then deleted") % {"period": text}
    if retention.note is not None:
        text = _("%(retention)s; %(note)s") % {"retention": text, "note": in_sentence(retention.note.get(lang))}
    return text


def pseudonymises(policy: Policy, datasets: Iterable[str]) -> bool:
    """True when anonymising one of `datasets` (`system.dataset`) keeps a keyed pseudonym."""
    return any(dataset.pseudonymises for dataset in map(policy.dataset, datasets) if dataset is not None)


def describe_hold(hold: Hold, dataset: Dataset, taxonomy: Taxonomy, lang: str) -> str:
    """A legal hold in words: "10 ans à compter de l'émission de la facture (Code de commerce, art. L123-22)"."""
    reference = taxonomy.legal_references.get(hold.reference) if hold.reference else None
    keep = hold.keep or (Duration.parse(reference.keep) if reference else None)
    basis = reference.citation if reference else (hold.basis.get(lang) if hold.basis else "")
    if keep is None:
        return basis
    _ = translator(lang)
    event = hold.after.get(lang) if hold.after else _field_event(dataset, hold.from_, lang)
    period = _period(describe_duration(keep, lang), event, lang)
    return _("%(period)s (%(basis)s)") % {"period": period, "basis": basis}


def _anchor_event(anchor: str | None, policy: Policy, lang: str) -> str | None:
    """What the anchor field records, from `system.dataset.field`; None without an anchor."""
    if anchor is None:
        return None
    dataset_reference, _, column = anchor.rpartition(".")
    dataset = policy.dataset(dataset_reference)
    if dataset is None:
        return column
    return _field_event(dataset, column, lang)


def _field_event(dataset: Dataset, column: str, lang: str) -> str:
    """The event the anchor column records.

    A label written as an event ("l'émission de la facture", "the last
    intervention": it starts with a small letter) is the event itself; a
    column's title ("Date d'émission") or a bare name is cited as a field.
    The rule's own `after:` text reads best.
    """
    spec = dataset.fields.get(column)
    name = spec.label.get(lang) if spec is not None and spec.label is not None else column
    if spec is not None and spec.label is not None and name[:1].islower():
        return name
    _ = translator(lang)
    return _("the date in the field “%(field)s”") % {"field": name}


def _period(duration: str, event: str | None, lang: str) -> str:
    if event is None:
        return duration
    _ = translator(lang)
    text = _("%(duration)s from %(event)s") % {"duration": duration, "event": event}
    if lang == "fr":
        # "à compter de le dernier contact" -> "à compter du dernier contact".
        text = text.replace(f"de {event}", _french_de(event), 1)
    return text


def _french_de(phrase: str) -> str:
    """French "de" before a noun phrase, contracted or elided: du, des, d’."""
    for article, contracted in (("le ", "du "), ("les ", "des ")):
        if phrase.startswith(article):
            return contracted + phrase[len(article) :]
    if phrase[:1] in _FRENCH_VOWELS:
        return "d’" + phrase
    return "de " + phrase


def _enumerate(parts: list[str], lang: str) -> str:
    """ "1 an, 2 mois et 3 jours" / "1 year, 2 months and 3 days"."""
    if len(parts) < 2:
        return "".join(parts)
    _ = translator(lang)
    return _("%(items)s and %(last)s") % {"items": ", ".join(parts[:-1]), "last": parts[-1]}
