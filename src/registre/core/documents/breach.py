"""The documents of a breach, in French and English: to the authority, to each client, to the people, and the record.

- `authority`: the notification to the supervisory authority (Art. 33(1), (3)), laid out as the CNIL's
  online form asks (type of notification, organisation and contact, chronology, nature, data and people
  concerned, consequences, measures, information of the people, cross-border aspects), ready to copy
  into the form or to file.
- `client`: the processor's notice to one affected client (Art. 33(2)), with what the client needs to
  notify in turn (Art. 33(3)) and the number of its own records in the affected datasets.
- `people`: the communication to the data subjects when the risk is high (Art. 34(2)): plain language,
  the DPO's contact, the likely consequences, the measures, and what they can do.
- `record`: the internal record of Art. 33(5) (facts, effects, remedial action, every notification).

A later notification (phase 2, 3...) adds to the earlier ones (Art. 33(4)): it names them and states
what it adds. The breach's facts come from `breaches.BreachFacts`; notifications already made are
passed as `NotificationRecord`s.

    pdf = render_breach_document("authority", facts, policy, lang="fr", today=date(2026, 12, 2), tz=paris)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from babel.numbers import format_decimal

from registre.core.breaches import BreachFacts, Clock, authority_clock, duties
from registre.core.documents.dates import format_long_date
from registre.core.documents.environment import render_template
from registre.core.documents.letters.letter import legal_line, place_and_date, signatory
from registre.core.documents.parties import Party, contact_party, organisation_party
from registre.core.documents.pdf import write_pdf
from registre.core.documents.vocabulary import country_name, in_sentence, policy_taxonomy, term_label, translator
from registre.core.i18n import Lang
from registre.core.policy import Policy

BreachDocumentKind = Literal["authority", "client", "people", "record"]
DOCUMENT_KINDS: tuple[BreachDocumentKind, ...] = ("authority", "client", "people", "record")
DocumentFormat = Literal["pdf", "html"]
_NUMBER_LOCALES = {"fr": "fr_FR", "en": "en_GB"}


@dataclass(frozen=True)
class NotificationRecord:
    """A notification already made: to whom (`authority`, `client`, `people`), which phase, when, how."""

    recipient: str
    phase: int
    sent_at: dt.datetime
    channel: str = ""
    reference: str = ""
    client_name: str = ""
    late_reasons: str = ""
    details: str = ""


@dataclass(frozen=True)
class ClientShare:
    """The client a notice is for: its name, tenant, and its records in the affected datasets."""

    name: str
    tenant: str
    records: int


@dataclass(frozen=True)
class Part:
    """A numbered part of the document: labelled values, paragraphs, a list."""

    title: str
    rows: tuple[tuple[str, str], ...] = ()
    paragraphs: tuple[str, ...] = ()
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class BreachDocument:
    lang: str
    date: dt.date
    kind: str
    title: str
    subtitle: str
    organisation: Party
    legal_line: str
    place_date: str
    facts: tuple[tuple[str, str], ...]
    parts: tuple[Part, ...]
    signatory: tuple[str, ...]
    addressee: str = ""
    salutation: str = ""
    closing: str = ""


@dataclass(frozen=True)
class _Context:
    """What every builder needs: the breach, the policy, the language and the words."""

    facts: BreachFacts
    policy: Policy
    lang: Lang
    tz: dt.tzinfo
    notifications: tuple[NotificationRecord, ...] = field(default_factory=tuple)

    def _(self, message: str) -> str:
        return translator(self.lang)(message)

    def moment(self, value: dt.datetime | None) -> str:
        """ "2 décembre 2026, 14:05 (UTC+01:00)" in the organisation's time zone; "" for None."""
        if value is None:
            return ""
        local = value.astimezone(self.tz)
        offset = local.strftime("%z")
        return f"{format_long_date(local.date(), self.lang)}, {local:%H:%M} (UTC{offset[:3]}:{offset[3:]})"

    def number(self, value: int | None) -> str:
        if value is None:
            return self._("Unknown")
        return str(format_decimal(value, locale=_NUMBER_LOCALES[self.lang]))

    def text(self, value: str) -> str:
        return value.strip() or self._("Not stated")

    def natures(self) -> str:
        labels = {
            "confidentiality": self._("Loss of confidentiality (unauthorised disclosure or access)"),
            "integrity": self._("Loss of integrity (unauthorised alteration)"),
            "availability": self._("Loss of availability (accidental or unlawful loss of access or destruction)"),
        }
        return "\n".join(labels[nature] for nature in self.facts.natures)

    def risk(self) -> str:
        labels = {
            "none": self._("Unlikely to result in a risk to the rights and freedoms of natural persons"),
            "risk": self._("Likely to result in a risk to the rights and freedoms of natural persons"),
            "high": self._("Likely to result in a high risk to the rights and freedoms of natural persons"),
        }
        return labels[self.facts.risk]

    def activities(self, keys: Sequence[str]) -> str:
        lines = []
        for key in keys:
            activity = self.policy.activities[key]
            name = activity.name.get(self.lang)
            lines.append(f"{activity.reference} — {name}" if activity.reference else name)
        return "\n".join(lines) or self._("None")

    def subjects(self) -> str:
        taxonomy = policy_taxonomy(self.policy)
        labels = [term_label(taxonomy.data_subjects, key, self.lang) for key in self.facts.scope.subjects]
        return ", ".join(in_sentence(label) if i else label for i, label in enumerate(labels)) or self._("None")

    def categories(self) -> str:
        taxonomy = policy_taxonomy(self.policy)
        labels = [term_label(taxonomy.data_categories, key, self.lang) for key in self.facts.scope.categories]
        return ", ".join(in_sentence(label) if i else label for i, label in enumerate(labels)) or self._("None")

    def systems(self) -> str:
        lines = []
        for reference in self.facts.scope.datasets:
            system_name, _, name = reference.partition(".")
            system = self.policy.systems[system_name]
            dataset = system.datasets[name]
            label = dataset.label.get(self.lang) if dataset.label else name
            lines.append(f"{system.name or system_name}: {label}")
        return "\n".join(lines)

    def dpo(self) -> Party:
        return contact_party(self.policy.organisation.contacts.dpo, policy_taxonomy(self.policy), self.lang)

    def earlier(self, recipient: str) -> tuple[NotificationRecord, ...]:
        return tuple(item for item in self.notifications if item.recipient == recipient)


