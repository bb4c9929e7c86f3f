"""The privacy notice (Art. 13 GDPR): what people are told when their data are collected.

Only controller activities appear: when the organisation processes data on
behalf of its clients, each client informs its own users (Art. 28), and the
notice only says that such processing exists.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from registre.core.documents.cookies import CookieSite, cookie_sites
from registre.core.documents.environment import render_template
from registre.core.documents.parties import Party, contact_party, organisation_party
from registre.core.documents.pdf import write_pdf
from registre.core.documents.retention_text import describe_retention
from registre.core.documents.rights import NoticeRight, notice_rights
from registre.core.documents.transfers import TransferLine, activity_hosting, activity_transfers
from registre.core.documents.vocabulary import (
    cite_article,
    country_name,
    in_sentence,
    policy_taxonomy,
    term_label,
    translator,
)
from registre.core.i18n import Lang, Localized
from registre.core.policy import Activity, Policy
from registre.core.taxonomy import Taxonomy

NoticeFormat = Literal["html", "md", "pdf"]


@dataclass(frozen=True)
class NoticeCategory:
    """A category of data and whether giving it is mandatory (None: not collected through a field).

    `by_law` is True for the data of an activity under a legal obligation: the
    law requires them when mandatory, and keeps them for its period once given.
    """

    label: str
    required: bool | None
    by_law: bool = False

    @property
    def mark(self) -> str:
        """ "law", "mandatory", "kept" (optional, but kept under the law once given), "optional" or ""."""
        if self.required is None:
            return ""
        if self.required:
            return "law" if self.by_law else "mandatory"
        return "kept" if self.by_law else "optional"


@dataclass(frozen=True)
class NoticeActivity:
    """What the notice says about one activity (Art. 13(1)(c)-(f), 13(2)(a) and (e))."""

    name: str
    purpose: str
    sub_purposes: tuple[str, ...]
    legal_basis_key: str
    legal_basis: str
    legitimate_interest: str
    legal_obligation: str
    categories: tuple[NoticeCategory, ...]
    subjects: tuple[str, ...]
    source: str
    recipients: tuple[str, ...]
    transfers: tuple[TransferLine, ...]
    retention: str
    hosting: tuple[str, ...] = ()
    decision_logic: str = ""
    decision_consequences: str = ""


@dataclass(frozen=True)
class Authority:
    """The supervisory authority that people can complain to (Art. 13(2)(d), Art. 77)."""

    name: str
    address: str
    website: str


@dataclass(frozen=True)
class NoticeView:
    """The whole notice, in one language."""

    lang: str
    effective: dt.date | None
    organisation: Party
    legal_form: str
    registration: str
    dpo: Party
    requests: Party
    response_days: int
    activities: tuple[NoticeActivity, ...]
    rights: tuple[NoticeRight, ...]
    authority: Authority
    processor_activities: tuple[str, ...]
    cookies: tuple[CookieSite, ...] = ()
    hosting: tuple[str, ...] = ()

    @property
    def marks(self) -> set[str]:
        """The marks the notice's data carry: "law", "mandatory", "kept", "optional"."""
        return {category.mark for activity in self.activities for category in activity.categories} - {""}

    @property
    def has_required_data(self) -> bool:
        return bool(self.marks)

    @property
    def automated(self) -> tuple[NoticeActivity, ...]:
        """The activities that take decisions based solely on automated processing (Art. 22)."""
        return tuple(activity for activity in self.activities if activity.decision_logic)

    @property
    def summary(self) -> tuple[tuple[str, str, str], ...]:
        """Each activity's name, legal basis and retention: the notice's table at a glance."""
        return tuple((activity.name, activity.legal_basis, activity.retention) for activity in self.activities)


def render_notice(policy: Policy, *, lang: Lang = "fr", fmt: NoticeFormat = "html") -> bytes:
    """The privacy notice of `policy` as a standalone, accessible HTML page, Markdown or PDF."""
    view = build_notice(policy, lang)
    if fmt == "md":
        return render_template("notice.md.j2", lang, notice=view).encode("utf-8")
    _ = translator(lang)
    html = render_template(
        "notice.html.j2",
        lang,
        notice=view,
        title=_("Privacy notice"),
        author=view.organisation.name,
        date=view.effective or dt.date.today(),
    )
    if fmt == "html":
        return html.encode("utf-8")
    if fmt == "pdf":
        return write_pdf(html)
    raise ValueError(f"unknown notice format {fmt!r}: choose html, md or pdf")


