"""The register laid out as the CNIL template: a list of activities, then one "fiche" each.

The headings are the CNIL's ("Nom du traitement", "N° / RÉF", "Finalité
principale"...), translated faithfully into English. A controller's fiche
(Art. 30(1)) follows the template section by section; a processor's
(Art. 30(2)) keeps its shape but names the controllers served, the
categories of processing carried out for them and the sub-processors.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from registre.core.documents.dates import format_long_date
from registre.core.documents.layout import Block, Cell, Document, Field, Row, Section, Sheet, Table
from registre.core.documents.parties import Party
from registre.core.documents.register.categories import CategoryLine, SensitiveLine
from registre.core.documents.register.view import ActivitySheet, Line, RegisterView
from registre.core.documents.vocabulary import translator

Translate = Callable[[str], str]


def layout_register(view: RegisterView) -> Document:
    """The register as a document: contact blocks and the list of activities, then the fiches."""
    _ = translator(view.lang)
    controller = view.role == "controller"
    return Document(
        lang=view.lang,
        title=_("Record of processing activities") if controller else _("Record of processing activities (processor)"),
        subtitle=_subtitle(view, _),
        author=view.organisation.name,
        date=view.today,
        date_line=_("Up to date as of %(date)s") % {"date": format_long_date(view.today, view.lang)},
        summary_name=_("Processing activities") if controller else _("Processor activities"),
        blocks=_blocks(view, _),
        summary=_summary(view, _),
        sheets=tuple(_sheet(view, sheet, _) for sheet in view.sheets),
    )


def _subtitle(view: RegisterView, _: Translate) -> str:
    if view.client:
        text = _(
            "%(organisation)s: processing activities carried out on behalf of %(client)s, and only those "
            "(Article 30(2) GDPR)."
        )
        return text % {"organisation": view.organisation.name, "client": view.client}
    if view.role == "controller":
        text = _("%(organisation)s, as controller (Article 30(1) GDPR).")
    else:
        text = _(
            "%(organisation)s: categories of processing activities carried out on behalf of controllers "
            "(Article 30(2) GDPR)."
        )
    return text % {"organisation": view.organisation.name}


# The list of activities ----------------------------------------------------------


def _blocks(view: RegisterView, _: Translate) -> tuple[Block, ...]:
    """The CNIL's contact blocks: head of the organisation, representative, DPO."""
    head, representative, dpo = view.head, view.representative, view.dpo
    return (
        Block(
            _(
                "Contact details of the head of the organisation (the controller, or its representative "
                "if the controller is established outside the EU)"
            ),
            _person_fields(head, _),
        ),
        Block(
            _("Contact details of the representative (if the controller is established outside the EU)"),
            _person_fields(representative, _)
            if not representative.is_empty
            else (Field(_("Name:"), _("Not applicable")),),
        ),
        Block(
            _("Contact details of the data protection officer (DPO)"),
            (
                Field(_("Name:"), dpo.name),
                Field(_("First name:"), dpo.first_name),
                Field(_("Company (if external DPO):"), dpo.company),
                Field(_("Address:"), dpo.street),
                Field(_("Postcode:"), dpo.postal_code),
                Field(_("City:"), dpo.city),
                Field(_("Phone:"), dpo.phone),
                Field(_("Email:"), dpo.email),
            ),
        ),
    )


def _person_fields(party: Party, _: Translate) -> tuple[Field, ...]:
    return (
        Field(_("Name:"), party.name),
        Field(_("First name:"), party.first_name),
        Field(_("Address:"), party.street),
        Field(_("Email:"), party.email),
        Field(_("Postcode:"), party.postal_code),
        Field(_("City:"), party.city),
        Field(_("Phone:"), party.phone),
    )


def _summary(view: RegisterView, _: Translate) -> Table:
    identification = (
        _("Name of the processing activity"),
        _("No. / REF"),
        _("Date the record was created"),
        _("Date the record was last updated"),
    )
    if view.role == "controller":
        return Table(
            groups=(
                (_("Identification of the processing"), 4),
                (_("Purpose of the processing"), 2),
                (_("Sensitive data?"), 1),
            ),
            headings=(*identification, _("Main purpose"), _("Sub-purposes"), _("Yes/no")),
            rows=tuple(_summary_row(sheet, _purposes_cell(sheet.sub_purposes), _) for sheet in view.sheets),
        )
    return Table(
        groups=(
            (_("Identification of the processing"), 4),
            (_("On behalf of"), 1),
            (_("Categories of processing"), 1),
            (_("Sensitive data?"), 1),
        ),
        headings=(*identification, _("Controllers"), _("Main purpose and sub-purposes"), _("Yes/no")),
        rows=tuple(
            _summary_row(sheet, _purposes_cell((sheet.purpose, *sheet.sub_purposes)), _, served=True)
            for sheet in view.sheets
        ),
    )


