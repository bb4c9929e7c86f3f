"""The breach register (Art. 33(5) GDPR) as XLSX or PDF: every breach, notified or not.

One line per breach: when it became known, its nature, the activities, the
people and records concerned, the risk, and each notification (authority,
clients, people) with its date, or why it was not owed.

    xlsx = render_breach_register(entries, policy, lang="fr", fmt="xlsx", today=date(2026, 12, 2), tz=paris)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from registre.core.breaches import BreachFacts, duties
from registre.core.documents.breach import NotificationRecord
from registre.core.documents.dates import format_long_date
from registre.core.documents.environment import render_template
from registre.core.documents.layout import Cell, Document, Table
from registre.core.documents.pdf import write_pdf
from registre.core.documents.vocabulary import translator
from registre.core.documents.xlsx import write_table_workbook
from registre.core.i18n import Lang
from registre.core.policy import Policy

RegisterFormat = Literal["xlsx", "pdf", "html"]
_XLSX_WIDTHS = (14, 30, 18, 26, 34, 12, 12, 22, 24, 24, 24, 40)


@dataclass(frozen=True)
class RegisterEntry:
    """A breach with its notifications and its clients (how many are concerned, how many were told)."""

    facts: BreachFacts
    notifications: tuple[NotificationRecord, ...]
    clients_concerned: int = 0


def render_breach_register(
    entries: Sequence[RegisterEntry],
    policy: Policy,
    *,
    lang: Lang = "fr",
    fmt: RegisterFormat = "xlsx",
    today: dt.date,
    tz: dt.tzinfo = dt.UTC,
) -> bytes:
    """The register of `entries` (in the order given) as XLSX, PDF or HTML."""
    document = breach_register_document(entries, policy, lang, today, tz)
    if fmt == "xlsx":
        return write_table_workbook(document, document.summary, _XLSX_WIDTHS)
    html = render_template(
        "breach_register.html.j2", lang, document=document, title=document.title, author=document.author, date=today
    )
    if fmt == "html":
        return html.encode("utf-8")
    if fmt == "pdf":
        return write_pdf(html)
    raise ValueError(f"unknown register format {fmt!r}: choose xlsx, pdf or html")


def breach_register_document(
    entries: Sequence[RegisterEntry], policy: Policy, lang: Lang, today: dt.date, tz: dt.tzinfo
) -> Document:
    _ = translator(lang)
    headings = (
        _("Reference"),
        _("Breach"),
        _("Became aware on"),
        _("Nature"),
        _("Processing activities concerned"),
        _("Data subjects (approx.)"),
        _("Records (approx.)"),
        _("Risk"),
        _("Supervisory authority"),
        _("Clients"),
        _("Data subjects informed"),
        _("Measures taken"),
    )
    return Document(
        lang=lang,
        title=_("Register of personal data breaches"),
        subtitle=_("Article 33(5) GDPR: every breach, its facts, effects and remedial action, notified or not."),
        author=policy.organisation.name,
        date=today,
        date_line=_("Up to date as of %(date)s") % {"date": format_long_date(today, lang)},
        summary_name=_("Breaches"),
        blocks=(),
        summary=Table(groups=(), headings=headings, rows=tuple(_row(entry, policy, lang, tz) for entry in entries)),
        sheets=(),
    )


def _row(entry: RegisterEntry, policy: Policy, lang: Lang, tz: dt.tzinfo) -> tuple[Cell, ...]:
    _ = translator(lang)
    facts = entry.facts
    natures = {"confidentiality": _("Confidentiality"), "integrity": _("Integrity"), "availability": _("Availability")}
    risks = {"none": _("No risk"), "risk": _("Risk"), "high": _("High risk")}
    owed = duties(facts.risk, facts.scope)
    activities = [policy.activities[key] for key in facts.scope.activities if key in policy.activities]
    return (
        facts.reference,
        facts.title,
        _moment(facts.aware_at, lang, tz),
        ", ".join(natures[nature] for nature in facts.natures),
        "\n".join(activity.reference or activity.name.get(lang) for activity in activities),
        "" if facts.subject_count is None else str(facts.subject_count),
        "" if facts.record_count is None else str(facts.record_count),
        risks[facts.risk],
        _told(entry, "authority", owed.authority, lang, tz),
        _clients(entry, owed.clients, lang),
        _told(entry, "people", owed.people and not facts.people_exemption, lang, tz) or facts.people_exemption,
        facts.measures_taken,
    )


def _told(entry: RegisterEntry, recipient: str, owed: bool, lang: Lang, tz: dt.tzinfo) -> str:
    _ = translator(lang)
    made = sorted((item for item in entry.notifications if item.recipient == recipient), key=lambda item: item.sent_at)
    if made:
        return "\n".join(
            _("Phase %(phase)s: %(date)s") % {"phase": item.phase, "date": _moment(item.sent_at, lang, tz)}
            + (" — " + _("late") if item.late_reasons else "")
            for item in made
        )
    return _("To do") if owed else _("Not owed")


def _clients(entry: RegisterEntry, owed: bool, lang: Lang) -> str:
    _ = translator(lang)
    if not owed:
        return _("Not owed")
    told = len({item.client_name for item in entry.notifications if item.recipient == "client"})
    return _("%(told)s notified of %(concerned)s") % {"told": told, "concerned": entry.clients_concerned}


def _moment(value: dt.datetime, lang: Lang, tz: dt.tzinfo) -> str:
    local = value.astimezone(tz)
    return f"{format_long_date(local.date(), lang)}, {local:%H:%M}"