def build_notice(policy: Policy, lang: str) -> NoticeView:
    """The notice's content: the controller, its DPO, each controller activity, the rights."""
    taxonomy = policy_taxonomy(policy)
    organisation = policy.organisation
    activities = policy.activities_by_role("controller")
    return NoticeView(
        lang=lang,
        effective=policy.effective,
        organisation=organisation_party(organisation, taxonomy, lang),
        legal_form=organisation.legal_form or "",
        registration=organisation.registration or "",
        dpo=contact_party(organisation.contacts.dpo, taxonomy, lang),
        requests=contact_party(organisation.contacts.requests, taxonomy, lang),
        response_days=policy.notices.response_days,
        activities=tuple(_notice_activity(policy, key, taxonomy, lang) for key in activities),
        rights=notice_rights(activities, taxonomy, lang),
        authority=supervisory_authority(organisation.supervisory_authority, lang),
        processor_activities=tuple(a.name.get(lang) for a in policy.activities_by_role("processor").values()),
        cookies=cookie_sites(policy, lang),
        hosting=activity_hosting(policy, activities.values(), taxonomy, lang),
    )


def supervisory_authority(name: str, lang: str) -> Authority:
    """The authority named in the policy; the CNIL with its postal address and website."""
    if name.strip().upper() != "CNIL":
        return Authority(name=name, address="", website="")
    _ = translator(lang)
    return Authority(
        name=_("Commission nationale de l'informatique et des libertés (CNIL)"),
        # The CNIL's address for complaints by post, as it publishes it.
        address="3 place de Fontenoy, TSA 80715, 75334 Paris Cedex 07",
        website="https://www.cnil.fr",
    )


def _notice_activity(policy: Policy, key: str, taxonomy: Taxonomy, lang: str) -> NoticeActivity:
    activity = policy.activities[key]
    basis = activity.legal_basis or ""
    obligation = taxonomy.legal_references.get(activity.legal_obligation or "")
    return NoticeActivity(
        name=activity.name.get(lang),
        purpose=activity.purpose.get(lang),
        sub_purposes=tuple(purpose.get(lang) for purpose in activity.sub_purposes),
        legal_basis_key=basis,
        legal_basis=_legal_basis(basis, taxonomy, lang),
        legitimate_interest=activity.legitimate_interest.get(lang) if activity.legitimate_interest else "",
        legal_obligation=f"{obligation.label.get(lang)} ({obligation.citation})" if obligation else "",
        categories=_categories(policy, activity, taxonomy, lang),
        subjects=tuple(term_label(taxonomy.data_subjects, s, lang) for s in policy.activity_subjects(activity)),
        source=activity.source.get(lang) if activity.source else "",
        recipients=_recipients(policy, activity, taxonomy, lang),
        transfers=tuple(activity_transfers(policy, key, taxonomy, lang)),
        retention=describe_retention(activity.retention, policy, lang, activity.datasets) if activity.retention else "",
        hosting=activity_hosting(policy, (activity,), taxonomy, lang),
        decision_logic=_automated_text(activity, activity.decision_logic, lang),
        decision_consequences=_automated_text(activity, activity.decision_consequences, lang),
    )


def _automated_text(activity: Activity, text: Localized | None, lang: str) -> str:
    return text.get(lang) if activity.automated_decisions and text is not None else ""


def _legal_basis(basis: str, taxonomy: Taxonomy, lang: str) -> str:
    """ "Intérêt légitime (article 6(1)(f) du RGPD)"."""
    if not basis:
        return ""
    label = term_label(taxonomy.legal_bases, basis, lang)
    term = taxonomy.legal_bases.get(basis)
    return f"{label} ({cite_article(term.article, lang)})" if term and term.article else label


def _categories(policy: Policy, activity: Activity, taxonomy: Taxonomy, lang: str) -> tuple[NoticeCategory, ...]:
    """The activity's categories; one is mandatory when any field holding it is `required: true`.

    Art. 13(2)(e): people must know whether they are obliged to give the data
    and what happens if they do not. An activity with no required field
    collects nothing through a form (logs, recordings): it gets no marks.
    """
    required: dict[str, bool | None] = {}
    for reference in activity.datasets:
        dataset = policy.dataset(reference)
        for spec in dataset.personal_fields().values() if dataset else ():
            key = str(spec.category)
            required[key] = bool(required.get(key)) or spec.required
    if not any(required.values()):
        required = dict.fromkeys(required)
    for key in activity.categories:
        required.setdefault(key, None)
    by_law = activity.legal_basis == "legal_obligation"
    return tuple(
        NoticeCategory(term_label(taxonomy.data_categories, key, lang), is_required, by_law)
        for key, is_required in required.items()
    )


def _recipients(policy: Policy, activity: Activity, taxonomy: Taxonomy, lang: str) -> tuple[str, ...]:
    """Who receives the data: the declared recipients, then each sub-processor with its country."""
    _ = translator(lang)
    recipients = [recipient.name.get(lang) for recipient in activity.recipients]
    for name in activity.processors:
        processor = policy.processors.get(name)
        if processor is not None:
            recipients.append(
                _("%(name)s, %(country)s: %(purpose)s")
                % {
                    "name": processor.name,
                    "country": country_name(taxonomy, processor.data_location, lang),
                    "purpose": in_sentence(processor.purpose.get(lang)),
                }
            )
    return tuple(recipients)
