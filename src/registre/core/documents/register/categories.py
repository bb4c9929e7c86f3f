"""The data categories of an activity, filed under the groups of the CNIL template.

The CNIL register lists, group by group ("État civil, identité...",
"Vie personnelle"...), which data are processed and how long they are kept,
then says for each kind of sensitive data (Art. 9(1), and Art. 10 for
criminal data) whether the activity processes it.
"""

from __future__ import annotations

from dataclasses import dataclass

from registre.core.documents.retention_text import describe_hold, describe_retention
from registre.core.documents.vocabulary import cite_article, in_sentence, term_label, translator
from registre.core.policy import Activity, Policy
from registre.core.policy.model import Hold
from registre.core.taxonomy import Taxonomy

_SENSITIVE_KINDS = ("special", "criminal")
_OTHER_GROUP = ""


@dataclass(frozen=True)
class CategoryLine:
    """The categories of one CNIL group that an activity processes, and their retention."""

    group: str
    kind: str
    categories: tuple[str, ...]
    retention: str

    @property
    def description(self) -> str:
        """ "Prénom, nom de famille, adresse électronique"."""
        text = ", ".join(in_sentence(label) for label in self.categories)
        return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class SensitiveLine:
    """One kind of sensitive data (an Art. 9(1) group, or criminal data) and whether it is processed."""

    group: str
    present: bool
    categories: tuple[str, ...]
    condition: str
    retention: str

    @property
    def description(self) -> str:
        return ", ".join(self.categories)


def activity_category_lines(
    policy: Policy, activity: Activity, taxonomy: Taxonomy, lang: str
) -> tuple[tuple[CategoryLine, ...], tuple[SensitiveLine, ...]]:
    """The lines of the standard groups the activity uses, and one line per sensitive group.

    Groups come in taxonomy order; a category unknown to the taxonomy is
    filed under "Other data" rather than left out of the register.
    """
    by_group: dict[str, list[str]] = {}
    for key in policy.activity_categories(activity):
        category = taxonomy.data_categories.get(key)
        by_group.setdefault(category.group if category else _OTHER_GROUP, []).append(key)
    standard = [
        _category_line(group, by_group[group], policy, activity, taxonomy, lang)
        for group in [*taxonomy.category_groups, _OTHER_GROUP]
        if group in by_group and _kind(group, taxonomy) not in _SENSITIVE_KINDS
    ]
    sensitive = [
        _sensitive_line(group, by_group.get(group, []), policy, activity, taxonomy, lang)
        for group, spec in taxonomy.category_groups.items()
        if spec.kind in _SENSITIVE_KINDS
    ]
    return tuple(standard), tuple(sensitive)


def _kind(group: str, taxonomy: Taxonomy) -> str:
    spec = taxonomy.category_groups.get(group)
    return spec.kind if spec else "standard"


def _group_label(group: str, taxonomy: Taxonomy, lang: str) -> str:
    if group == _OTHER_GROUP:
        _ = translator(lang)
        return _("Other data")
    return term_label(taxonomy.category_groups, group, lang)


def _category_line(
    group: str, keys: list[str], policy: Policy, activity: Activity, taxonomy: Taxonomy, lang: str
) -> CategoryLine:
    return CategoryLine(
        group=_group_label(group, taxonomy, lang),
        kind=_kind(group, taxonomy),
        categories=tuple(term_label(taxonomy.data_categories, key, lang) for key in keys),
        retention=_retention(keys, policy, activity, taxonomy, lang),
    )


def _sensitive_line(
    group: str, keys: list[str], policy: Policy, activity: Activity, taxonomy: Taxonomy, lang: str
) -> SensitiveLine:
    special = bool(keys) and _kind(group, taxonomy) == "special"
    return SensitiveLine(
        group=_group_label(group, taxonomy, lang),
        present=bool(keys),
        categories=tuple(term_label(taxonomy.data_categories, key, lang) for key in keys),
        condition=_art9_condition(activity, taxonomy, lang) if special else "",
        retention=_retention(keys, policy, activity, taxonomy, lang) if keys else "",
    )


def _art9_condition(activity: Activity, taxonomy: Taxonomy, lang: str) -> str:
    """The exception of Art. 9(2) that the activity relies on, with its article."""
    if activity.special_condition is None:
        return ""
    _ = translator(lang)
    label = term_label(taxonomy.art9_conditions, activity.special_condition, lang)
    term = taxonomy.art9_conditions.get(activity.special_condition)
    if term is None or term.article is None:
        return label
    return f"{label} ({cite_article(term.article, lang)})"


def _retention(keys: list[str], policy: Policy, activity: Activity, taxonomy: Taxonomy, lang: str) -> str:
    """The activity's retention, then the legal holds on the datasets holding these categories.

    A hold that only repeats the activity's rule (same duration from the same
    field) is not shown twice.
    """
    _ = translator(lang)
    text = (
        describe_retention(activity.retention, policy, lang, activity.datasets)
        if activity.retention
        else _("Not stated")
    )
    holds = [
        describe_hold(hold, dataset, taxonomy, lang)
        for reference in activity.datasets
        if (dataset := policy.dataset(reference)) is not None
        and {spec.category for spec in dataset.personal_fields().values()} & set(keys)
        for hold in dataset.holds
        if not _repeats_retention(activity, f"{reference}.{hold.from_}", hold, taxonomy)
    ]
    if holds:
        text = _("%(retention)s; kept under a legal obligation: %(holds)s") % {
            "retention": text,
            "holds": "; ".join(dict.fromkeys(holds)),
        }
    return text


def _repeats_retention(activity: Activity, anchor: str, hold: Hold, taxonomy: Taxonomy) -> bool:
    """True when a hold keeps data exactly as long as the activity's own rule, from the same field."""
    retention = activity.retention
    if retention is None or retention.from_ != anchor:
        return False
    reference = taxonomy.legal_references.get(hold.reference or "")
    keep = str(hold.keep) if hold.keep else (reference.keep if reference else None)
    return keep == str(retention.keep)
