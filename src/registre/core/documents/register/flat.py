"""The register as one flat table: a row per activity and data category, for CSV."""

from __future__ import annotations

from registre.core.documents.layout import Cell
from registre.core.documents.register.view import ActivitySheet, RegisterView
from registre.core.documents.vocabulary import translator


def flatten_register(view: RegisterView) -> tuple[tuple[str, ...], list[tuple[Cell, ...]]]:
    """The headings and the rows: one row per activity per data category (sensitive ones included)."""
    _ = translator(view.lang)
    second = _("Legal basis") if view.role == "controller" else _("Controllers")
    headings = (
        _("No. / REF"),
        _("Name of the processing activity"),
        _("Main purpose"),
        second,
        _("Categories of data subjects"),
        _("Group of data"),
        _("Category of data"),
        _("Sensitive data?"),
        _("Retention period"),
        _("Recipients"),
        _("Transfers outside the EU"),
    )
    rows = [row for sheet in view.sheets for row in _sheet_rows(view, sheet)]
    return headings, rows


def _sheet_rows(view: RegisterView, sheet: ActivitySheet) -> list[tuple[Cell, ...]]:
    _ = translator(view.lang)
    if view.role == "controller":
        second = sheet.legal_basis
    else:
        second = "\n".join(controller.name for controller in sheet.controllers)
    common = (
        sheet.reference,
        sheet.name,
        sheet.purpose,
        second,
        "\n".join(line.label for line in sheet.subjects),
    )
    recipients = "\n".join(f"{line.label}: {line.details}" if line.details else line.label for line in sheet.recipients)
    transfers = "\n".join(f"{line.recipient} ({line.country}): {line.safeguard_reference}" for line in sheet.transfers)
    grouped = [(line.group, line.categories, _("No"), line.retention) for line in sheet.categories]
    grouped += [(line.group, line.categories, _("Yes"), line.retention) for line in sheet.sensitive if line.present]
    return [
        (*common, group, category, sensitive, retention, recipients, transfers)
        for group, categories, sensitive, retention in grouped
        for category in categories
    ]