def render_breach_document(
    kind: BreachDocumentKind,
    facts: BreachFacts,
    policy: Policy,
    *,
    lang: Lang = "fr",
    fmt: DocumentFormat = "pdf",
    today: dt.date,
    tz: dt.tzinfo = dt.UTC,
    notifications: Sequence[NotificationRecord] = (),
    client: ClientShare | None = None,
) -> bytes:
    """One document of a breach as PDF or HTML (UTF-8). `client` is required for the client's notice.

    `notifications` are those already made: the document numbers its phase after them (Art. 33(4)).
    Raises ValueError for an unknown kind or format, or a client notice without its client.
    """
    document = build_breach_document(
        kind, facts, policy, lang=lang, today=today, tz=tz, notifications=notifications, client=client
    )
    html = render_template(
        "breach.html.j2", lang, document=document, title=document.title, author=document.organisation.name, date=today
    )
    if fmt == "html":
        return html.encode("utf-8")
    if fmt == "pdf":
        return write_pdf(html)
    raise ValueError(f"unknown document format {fmt!r}: choose pdf or html")


def build_breach_document(
    kind: BreachDocumentKind,
    facts: BreachFacts,
    policy: Policy,
    *,
    lang: Lang = "fr",
    today: dt.date,
    tz: dt.tzinfo = dt.UTC,
    notifications: Sequence[NotificationRecord] = (),
    client: ClientShare | None = None,
) -> BreachDocument:
    """The document of `render_breach_document`, laid out but not written."""
    context = _Context(facts, policy, lang, tz, tuple(notifications))
    if kind == "authority":
        return _frame(context, today, _authority(context))
    if kind == "client":
        if client is None:
            raise ValueError("the notice to a client names its client")
        return _frame(context, today, _client(context, client))
    if kind == "people":
        return _frame(context, today, _people(context))
    if kind == "record":
        return _frame(context, today, _record(context))
    raise ValueError(f"unknown breach document {kind!r}: choose one of {', '.join(DOCUMENT_KINDS)}")


