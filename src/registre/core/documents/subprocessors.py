"""The list of sub-processors, as annexed to a data processing agreement.

Art. 28(2) and (4): the processor engages another processor only with the
controller's authorisation, and tells it of any intended addition or
replacement so that it can object; clients read this list for that. Each
entry gives the identity, address, purpose, where the data are processed and,
outside the EEA, the safeguard of the transfer (Art. 44-46).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from registre.core.documents.csv import write_csv
from registre.core.documents.dates import format_long_date
from registre.core.documents.environment import render_template
from registre.core.documents.layout import Cell, Document, Table
from registre.core.documents.parties import contact_party
from registre.core.documents.pdf import write_pdf
from registre.core.documents.transfers import subprocessor_transfer
from registre.core.documents.vocabulary import country_name, policy_taxonomy, translator
from registre.core.i18n import Lang, get_translations
from registre.core.policy import Policy, SubProcessor
from registre.core.policy.model import Contact
from registre.core.taxonomy import Taxonomy

SubprocessorFormat = Literal["html", "md", "csv", "xlsx", "pdf"]
_XLSX_WIDTHS = (24, 30, 12, 14, 30, 28, 32, 30, 11)


@dataclass(frozen=True)
class SubprocessorLine:
    """One sub-processor; `transfer` is True when its data location is outside the EEA."""

    name: str
    address: str
    country: str
    location: str
    purpose: str
    activities: tuple[str, ...]
    transfer: bool
    safeguard: str
    documentation: str
    since: dt.date | None

    def cells(self) -> tuple[Cell, ...]:
        return (
            self.name,
            self.address,
            self.country,
            self.location,
            self.purpose,
            "\n".join(self.activities),
            self.safeguard,
            self.documentation,
            self.since,
        )


def render_subprocessors(
    policy: Policy, *, lang: Lang = "fr", fmt: SubprocessorFormat = "html", today: dt.date | None = None
) -> bytes:
    """The sub-processor list of `policy` as HTML, Markdown, CSV, XLSX or PDF, up to date as of `today`."""
    lines = subprocessor_lines(policy, lang)
    document = subprocessor_document(policy, lines, lang, today or dt.date.today())
    if fmt == "csv":
        return write_csv(document.summary.headings, document.summary.rows, lang)
    if fmt == "xlsx":
        # openpyxl is imported with the first workbook (see `render_register`).
        from registre.core.documents.xlsx import write_table_workbook

        return write_table_workbook(document, document.summary, _XLSX_WIDTHS)
    if fmt == "md":
        return render_template("subprocessors.md.j2", lang, document=document, lines=lines).encode("utf-8")
    html = render_template(
        "subprocessors.html.j2",
        lang,
        document=document,
        lines=lines,
        title=document.title,
        author=document.author,
        date=document.date,
    )
    if fmt == "html":
        return html.encode("utf-8")
    if fmt == "pdf":
        return write_pdf(html)
    raise ValueError(f"unknown sub-processor list format {fmt!r}: choose html, md, csv, xlsx or pdf")


def subprocessor_lines(policy: Policy, lang: str) -> tuple[SubprocessorLine, ...]:
    """The sub-processors of the processor activities, in policy order, with those activities.

    Only a processor engaged for the clients' data is their sub-processor
    (Art. 28(2), (4)): the vendors that serve the organisation's own
    activities (its newsletter, its payments) are recipients named in the
    privacy notice, not in the clients' annex.
    """
    taxonomy = policy_taxonomy(policy)
    engaged = clients_subprocessors(policy)
    return tuple(
        _line(policy, key, processor, taxonomy, lang) for key, processor in policy.processors.items() if key in engaged
    )


def clients_subprocessors(policy: Policy) -> set[str]:
    """The keys of the sub-processors that some processor activity uses."""
    return {key for activity in policy.activities_by_role("processor").values() for key in activity.processors}


def subprocessor_document(policy: Policy, lines: tuple[SubprocessorLine, ...], lang: str, today: dt.date) -> Document:
    """The list laid out as a one-table document: title, what clients may do, the table."""
    _ = translator(lang)
    headings = (
        _("Name"),
        _("Address"),
        _("Country"),
        _("Location of the data"),
        _("Purpose"),
        _("Processing activities concerned"),
        _("Safeguard for transfers"),
        _("Documentation"),
        _("Since"),
    )
    return Document(
        lang=lang,
        title=_("List of sub-processors"),
        subtitle=_subtitle(policy, lang),
        author=policy.organisation.name,
        date=today,
        date_line=_("Up to date as of %(date)s") % {"date": format_long_date(today, lang)},
        summary_name=_("Sub-processors"),
        blocks=(),
        summary=Table(groups=(), headings=headings, rows=tuple(line.cells() for line in lines)),
        sheets=(),
    )


def _subtitle(policy: Policy, lang: str) -> str:
    translations = get_translations(lang)
    _ = translator(lang)
    engaged = _("Sub-processors engaged by %(organisation)s.") % {"organisation": policy.organisation.name}
    days = policy.notices.subprocessor_objection_days
    # Art. 28(2): clients are told of any addition or replacement and may object.
    objection = translations.ngettext(
        "Clients are told of any addition or replacement %(num)d day in advance and may object within that period.",
        "Clients are told of any addition or replacement %(num)d days in advance and may object within that period.",
        days,
    ) % {"num": days}
    return f"{engaged} {objection}"


def _line(policy: Policy, key: str, processor: SubProcessor, taxonomy: Taxonomy, lang: str) -> SubprocessorLine:
    _ = translator(lang)
    transfer = subprocessor_transfer(processor, taxonomy, lang)
    address = (
        contact_party(Contact(address=processor.address), taxonomy, lang).address_line if processor.address else ""
    )
    return SubprocessorLine(
        name=processor.name,
        address=address,
        country=country_name(taxonomy, processor.country, lang),
        location=country_name(taxonomy, processor.data_location, lang),
        purpose=processor.purpose.get(lang),
        activities=tuple(
            activity.name.get(lang)
            for activity in policy.activities_by_role("processor").values()
            if key in activity.processors
        ),
        transfer=transfer is not None,
        safeguard=transfer.safeguard_reference if transfer else _("Not applicable (data in the EEA)"),
        documentation=processor.documentation or (transfer.documentation if transfer else ""),
        since=processor.since,
    )
