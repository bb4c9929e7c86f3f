"""The register of processing activities as a neutral view, read by every renderer.

Art. 30(1) lists what a controller's register holds, Art. 30(2) what a
processor's holds. The view follows the CNIL template ("registre simplifié"):
contact blocks for the organisation, its representative and its DPO, then
one sheet per activity with its purposes, data categories by CNIL group and
their retention, sensitive data, data subjects, recipients, transfers and
security measures. Labels are already in the document's language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from registre.core.documents.parties import Party, contact_party, head_party, organisation_party
from registre.core.documents.register.categories import CategoryLine, SensitiveLine, activity_category_lines
from registre.core.documents.retention_text import describe_retention
from registre.core.documents.transfers import TransferLine, activity_hosting, activity_transfers
from registre.core.documents.vocabulary import (
    cite_article,
    country_name,
    in_sentence,
    policy_taxonomy,
    term_label,
    translator,
)
from registre.core.i18n import get_translations
from registre.core.policy import Activity, Policy
from registre.core.policy.model import Client, Role
from registre.core.taxonomy import Taxonomy


@dataclass(frozen=True)
class Line:
    """A labelled entry of a sheet: a data subject, a recipient, a measure... and its details."""

    label: str
    details: str = ""


@dataclass(frozen=True)
class ServedController:
    """A controller on whose behalf a processor activity runs (Art. 30(2)(a))."""

    name: str
    details: str
    contact: Party


@dataclass(frozen=True)
class ActivitySheet:
    """One activity of the register, the CNIL "fiche de registre"."""

    key: str
    reference: str
    name: str
    created: dt.date | None
    updated: dt.date | None
    purpose: str
    sub_purposes: tuple[str, ...]
    legal_basis_key: str
    legal_basis: str
    legal_basis_details: str
    joint_controllers: tuple[Party, ...]
    controllers: tuple[ServedController, ...]
    categories: tuple[CategoryLine, ...]
    sensitive: tuple[SensitiveLine, ...]
    subjects: tuple[Line, ...]
    recipients: tuple[Line, ...]
    subprocessors: tuple[Line, ...]
    transfers: tuple[TransferLine, ...]
    measures: tuple[Line, ...]
    retention: str
    hosting: tuple[str, ...] = ()

    @property
    def has_sensitive_data(self) -> bool:
        """True when the activity processes Art. 9 or Art. 10 data."""
        return any(line.present for line in self.sensitive)


@dataclass(frozen=True)
class RegisterView:
    """The whole register of one role, in one language, as of `today`."""

    role: Role
    lang: str
    today: dt.date
    organisation: Party
    head: Party
    representative: Party
    dpo: Party
    sheets: tuple[ActivitySheet, ...]
    client: str = ""


def build_register(
    policy: Policy,
    role: Role,
    lang: str,
    today: dt.date,
    *,
    clients: Mapping[str, Client] | None = None,
    client: str | None = None,
) -> RegisterView:
    """The register of the activities that `policy` declares in `role`, in policy order.

    A processor's record names each controller served with its contact
    (Art. 30(2)(a)): the `clients` given (those the application knows, or a
    declared list), else the policy's `clients:`, else the activity's
    `controllers:`. With `client`, the key of one of them, it is that
    client's copy: only the activities carried out on its behalf, and only
    it as controller. Raises KeyError for an unknown client.
    """
    taxonomy = policy_taxonomy(policy)
    organisation = policy.organisation
    served = dict(policy.clients if clients is None else clients)
    keys = list(policy.activities_by_role(role))
    name = ""
    if client is not None:
        if client not in served:
            raise KeyError(client)
        served = {client: served[client]}
        keys = [key for key in keys if key in policy.client_activities(served[client])]
        name = served[client].name
    return RegisterView(
        role=role,
        lang=lang,
        today=today,
        organisation=organisation_party(organisation, taxonomy, lang),
        head=head_party(organisation, taxonomy, lang),
        representative=contact_party(organisation.representative, taxonomy, lang),
        dpo=contact_party(organisation.contacts.dpo, taxonomy, lang),
        sheets=tuple(build_sheet(policy, key, taxonomy, lang, clients=served) for key in keys),
        client=name,
    )


def build_sheet(
    policy: Policy, key: str, taxonomy: Taxonomy, lang: str, *, clients: Mapping[str, Client] | None = None
) -> ActivitySheet:
    """The sheet of the activity `key`."""
    activity = policy.activities[key]
    basis, basis_details = _legal_basis(activity, taxonomy, lang)
    categories, sensitive = activity_category_lines(policy, activity, taxonomy, lang)
    return ActivitySheet(
        key=key,
        reference=activity.reference or key,
        name=activity.name.get(lang),
        created=activity.created,
        updated=activity.updated or activity.created,
        purpose=activity.purpose.get(lang),
        sub_purposes=tuple(purpose.get(lang) for purpose in activity.sub_purposes),
        legal_basis_key=activity.legal_basis or "",
        legal_basis=basis,
        legal_basis_details=basis_details,
        joint_controllers=tuple(contact_party(c, taxonomy, lang) for c in activity.joint_controllers),
        controllers=_served(policy, key, clients if clients is not None else policy.clients, taxonomy, lang),
        categories=categories,
        sensitive=sensitive,
        subjects=_subjects(policy, activity, taxonomy, lang),
        recipients=_recipients(activity, taxonomy, lang) + _subprocessors(policy, activity, taxonomy, lang, typed=True),
        subprocessors=_subprocessors(policy, activity, taxonomy, lang, typed=False),
        transfers=tuple(activity_transfers(policy, key, taxonomy, lang)),
        measures=_measures(activity, taxonomy, lang),
        retention=describe_retention(activity.retention, policy, lang, activity.datasets) if activity.retention else "",
        hosting=activity_hosting(policy, (activity,), taxonomy, lang),
    )


def _served(
    policy: Policy, key: str, clients: Mapping[str, Client], taxonomy: Taxonomy, lang: str
) -> tuple[ServedController, ...]:
    """The controllers of a processor activity: each client it runs for, else the declared `controllers:`."""
    activity = policy.activities[key]
    named = tuple(
        ServedController(
            name=client.name,
            details=_agreement_terms(client, policy.notices.subprocessor_objection_days, lang),
            contact=contact_party(client.contact, taxonomy, lang),
        )
        for client in clients.values()
        if activity.role == "processor" and key in policy.client_activities(client)
    )
    if named:
        return named
    return tuple(
        ServedController(
            name=served.name.get(lang),
            details=served.description.get(lang) if served.description else "",
            contact=contact_party(served.contact, taxonomy, lang),
        )
        for served in activity.controllers
    )


def _agreement_terms(client: Client, default_days: int, lang: str) -> str:
    """What the client's agreement says of new sub-processors and transfers, in a few words (Art. 28(2))."""
    _ = translator(lang)
    agreement = client.agreement
    if agreement.subprocessors == "consent":
        terms = [_("New sub-processors: its prior written consent")]
    else:
        days = default_days if agreement.objection_days is None else agreement.objection_days
        terms = [
            get_translations(lang).ngettext(
                "New sub-processors: notice %(num)d day ahead, objection possible",
                "New sub-processors: notice %(num)d days ahead, objection possible",
                days,
            )
            % {"num": days}
        ]
    if agreement.transfers == "consent":
        terms.append(_("transfers outside the EEA: its prior express consent"))
    return "; ".join(terms)