def _summary_row(sheet: ActivitySheet, purposes: str, _: Translate, *, served: bool = False) -> tuple[Cell, ...]:
    first = "\n".join(controller.name for controller in sheet.controllers) if served else sheet.purpose
    return (
        sheet.name,
        sheet.reference,
        sheet.created,
        sheet.updated,
        first,
        purposes,
        _("Yes") if sheet.has_sensitive_data else _("No"),
    )


def _purposes_cell(purposes: Iterable[str]) -> str:
    return "\n".join(f"• {purpose}" for purpose in purposes)


# One fiche per activity ------------------------------------------------------------


def _sheet(view: RegisterView, sheet: ActivitySheet, _: Translate) -> Sheet:
    if view.role == "controller":
        sections = _controller_sections(view, sheet, _)
    else:
        sections = _processor_sections(view, sheet, _)
    return Sheet(name=f"{sheet.reference} {sheet.name}", title=sheet.name, reference=sheet.reference, sections=sections)


def _controller_sections(view: RegisterView, sheet: ActivitySheet, _: Translate) -> tuple[Section, ...]:
    """The sections of the CNIL fiche, in its order (Art. 30(1)(a)-(g))."""
    return (
        _description(sheet, _),
        _actors(view, sheet, _),
        _purposes(sheet, _),
        _categories(sheet.categories, _),
        _sensitive(sheet.sensitive, _),
        _subjects(sheet, _),
        _lines(_("Recipients"), (_("Type of recipient"), _("Details")), _("Recipient %(number)d"), sheet.recipients, _),
        _measures(sheet, _),
        _transfers(sheet, _),
    )


def _processor_sections(view: RegisterView, sheet: ActivitySheet, _: Translate) -> tuple[Section, ...]:
    """The fiche of a processor activity (Art. 30(2)(a)-(d)), with the data it handles."""
    return (
        _description(sheet, _),
        _actors(view, sheet, _),
        _controllers(sheet, _),
        _processing_categories(sheet, _),
        _categories(sheet.categories, _),
        _sensitive(sheet.sensitive, _),
        _subjects(sheet, _),
        _lines(_("Sub-processors"), (_("Name"), _("Details")), _("Sub-processor %(number)d"), sheet.subprocessors, _),
        _measures(sheet, _),
        _transfers(sheet, _),
    )


def _subjects(sheet: ActivitySheet, _: Translate) -> Section:
    return _lines(
        _("Categories of data subjects"),
        (_("Description"), _("Details")),
        _("Category of data subjects %(number)d"),
        sheet.subjects,
        _,
    )


def _description(sheet: ActivitySheet, _: Translate) -> Section:
    return Section(
        _("Description of the processing"),
        (),
        (
            Row(_("Name of the processing activity"), (sheet.name,)),
            Row(_("No. / REF"), (sheet.reference,)),
            Row(_("Date the processing was created"), (sheet.created,)),
            Row(_("Date the processing was last updated"), (sheet.updated,)),
            *((Row(_("Hosting of the data"), ("\n".join(sheet.hosting),)),) if sheet.hosting else ()),
        ),
    )


def _actors(view: RegisterView, sheet: ActivitySheet, _: Translate) -> Section:
    """Who is responsible: the organisation, its DPO and representative, joint controllers."""
    organisation = view.organisation
    if view.head.first_name or view.head.name != organisation.name:
        organisation_name = _("%(organisation)s, represented by %(person)s") % {
            "organisation": organisation.name,
            "person": view.head.full_name,
        }
    else:
        organisation_name = organisation.name
    rows = [
        _party_row(
            _("Controller") if view.role == "controller" else _("Processor"), organisation, _, name=organisation_name
        ),
        _party_row(_("Data protection officer"), view.dpo, _),
        Row(_("DPO's company (if the DPO is external)"), (view.dpo.company or _("Not applicable"),) + ("",) * 6),
        _party_row(_("Representative"), view.representative, _),
    ]
    if view.role == "controller":
        joint = sheet.joint_controllers or (Party(),)
        rows.extend(_party_row(_("Joint controller(s)"), party, _) for party in joint)
    headings = (_("Name"), _("Address"), _("Postcode"), _("City"), _("Country"), _("Phone"), _("Email"))
    return Section(_("Actors"), headings, tuple(rows))


