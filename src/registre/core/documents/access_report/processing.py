"""What the access report says about each processing activity that uses the person's data.

Art. 15(1) lists what the person is owed besides the copy of their data:
(a) the purposes, (b) the categories of data, (c) the recipients, in
particular in third countries, (d) the retention period, (g) the source when
the data were not collected from them; Art. 15(2) adds the safeguards of
transfers. Art. 13(1)(c) adds the legal basis, which the report gives too.
Everything comes from the policy: the activities that use each dataset
where data were found.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from registre.core.documents.access_report.records import FoundDataset
from registre.core.documents.retention_text import describe_retention
from registre.core.documents.transfers import TransferLine, activity_hosting, activity_transfers
from registre.core.documents.vocabulary import cite_article, country_name, in_sentence, term_label, translator
from registre.core.policy import Activity, Policy
from registre.core.taxonomy import Taxonomy


@dataclass(frozen=True)
class DataLink:
    """A dataset of the report, named and linked to its section."""

    title: str
    anchor: str


@dataclass(frozen=True)
class ProcessingFacts:
    """One activity as the person reads it; "" or () where the policy says nothing."""

    key: str
    name: str
    purpose: str
    sub_purposes: tuple[str, ...]
    legal_basis: str
    legitimate_interest: str
    legal_obligation: str
    on_behalf_of: str
    data: tuple[DataLink, ...]
    categories: tuple[str, ...]
    source: str
    recipients: tuple[str, ...]
    processors: tuple[str, ...]
    transfers: tuple[TransferLine, ...]
    retention: str
    hosting: tuple[str, ...] = ()

    @property
    def anchor(self) -> str:
        return f"processing-{self.key}"


def reported_activities(policy: Policy, reference: str, *, tenant: str | None) -> tuple[str, ...]:
    """The keys of the activities that the report describes for dataset `reference`.

    Only controller activities answer a person's access request: data
    processed on behalf of a client are that client's to disclose (Art. 28,
    Art. 15 applies to the controller). A request made through a client (the
    result carries a tenant) describes the processor activities too.
    """
    using = policy.activities_using(reference)
    return tuple(key for key, activity in using.items() if activity.role == "controller" or tenant is not None)


def processing_facts(
    policy: Policy, key: str, found: Iterable[FoundDataset], taxonomy: Taxonomy, lang: str, *, tenant: str | None
) -> ProcessingFacts:
    """The facts of activity `key`, limited to the person's data for the data and categories."""
    _ = translator(lang)
    activity = policy.activities[key]
    datasets = [dataset for dataset in found if key in dataset.activities]
    obligation = taxonomy.legal_references.get(activity.legal_obligation or "")
    on_behalf_of = ""
    if activity.role == "processor":
        on_behalf_of = _("Our client %(client)s, the controller of these data, on whose behalf we process them.") % {
            "client": tenant or ""
        }
    return ProcessingFacts(
        key=key,
        name=activity.name.get(lang),
        purpose=activity.purpose.get(lang),
        sub_purposes=tuple(purpose.get(lang) for purpose in activity.sub_purposes),
        legal_basis=_legal_basis(activity.legal_basis, taxonomy, lang),
        legitimate_interest=activity.legitimate_interest.get(lang) if activity.legitimate_interest else "",
        legal_obligation=f"{obligation.label.get(lang)} ({obligation.citation})" if obligation else "",
        on_behalf_of=on_behalf_of,
        data=tuple(DataLink(dataset.title, dataset.anchor) for dataset in datasets),
        categories=_categories(datasets),
        source=activity.source.get(lang) if activity.source else _("Directly from you"),
        recipients=tuple(
            _recipient(recipient.name.get(lang), recipient.country, taxonomy, lang) for recipient in activity.recipients
        ),
        processors=_processors(policy, activity, taxonomy, lang),
        transfers=tuple(activity_transfers(policy, key, taxonomy, lang)),
        hosting=activity_hosting(policy, (activity,), taxonomy, lang),
        retention=describe_retention(activity.retention, policy, lang, activity.datasets) if activity.retention else "",
    )


def _legal_basis(basis: str | None, taxonomy: Taxonomy, lang: str) -> str:
    """ "Intérêt légitime (article 6.1.f du RGPD)"; "" for a processor activity (the client's basis)."""
    if not basis:
        return ""
    term = taxonomy.legal_bases.get(basis)
    label = term_label(taxonomy.legal_bases, basis, lang)
    return f"{label} ({cite_article(term.article, lang)})" if term and term.article else label


def _categories(datasets: list[FoundDataset]) -> tuple[str, ...]:
    labels = (column.category for dataset in datasets for column in dataset.columns if column.category)
    return tuple(dict.fromkeys(labels))


def _recipient(name: str, country: str | None, taxonomy: Taxonomy, lang: str) -> str:
    return f"{name} ({country_name(taxonomy, country, lang)})" if country else name


def _processors(policy: Policy, activity: Activity, taxonomy: Taxonomy, lang: str) -> tuple[str, ...]:
    """Each sub-processor of the activity: "Zendesk Inc., États-Unis : outil de gestion des demandes"."""
    _ = translator(lang)
    lines = []
    for name in activity.processors:
        processor = policy.processors.get(name)
        if processor is not None:
            lines.append(
                _("%(name)s, %(country)s: %(purpose)s")
                % {
                    "name": processor.name,
                    "country": country_name(taxonomy, processor.data_location, lang),
                    "purpose": in_sentence(processor.purpose.get(lang)),
                }
            )
    return tuple(lines)
