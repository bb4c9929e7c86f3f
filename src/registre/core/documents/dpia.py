"""The DPIA document of an activity, after the CNIL's PIA method, in French and English.

Four parts, as the method orders them: the context (the processing, its data, its actors), the fundamental
principles (necessity and proportionality, the measures protecting the data subjects' rights), the risks
(the measures in place, then illegitimate access, unwanted modification and disappearance of data, each
with its sources, threats and impacts, rated on the CNIL's scales of severity and likelihood before and
after the planned measures) and the validation (who validated, when, the review date, and the prior
consultation of the authority when the residual risk stays high, Art. 36). What the policy declares is
read from it; what people assessed comes from the version recorded (`core.dpia.DpiaRecord`).

    pdf = render_dpia(policy, record, lang="fr", fmt="pdf")
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from registre.core.documents.dates import format_long_date
from registre.core.documents.environment import render_template
from registre.core.documents.parties import Party, contact_party, organisation_party
from registre.core.documents.pdf import write_pdf
from registre.core.documents.register.view import ActivitySheet, build_sheet
from registre.core.documents.rights import NoticeRight, notice_rights
from registre.core.documents.vocabulary import policy_taxonomy, translator
from registre.core.dpia import DpiaRecord, RiskAssessment, RiskKind, Validation
from registre.core.i18n import Lang
from registre.core.policy import Policy
from registre.core.policy.dpia import assess_dpia

DpiaFormat = Literal["html", "pdf", "md"]


@dataclass(frozen=True)
class RiskView:
    """One risk as the document states it: its texts in the document's language, its levels named."""

    kind: RiskKind
    title: str
    sources: str
    threats: str
    impacts: str
    measures: str
    severity: str
    likelihood: str
    residual_severity: str
    residual_likelihood: str
    high: bool
    residual_high: bool


@dataclass(frozen=True)
class DpiaView:
    """The whole document in one language: the policy's facts and the version's assessment."""

    lang: str
    title: str
    organisation: Party
    dpo: Party
    sheet: ActivitySheet
    version: int
    created_on: dt.date
    status: str
    criteria: tuple[str, ...]
    context: str
    principles: str
    rights: tuple[NoticeRight, ...]
    risks: tuple[RiskView, ...]
    residual_high: bool
    validation: Validation | None
    validator: str
    review_on: dt.date | None
    record: DpiaRecord


def render_dpia(policy: Policy, record: DpiaRecord, *, lang: Lang = "fr", fmt: DpiaFormat = "pdf") -> bytes:
    """The DPIA of `record.activity` as HTML, Markdown or PDF. Raises ValueError for another format,
    KeyError for an activity the policy does not declare."""
    view = build_dpia(policy, record, lang)
    if fmt == "md":
        return render_template("dpia.md.j2", lang, dpia=view).encode("utf-8")
    html = render_template(
        "dpia.html.j2", lang, dpia=view, title=view.title, author=view.organisation.name, date=record.created_on
    )
    if fmt == "html":
        return html.encode("utf-8")
    if fmt == "pdf":
        return write_pdf(html)
    raise ValueError(f"unknown DPIA format {fmt!r}: choose html, md or pdf")


def build_dpia(policy: Policy, record: DpiaRecord, lang: str) -> DpiaView:
    """The view of `record` over the activity the policy declares, in `lang`."""
    _ = translator(lang)
    taxonomy = policy_taxonomy(policy)
    activity = policy.activities[record.activity]
    sheet = build_sheet(policy, record.activity, taxonomy, lang)
    found = assess_dpia(policy, record.activity, record.created_on)
    labels = criterion_labels(lang)
    return DpiaView(
        lang=lang,
        title=_("Data protection impact assessment"),
        organisation=organisation_party(policy.organisation, taxonomy, lang),
        dpo=contact_party(policy.organisation.contacts.dpo, taxonomy, lang),
        sheet=sheet,
        version=record.version,
        created_on=record.created_on,
        status=_status(record, lang),
        criteria=tuple(labels[name] for name in found.criteria),
        context=record.context,
        principles=record.principles,
        rights=notice_rights({record.activity: activity}, taxonomy, lang),
        risks=tuple(_risk_view(risk, lang) for risk in record.risks),
        residual_high=record.residual_high,
        validation=record.validation,
        validator=_validator(record.validation, lang),
        review_on=record.review_on,
        record=record,
    )