@dataclass(frozen=True)
class _Built:
    """What a builder writes; `_frame` adds the letterhead, the place and date, the signature."""

    kind: str
    title: str
    subtitle: str
    facts: tuple[tuple[str, str], ...]
    parts: tuple[Part, ...]
    addressee: str = ""
    salutation: str = ""
    closing: str = ""


def _frame(context: _Context, today: dt.date, built: _Built) -> BreachDocument:
    taxonomy = policy_taxonomy(context.policy)
    organisation = organisation_party(context.policy.organisation, taxonomy, context.lang)
    return BreachDocument(
        lang=context.lang,
        date=today,
        kind=built.kind,
        title=built.title,
        subtitle=built.subtitle,
        organisation=organisation,
        legal_line=legal_line(context.policy, organisation),
        place_date=place_and_date(organisation, today, context.lang),
        facts=built.facts,
        parts=built.parts,
        signatory=signatory(context.dpo(), organisation, context.lang),
        addressee=built.addressee,
        salutation=built.salutation,
        closing=built.closing,
    )


def _phase(context: _Context, recipient: str) -> tuple[int, str]:
    """The phase of the next notification to `recipient`, and the sentence that places it (Art. 33(4))."""
    _ = context._
    earlier = context.earlier(recipient)
    if not earlier:
        return 1, _("Initial notification")
    dates = ", ".join(context.moment(item.sent_at) for item in earlier)
    return len(earlier) + 1, _("Additional notification no. %(phase)s, completing the notification(s) of %(dates)s") % {
        "phase": len(earlier) + 1,
        "dates": dates,
    }


def _chronology(context: _Context, clock: Clock | None) -> tuple[tuple[str, str], ...]:
    _ = context._
    facts = context.facts
    rows = [
        (_("Start of the breach"), context.moment(facts.occurred_at) or _("Unknown")),
        (_("End of the breach"), _("The breach is ongoing") if facts.ongoing else _("The breach has ended")),
        (_("Became aware on"), context.moment(facts.aware_at)),
        (_("How the breach was discovered"), context.text(facts.discovery)),
    ]
    if clock is not None:
        rows.append((_("Deadline for this notification"), context.moment(clock.due_at)))
        if facts.delay_reasons.strip():
            rows.append((_("Reasons for the delay"), facts.delay_reasons.strip()))
    return tuple(rows)


def _nature(context: _Context) -> Part:
    _ = context._
    facts = context.facts
    return Part(
        _("Nature of the breach"),
        rows=(
            (_("Type of breach"), context.natures()),
            (_("Circumstances"), context.text(facts.description)),
            (_("Cause"), context.text(facts.cause)),
        ),
    )


def _data(context: _Context, records: str | None = None) -> Part:
    _ = context._
    facts = context.facts
    return Part(
        _("Data and people concerned"),
        rows=(
            (_("Processing activities concerned"), context.activities(facts.scope.activities)),
            (_("Systems and sets of data concerned"), context.systems()),
            (_("Categories of data subjects"), context.subjects()),
            (_("Approximate number of data subjects"), context.number(facts.subject_count)),
            (_("Categories of personal data"), context.categories()),
            (_("Approximate number of records"), records or context.number(facts.record_count)),
        ),
    )


def _measures(context: _Context) -> Part:
    _ = context._
    return Part(
        _("Measures taken or proposed"),
        rows=(
            (_("Measures taken to address the breach"), context.text(context.facts.measures_taken)),
            (
                _("Measures proposed to mitigate its possible adverse effects"),
                context.text(context.facts.measures_proposed),
            ),
        ),
    )


def _contact(context: _Context) -> tuple[tuple[str, str], ...]:
    _ = context._
    dpo = context.dpo()
    reach = " · ".join(part for part in (dpo.email, dpo.phone) if part)
    return ((_("Data protection officer"), dpo.full_name or context.policy.organisation.name), (_("Contact"), reach))


