"""The log of client instructions as a CSV file, in the language asked (headings, dates, delimiter)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from registre.core.documents.csv import write_csv
from registre.core.documents.layout import Cell
from registre.web.instructions.models import Instruction


def instruction_rows(instructions: Iterable[Instruction]) -> list[list[Cell]]:
    """One row per instruction, oldest first as a log reads; the channel in the active language."""
    return [
        [
            item.reference,
            item.client.tenant,
            timezone.localdate(item.received_at),
            str(item.get_channel_display()),
            item.given_by,
            item.text,
            " ".join(item.activities),
            item.request.reference if item.request else "",
            timezone.localdate(item.flagged_at) if item.flagged_at else None,
            item.unlawful_reason,
            timezone.localdate(item.client_told_at) if item.client_told_at else None,
        ]
        for item in sorted(instructions, key=lambda item: (item.received_at, item.pk))
    ]


def instruction_log_csv(instructions: Iterable[Instruction], lang: str) -> bytes:
    """The log as CSV (UTF-8 with BOM, the delimiter and dates of `lang`)."""
    with translation.override(lang):
        headings = [
            _("Reference"),
            _("Client"),
            _("Received on"),
            _("Received by"),
            _("Given by"),
            _("Instruction"),
            _("Processing covered"),
            _("Forwarded request"),
            _("Flagged as unlawful on"),
            _("Why it looks unlawful"),
            _("Client told on"),
        ]
        rows = instruction_rows(instructions)
    return write_csv(headings, rows, lang)
