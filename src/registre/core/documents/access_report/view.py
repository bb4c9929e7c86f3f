"""The access report's content, in one language, before any format.

Art. 15(1): the person gets confirmation that data about them are, or are
not, processed, and where they are, the data and the information of points
(a) to (h). Art. 15(1)(e) and (f) add their rights and the complaint to the
supervisory authority. The report also says who asked, with which
identifiers the data were looked for, and who answers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from registre.core.documents.access_report.processing import ProcessingFacts, processing_facts, reported_activities
from registre.core.documents.access_report.records import FoundDataset, MentionedIn, found_dataset, mentioned_in
from registre.core.documents.notice import Authority, supervisory_authority
from registre.core.documents.parties import Party, contact_party, organisation_party
from registre.core.documents.rights import NoticeRight, notice_rights
from registre.core.documents.vocabulary import policy_taxonomy, term_label
from registre.core.engine import AccessResult, DatasetExport, Subject
from registre.core.policy import Policy
from registre.core.taxonomy import Taxonomy


@dataclass(frozen=True)
class IdentityLine:
    """An identifier the person gave: "Adresse électronique", "ada@example.org"."""

    label: str
    value: str


@dataclass(frozen=True)
class AccessReportView:
    """The whole report: the request, who answers, the data found, the processing, the rights."""

    lang: str
    today: dt.date
    received: dt.date | None
    requester: str
    identities: tuple[IdentityLine, ...]
    portability: bool
    tenant: str | None
    organisation: Party
    legal_form: str
    registration: str
    dpo: Party
    requests: Party
    datasets: tuple[FoundDataset, ...]
    processing: tuple[ProcessingFacts, ...]
    rights: tuple[NoticeRight, ...]
    authority: Authority
    # Records of others that name the person (Art. 15(4): only where and what is about them).
    mentions: tuple[MentionedIn, ...] = ()

    @property
    def rows(self) -> int:
        return sum(dataset.total for dataset in self.datasets)

    @property
    def truncated(self) -> bool:
        return any(dataset.truncated for dataset in self.datasets)

    def processing_names(self, dataset: FoundDataset) -> tuple[tuple[str, str], ...]:
        """(name, anchor) of each activity described for `dataset`."""
        by_key = {facts.key: facts for facts in self.processing}
        return tuple((by_key[key].name, by_key[key].anchor) for key in dataset.activities if key in by_key)


def build_access_report(
    result: AccessResult,
    policy: Policy,
    lang: str,
    *,
    today: dt.date,
    subject: Subject | None = None,
    requester_name: str | None = None,
    received: dt.date | None = None,
) -> AccessReportView:
    """The report's view of `result` (already reduced to its portable part when portability applies).

    A dataset used only by processor activities is left out unless the
    result carries a tenant (see `reported_activities`).
    """
    taxonomy = policy_taxonomy(policy)
    organisation = policy.organisation
    datasets = _found_datasets(result, policy, taxonomy, lang)
    keys = list(dict.fromkeys(key for dataset in datasets for key in dataset.activities))
    processing = tuple(processing_facts(policy, key, datasets, taxonomy, lang, tenant=result.tenant) for key in keys)
    activities = {key: policy.activities[key] for key in keys} or policy.activities_by_role("controller")
    return AccessReportView(
        lang=lang,
        today=today,
        received=received,
        requester=requester_name or "",
        identities=_identities(subject, policy, taxonomy, lang),
        portability=result.portability,
        tenant=result.tenant,
        organisation=organisation_party(organisation, taxonomy, lang),
        legal_form=organisation.legal_form or "",
        registration=organisation.registration or "",
        dpo=contact_party(organisation.contacts.dpo, taxonomy, lang),
        requests=contact_party(organisation.contacts.requests, taxonomy, lang),
        datasets=datasets,
        processing=processing,
        rights=notice_rights(activities, taxonomy, lang),
        authority=supervisory_authority(organisation.supervisory_authority, lang),
        mentions=tuple(mentioned_in(export, policy, taxonomy, lang) for export in result.mentions if export.rows),
    )


def reported_exports(result: AccessResult, policy: Policy) -> list[tuple[DatasetExport, tuple[str, ...]]]:
    """The exports that the report shows, with the activities it describes for each (`reported_activities`).

    An export with rows is shown unless every activity that uses it is a
    processor activity and the request was not made through a client; an
    export that no activity uses is shown with its rows and no purpose.
    """
    reported = []
    for export in result.datasets:
        activities = reported_activities(policy, export.reference, tenant=result.tenant)
        if export.rows and (activities or not policy.activities_using(export.reference)):
            reported.append((export, activities))
    return reported


def _found_datasets(result: AccessResult, policy: Policy, taxonomy: Taxonomy, lang: str) -> tuple[FoundDataset, ...]:
    exports = reported_exports(result, policy)
    return tuple(found_dataset(export, activities, policy, taxonomy, lang) for export, activities in exports)


def _identities(subject: Subject | None, policy: Policy, taxonomy: Taxonomy, lang: str) -> tuple[IdentityLine, ...]:
    """The identifiers the person gave, each named by the category of data of the columns that hold it."""
    if subject is None:
        return ()
    return tuple(
        IdentityLine(identity_label(policy, identity.type, taxonomy, lang), identity.value)
        for identity in subject.identities
    )


def identity_label(policy: Policy, identity_type: str, taxonomy: Taxonomy, lang: str) -> str:
    """ "Adresse électronique" for `email` when a dataset declares its email column as `contact.email`.

    The first declared column of that identity type that has a category
    names it; failing one, the type itself.
    """
    for _reference, _system, _name, dataset in policy.iter_datasets():
        column = dataset.identity.get(identity_type)
        spec = dataset.fields.get(column) if column else None
        if spec is not None and spec.category:
            return term_label(taxonomy.data_categories, spec.category, lang)
    return identity_type