def _party_row(label: str, party: Party, _: Translate, *, name: str | None = None) -> Row:
    if party.is_empty:
        return Row(label, (_("Not applicable"),) + ("",) * 6)
    return Row(
        label,
        (name or party.full_name, party.street, party.postal_code, party.city, party.country, party.phone, party.email),
    )


def _purposes(sheet: ActivitySheet, _: Translate) -> Section:
    rows = [Row(_("Main purpose"), (sheet.purpose,))]
    rows.extend(
        Row(_("Sub-purpose %(number)d") % {"number": number}, (purpose,))
        for number, purpose in enumerate(sheet.sub_purposes, start=1)
    )
    rows.append(Row(_("Legal basis"), (sheet.legal_basis,)))
    if sheet.legal_basis_details:
        if sheet.legal_basis_key == "legitimate_interest":
            label = _("Legitimate interest pursued")
        else:
            label = _("Legal obligation")
        rows.append(Row(label, (sheet.legal_basis_details,)))
    return Section(_("Purpose(s) of the processing"), (), tuple(rows))


def _processing_categories(sheet: ActivitySheet, _: Translate) -> Section:
    # Art. 30(2)(b): "the categories of processing carried out on behalf of each controller".
    rows = [Row(_("Main purpose"), (sheet.purpose,))]
    rows.extend(
        Row(_("Sub-purpose %(number)d") % {"number": number}, (purpose,))
        for number, purpose in enumerate(sheet.sub_purposes, start=1)
    )
    return Section(_("Categories of processing carried out on behalf of the controller"), (), tuple(rows))


def _controllers(sheet: ActivitySheet, _: Translate) -> Section:
    rows = tuple(
        Row(
            _("Controller %(number)d") % {"number": number},
            (served.name, served.details, _contact_text(served.contact)),
        )
        for number, served in enumerate(sheet.controllers, start=1)
    )
    return Section(
        _("Controllers on whose behalf the processing is carried out"),
        (_("Name"), _("Details"), _("Contact details")),
        rows,
    )


def _contact_text(party: Party) -> str:
    return "\n".join(part for part in (party.full_name, party.address_line, party.phone, party.email) if part)


def _categories(lines: tuple[CategoryLine, ...], _: Translate) -> Section:
    rows = tuple(Row(line.group, (line.description, line.retention)) for line in lines)
    return Section(_("Categories of personal data concerned"), (_("Description"), _("Retention period")), rows)


def _sensitive(lines: tuple[SensitiveLine, ...], _: Translate) -> Section:
    rows = []
    for line in lines:
        if not line.present:
            rows.append(Row(line.group, (_("No"), "")))
            continue
        description = _("Yes: %(categories)s") % {"categories": line.description}
        if line.condition:
            description = f"{description}\n{line.condition}"
        rows.append(Row(line.group, (description, line.retention)))
    return Section(_("Sensitive data"), (_("Description"), _("Retention period")), tuple(rows))


def _lines(title: str, headings: tuple[str, str], numbered: str, lines: tuple[Line, ...], _: Translate) -> Section:
    rows = tuple(
        Row(numbered % {"number": number}, (line.label, line.details)) for number, line in enumerate(lines, start=1)
    )
    return Section(title, headings, rows, empty=_("None"))


def _measures(sheet: ActivitySheet, _: Translate) -> Section:
    return _lines(
        _("Security measures"),
        (_("Type of security measure"), _("Details")),
        _("Security measure %(number)d"),
        sheet.measures,
        _,
    )


def _transfers(sheet: ActivitySheet, _: Translate) -> Section:
    headings = (_("Recipient"), _("Country"), _("Type of safeguards"), _("Link to the documentation"))
    rows = tuple(
        Row(
            _("Recipient organisation %(number)d") % {"number": number},
            (line.recipient, line.country, line.safeguard_reference, line.documentation),
        )
        for number, line in enumerate(sheet.transfers, start=1)
    )
    return Section(_("Transfers outside the EU"), headings, rows, empty=_("No transfer outside the European Union"))
