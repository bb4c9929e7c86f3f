"""What the engine did, in the words of a letter: records found, erased, anonymised, kept, corrected, restricted.

Counts are given per set of data, named by the dataset's label. Rows kept
under a legal obligation get a sentence each: what is kept, until when and
under which provision (Art. 17(3)(b) GDPR), and that they are used for
nothing else (Art. 18(1)(c) restricts them where the dataset can record it).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from registre.core.documents.access_report.records import dataset_title
from registre.core.documents.access_report.view import reported_exports
from registre.core.documents.citations import under_law
from registre.core.documents.dates import format_long_date
from registre.core.documents.vocabulary import in_sentence, translator
from registre.core.engine import AccessResult, ChangeResult, DatasetChange, DatasetErasure, ErasureResult, KeptRows
from registre.core.engine.restriction import NO_FLAG_NOTE
from registre.core.i18n import get_translations
from registre.core.policy import Dataset, Policy

D = TypeVar("D", DatasetErasure, DatasetChange)


def found_items(result: AccessResult, policy: Policy, lang: str) -> tuple[str, ...]:
    """ "Factures : 6 enregistrements", for each set of data that the access report shows."""
    return tuple(
        _count_item(_title(policy, export.reference, lang), _records(len(export.rows), lang), lang)
        for export, _activities in reported_exports(result, policy)
    )


def erasure_items(result: ErasureResult, policy: Policy, lang: str) -> tuple[str, ...]:
    """ "Factures : 1 enregistrement anonymisé, 5 enregistrements conservés", for each dataset touched."""
    items = []
    for dataset in _in_policy_order(result.datasets, policy):
        counts = _erasure_counts(dataset, _pseudonymises(policy, dataset.reference), lang)
        if counts:
            items.append(_count_item(_title(policy, dataset.reference, lang), ", ".join(counts), lang))
    return tuple(items)


def pseudonymised_erasure(result: ErasureResult, policy: Policy) -> tuple[bool, bool]:
    """Whether the erasure pseudonymised rows (a keyed hash kept), and whether it anonymised others."""
    changed = [dataset for dataset in result.datasets if dataset.anonymised]
    pseudonymised = [_pseudonymises(policy, dataset.reference) for dataset in changed]
    return any(pseudonymised), not all(pseudonymised)


def _pseudonymises(policy: Policy, reference: str) -> bool:
    dataset = policy.dataset(reference)
    return dataset is not None and dataset.pseudonymises


def _erasure_counts(dataset: DatasetErasure, pseudonymised: bool, lang: str) -> list[str]:
    translations = get_translations(lang)
    counts = []
    if dataset.deleted:
        counts.append(translations.ngettext("%(num)d record deleted", "%(num)d records deleted", dataset.deleted))
    if dataset.anonymised and pseudonymised:
        # Recital 26: a keyed pseudonym can be linked back with the key; the record is pseudonymised.
        counts.append(
            translations.ngettext("%(num)d record pseudonymised", "%(num)d records pseudonymised", dataset.anonymised)
        )
    elif dataset.anonymised:
        counts.append(
            translations.ngettext("%(num)d record anonymised", "%(num)d records anonymised", dataset.anonymised)
        )
    if dataset.kept:
        counts.append(translations.ngettext("%(num)d record kept", "%(num)d records kept", dataset.kept))
    nums = [num for num in (dataset.deleted, dataset.anonymised, dataset.kept) if num]
    return [str(count) % {"num": num} for count, num in zip(counts, nums, strict=True)]


def kept_sentences(result: ErasureResult, policy: Policy, lang: str) -> tuple[str, ...]:
    """One sentence per legal obligation that keeps rows: what, until when, under which law, and what then."""
    return tuple(
        _kept_sentence(dataset, kept, policy, lang)
        for dataset in _in_policy_order(result.datasets, policy)
        for kept in dataset.holds
        if kept.rows
    )


def change_items(result: ChangeResult, policy: Policy, lang: str) -> tuple[str, ...]:
    """ "Contacts : 1 enregistrement corrigé" (or "limité"), for each dataset where rows changed.

    A dataset that cannot record a restriction (no `restrict` column) is not
    listed: nothing was done there, and the letter only states what was.
    """
    translations = get_translations(lang)
    items = []
    for dataset in _in_policy_order(result.datasets, policy):
        if not dataset.changed or dataset.note == NO_FLAG_NOTE:
            continue
        if result.action == "restrict":
            count = translations.ngettext("%(num)d record restricted", "%(num)d records restricted", dataset.changed)
        else:
            count = translations.ngettext("%(num)d record corrected", "%(num)d records corrected", dataset.changed)
        items.append(_count_item(_title(policy, dataset.reference, lang), count % {"num": dataset.changed}, lang))
    return tuple(items)


def _in_policy_order(datasets: Sequence[D], policy: Policy) -> list[D]:
    """The datasets as the policy declares them (the engine works children first: invoices before contacts)."""
    order = {reference: index for index, (reference, *_rest) in enumerate(policy.iter_datasets())}
    return sorted(datasets, key=lambda dataset: order.get(dataset.reference, len(order)))


def _kept_sentence(dataset: DatasetErasure, kept: KeptRows, policy: Policy, lang: str) -> str:
    _ = translator(lang)
    label = kept.rule.label.get(lang) if kept.rule.label else ""
    values = {
        "data": _your_data(policy, dataset.reference, lang),
        "law": under_law(kept.rule.citation, lang, label=in_sentence(label)),
        "date": format_long_date(kept.until, lang),
    }
    if kept.rule.running:
        # Art. 6(1)(b): the contract still needs these rows; its own retention applies once it ends.
        if kept.until is None:
            return _("We keep %(data)s for as long as your contract runs: it still needs them.") % values
        return _("We keep %(data)s until %(date)s, the end of your contract, which still needs them.") % values
    if kept.until is None:
        sentence = _(
            "We keep %(data)s %(law)s, for as long as that obligation applies, and use them for that purpose only."
        )
        return sentence % values
    sentence = _("We keep %(data)s until %(date)s %(law)s, and use them for that purpose only.") % values
    if dataset.strategy == "anonymize" and _pseudonymises(policy, dataset.reference):
        return sentence + " " + _("We will pseudonymise them at the end of that period.")
    if dataset.strategy == "anonymize":
        return sentence + " " + _("We will anonymise them at the end of that period.")
    return sentence + " " + _("We will delete them at the end of that period.")


def _your_data(policy: Policy, reference: str, lang: str) -> str:
    """ "vos factures" / "your invoices"; "your data in “invoices”" for a dataset without a label."""
    _ = translator(lang)
    dataset = policy.dataset(reference)
    if dataset is not None and dataset.label is not None:
        return _("your %(data)s") % {"data": in_sentence(dataset.label.get(lang))}
    return _("your data in “%(data)s”") % {"data": reference.partition(".")[2]}


def _title(policy: Policy, reference: str, lang: str) -> str:
    return dataset_title(reference.partition(".")[2], policy.dataset(reference) or Dataset(), lang)


def _records(num: int, lang: str) -> str:
    return str(get_translations(lang).ngettext("%(num)d record", "%(num)d records", num)) % {"num": num}


def _count_item(title: str, counts: str, lang: str) -> str:
    _ = translator(lang)
    return _("%(label)s: %(value)s") % {"label": title, "value": counts}