def _authority(context: _Context) -> _Built:
    _ = context._
    facts = context.facts
    organisation = context.policy.organisation
    taxonomy = policy_taxonomy(context.policy)
    party = organisation_party(organisation, taxonomy, context.lang)
    phase, phase_text = _phase(context, "authority")
    clock = authority_clock(facts.aware_at)
    people = context.earlier("people")
    informed = (
        _("Yes, on %(date)s") % {"date": context.moment(people[0].sent_at)}
        if people
        else _("Not yet: the communication is planned")
        if duties(facts.risk, facts.scope).people and not facts.people_exemption
        else _("No")
    )
    parts = (
        Part(
            _("Type of notification"),
            rows=((_("Notification"), phase_text), (_("Internal reference"), facts.reference)),
        ),
        Part(
            _("Organisation and contact"),
            rows=(
                (_("Organisation"), organisation.name),
                (_("Registration"), organisation.registration or ""),
                (_("Address"), party.address_line),
                *_contact(context),
            ),
        ),
        Part(_("Chronology"), rows=_chronology(context, clock)),
        _nature(context),
        _data(context),
        Part(
            _("Likely consequences for the people"),
            rows=(
                (_("Consequences"), context.text(facts.consequences)),
                (_("Severity"), context.risk()),
                (_("Reasons for this assessment"), context.text(facts.risk_reasons)),
            ),
        ),
        _measures(context),
        Part(
            _("Information of the people"),
            rows=(
                (_("People informed"), informed),
                *(((_("Why the people are not informed"), facts.people_exemption),) if facts.people_exemption else ()),
            ),
        ),
        Part(
            _("Cross-border aspects"),
            rows=(
                (_("Country of the main establishment"), country_name(taxonomy, organisation.country, context.lang)),
                (_("Other authorities notified"), _("None")),
            ),
        ),
    )
    title = _("Notification of a personal data breach to the supervisory authority")
    subtitle = _("Article 33 GDPR — %(authority)s — phase %(phase)s") % {
        "authority": organisation.supervisory_authority,
        "phase": phase,
    }
    facts_rows = (
        (_("Breach"), f"{facts.reference} — {facts.title}"),
        (_("Became aware on"), context.moment(facts.aware_at)),
    )
    return _Built("authority", title, subtitle, facts_rows, parts)


def _client(context: _Context, client: ClientShare) -> _Built:
    _ = context._
    facts = context.facts
    phase, phase_text = _phase(context, "client")
    records = _("%(records)s of your records in the sets of data concerned") % {
        "records": context.number(client.records)
    }
    parts = (
        Part(
            _("Why you receive this notice"),
            paragraphs=(
                _(
                    "As your processor, we inform you without undue delay of a personal data breach concerning data "
                    "we process on your behalf (Article 33(2) GDPR). This notice gives what you need to assess the "
                    "risk and, if required, to notify your supervisory authority within 72 hours of becoming aware "
                    "of the breach (Article 33(3) GDPR)."
                ),
                phase_text,
            ),
        ),
        Part(_("Chronology"), rows=_chronology(context, None)),
        _nature(context),
        _data(context, records),
        Part(
            _("Likely consequences"),
            rows=(
                (_("Consequences"), context.text(facts.consequences)),
                (_("Our assessment"), context.risk()),
                (_("Reasons for this assessment"), context.text(facts.risk_reasons)),
            ),
        ),
        _measures(context),
        Part(
            _("Our contact for this breach"),
            rows=_contact(context),
            paragraphs=(_("We will send you any further information as soon as we have it (Article 33(4) GDPR)."),),
        ),
    )
    title = _("Notice of a personal data breach to the controller")
    subtitle = _("Article 33(2) GDPR — to %(client)s (tenant %(tenant)s) — phase %(phase)s") % {
        "client": client.name,
        "tenant": client.tenant,
        "phase": phase,
    }
    facts_rows = (
        (_("Breach"), f"{facts.reference} — {facts.title}"),
        (_("Became aware on"), context.moment(facts.aware_at)),
    )
    return _Built(
        "client", title, subtitle, facts_rows, parts, client.name, _("Dear Sir or Madam,"), _("Yours faithfully,")
    )