def _legal_basis(activity: Activity, taxonomy: Taxonomy, lang: str) -> tuple[str, str]:
    """The basis of Art. 6(1) with its article, and what it rests on (the interest, the law)."""
    if activity.legal_basis is None:
        return "", ""
    _ = translator(lang)
    term = taxonomy.legal_bases.get(activity.legal_basis)
    label = term_label(taxonomy.legal_bases, activity.legal_basis, lang)
    if term is not None and term.article:
        label = f"{label} ({cite_article(term.article, lang)})"
    details = ""
    if activity.legitimate_interest is not None:
        details = activity.legitimate_interest.get(lang)
    elif activity.legal_obligation is not None:
        reference = taxonomy.legal_references.get(activity.legal_obligation)
        details = f"{reference.label.get(lang)} ({reference.citation})" if reference else activity.legal_obligation
    return label, details


def _subjects(policy: Policy, activity: Activity, taxonomy: Taxonomy, lang: str) -> tuple[Line, ...]:
    lines = []
    for key in policy.activity_subjects(activity):
        term = taxonomy.data_subjects.get(key)
        details = term.description.get(lang) if term and term.description else ""
        lines.append(Line(term_label(taxonomy.data_subjects, key, lang), details))
    return tuple(lines)


def _recipients(activity: Activity, taxonomy: Taxonomy, lang: str) -> tuple[Line, ...]:
    lines = []
    for recipient in activity.recipients:
        details = recipient.name.get(lang)
        if recipient.country is not None:
            details = f"{details} ({country_name(taxonomy, recipient.country, lang)})"
        lines.append(Line(term_label(taxonomy.recipient_types, recipient.type, lang), details))
    return tuple(lines)


def _subprocessors(
    policy: Policy, activity: Activity, taxonomy: Taxonomy, lang: str, *, typed: bool
) -> tuple[Line, ...]:
    """The sub-processors of an activity, as recipients of type "processors" (`typed`) or by name."""
    _ = translator(lang)
    lines = []
    for name in activity.processors:
        processor = policy.processors.get(name)
        if processor is None:
            continue
        where = country_name(taxonomy, processor.data_location, lang)
        if typed:
            details = _("%(name)s, %(country)s: %(purpose)s") % {
                "name": processor.name,
                "country": where,
                "purpose": in_sentence(processor.purpose.get(lang)),
            }
            lines.append(Line(term_label(taxonomy.recipient_types, "processors", lang), details))
        else:
            details = _("%(purpose)s (location of processing: %(country)s)") % {
                "purpose": processor.purpose.get(lang),
                "country": where,
            }
            lines.append(Line(processor.name, details))
    return tuple(lines)


def _measures(activity: Activity, taxonomy: Taxonomy, lang: str) -> tuple[Line, ...]:
    lines = []
    for measure in activity.security:
        term = taxonomy.security_measures.get(measure.type)
        if measure.details is not None:
            details = measure.details.get(lang)
        else:
            details = term.description.get(lang) if term and term.description else ""
        lines.append(Line(term_label(taxonomy.security_measures, measure.type, lang), details))
    return tuple(lines)