def criterion_labels(lang: str) -> dict[str, str]:
    """The nine criteria of the EDPB's guidelines (WP248 rev.01), named in `lang`."""
    _ = translator(lang)
    return {
        "evaluation": _("Evaluation or scoring"),
        "automated_decisions": _("Automated decision with legal or similar significant effect"),
        "monitoring": _("Systematic monitoring"),
        "sensitive": _("Sensitive data or data of a highly personal nature"),
        "large_scale": _("Data processed on a large scale"),
        "combined": _("Matching or combining datasets"),
        "vulnerable": _("Data concerning vulnerable data subjects"),
        "innovative": _("Innovative use or new technological solution"),
        "rights_prevention": _("Processing that prevents people from exercising a right or using a service"),
    }


def level_labels(lang: str) -> dict[int, str]:
    """The four levels of the CNIL's scales of severity and likelihood."""
    _ = translator(lang)
    return {1: _("1. Negligible"), 2: _("2. Limited"), 3: _("3. Significant"), 4: _("4. Maximum")}


def risk_titles(lang: str) -> dict[RiskKind, str]:
    _ = translator(lang)
    return {
        "illegitimate_access": _("Illegitimate access to data"),
        "unwanted_modification": _("Unwanted modification of data"),
        "disappearance": _("Disappearance of data"),
    }


def standard_risk_texts(kind: RiskKind, lang: str) -> tuple[str, str, str, str]:
    """The method's standard wording of a risk: sources, threats, impacts, measures."""
    _ = translator(lang)
    sources = _(
        "Staff of the organisation or of its processors, acting by mistake or with malice; outside attackers; "
        "malicious software; accidents and natural events affecting the hosting sites."
    )
    texts: dict[RiskKind, tuple[str, str, str]] = {
        "illegitimate_access": (
            _(
                "Theft or misuse of an account's credentials; interception of data in transit; access by a "
                "processor beyond its instructions; loss or theft of a device or of a copy of the data."
            ),
            _(
                "Unsolicited messages and phishing, identity theft, disclosure of private matters, loss of "
                "confidentiality towards employers or clients."
            ),
            _(
                "Access restricted to the authorised staff, according to their tasks; encryption in transit and "
                "at rest; logging of access; confidentiality undertakings of staff and processors."
            ),
        ),
        "unwanted_modification": (
            _(
                "Error or malicious change made by a user; faulty import, update or synchronisation; malicious "
                "software altering records."
            ),
            _(
                "Wrong decisions taken on inaccurate data, service refused or invoiced wrongly, time lost "
                "having the data corrected."
            ),
            _(
                "Rights of change limited to the staff who need them; history of changes in the audit log; "
                "checks of imports; the right to rectification answered within one month."
            ),
        ),
        "disappearance": (
            _(
                "Accidental or malicious deletion; ransomware; failure of equipment; disaster at a hosting site; "
                "end of a provider's service."
            ),
            _("Service interrupted, records needed to prove a right lost, steps to take again to rebuild the data."),
            _(
                "Backups kept apart and tested by restoring them; hosting with redundancy; deletion only by "
                "the retention rules and by the requests recorded."
            ),
        ),
    }
    threats, impacts, measures = texts[kind]
    return sources, threats, impacts, measures


def _risk_view(risk: RiskAssessment, lang: str) -> RiskView:
    levels = level_labels(lang)
    sources, threats, impacts, measures = standard_risk_texts(risk.kind, lang)
    return RiskView(
        kind=risk.kind,
        title=risk_titles(lang)[risk.kind],
        sources=risk.sources or sources,
        threats=risk.threats or threats,
        impacts=risk.impacts or impacts,
        measures=risk.measures or measures,
        severity=levels[risk.severity],
        likelihood=levels[risk.likelihood],
        residual_severity=levels[risk.residual_severity],
        residual_likelihood=levels[risk.residual_likelihood],
        high=risk.high,
        residual_high=risk.residual_high,
    )


def _status(record: DpiaRecord, lang: str) -> str:
    _ = translator(lang)
    if record.validation is None:
        return _("Version %(version)s, draft of %(date)s, not validated") % {
            "version": record.version,
            "date": format_long_date(record.created_on, lang),
        }
    return _("Version %(version)s, validated on %(date)s") % {
        "version": record.version,
        "date": format_long_date(record.validation.on, lang),
    }


def _validator(validation: Validation | None, lang: str) -> str:
    _ = translator(lang)
    if validation is None:
        return ""
    roles = {"dpo": _("data protection officer"), "controller": _("for the controller")}
    return _("%(name)s, %(role)s") % {"name": validation.name, "role": roles[validation.role]}