def _advice(context: _Context) -> dict[str, str]:
    """What people can do, by the data category concerned."""
    _ = context._
    return {
        "security.password": _("Change your password, and any other account where you used the same password."),
        "economic.bank_account": _("Watch your bank statements and tell your bank of any unexpected debit."),
        "contact.email": _("Be wary of unexpected emails asking for your details or for a payment."),
        "contact.phone": _("Be wary of unexpected calls or text messages asking for your details."),
    }


def _people(context: _Context) -> _Built:
    _ = context._
    facts = context.facts
    advice = [text for key, text in _advice(context).items() if key in facts.scope.categories]
    advice.append(_("Never give your password or bank details to anyone who contacts you about this incident."))
    dpo = context.dpo()
    email = dpo.email or (context.policy.organisation.contacts.requests.email or "")
    parts = (
        Part(_("What happened"), paragraphs=(context.text(facts.description),)),
        Part(_("Which of your data are concerned"), paragraphs=(context.categories(),)),
        Part(_("What it may mean for you"), paragraphs=(context.text(facts.consequences),)),
        Part(
            _("What we have done"),
            paragraphs=tuple(text for text in (facts.measures_taken.strip(), facts.measures_proposed.strip()) if text)
            or (_("Not stated"),),
        ),
        Part(_("What you can do"), items=tuple(advice)),
        Part(
            _("Who to contact"),
            paragraphs=(
                _("Our data protection officer answers your questions at %(email)s.") % {"email": email},
                _("You may also lodge a complaint with the %(authority)s.")
                % {"authority": context.policy.organisation.supervisory_authority},
            ),
        ),
    )
    title = _("Information about a personal data breach")
    subtitle = _("Article 34 GDPR")
    return _Built("people", title, subtitle, (), parts, "", _("Dear Sir or Madam,"), _("Yours faithfully,"))


def _record(context: _Context) -> _Built:
    _ = context._
    facts = context.facts
    owed = duties(facts.risk, facts.scope)
    clock = authority_clock(facts.aware_at)
    timeline = tuple(
        (
            context.moment(item.sent_at),
            " — ".join(
                part
                for part in (
                    _recipient(context, item),
                    _("phase %(phase)s") % {"phase": item.phase},
                    item.channel,
                    item.reference,
                    item.details,
                    (_("Reasons for the delay: %(reasons)s") % {"reasons": item.late_reasons})
                    if item.late_reasons
                    else "",
                )
                if part
            ),
        )
        for item in sorted(context.notifications, key=lambda item: item.sent_at)
    )
    parts = (
        Part(_("Chronology"), rows=_chronology(context, clock if owed.authority else None)),
        _nature(context),
        _data(context),
        Part(
            _("Risk assessment"),
            rows=(
                (_("Severity"), context.risk()),
                (_("Reasons for this assessment"), context.text(facts.risk_reasons)),
                (_("Consequences"), context.text(facts.consequences)),
            ),
        ),
        _measures(context),
        Part(
            _("Notifications owed"),
            rows=(
                (
                    _("Supervisory authority (Art. 33(1))"),
                    _("Owed") if owed.authority else _("Not owed: no risk, or not controller"),
                ),
                (
                    _("Clients (Art. 33(2))"),
                    _("Owed") if owed.clients else _("Not owed: no processor activity concerned"),
                ),
                (
                    _("Data subjects (Art. 34(1))"),
                    _("Owed")
                    if owed.people and not facts.people_exemption
                    else (facts.people_exemption or _("Not owed: no high risk")),
                ),
            ),
        ),
        Part(_("Notifications made"), rows=timeline, paragraphs=() if timeline else (_("None yet."),)),
    )
    title = _("Record of a personal data breach")
    subtitle = _("Article 33(5) GDPR — internal register")
    facts_rows = ((_("Breach"), f"{facts.reference} — {facts.title}"),)
    return _Built("record", title, subtitle, facts_rows, parts)


def _recipient(context: _Context, item: NotificationRecord) -> str:
    _ = context._
    if item.recipient == "authority":
        return context.policy.organisation.supervisory_authority
    if item.recipient == "client":
        return _("Client %(client)s") % {"client": item.client_name}
    return _("Data subjects")
