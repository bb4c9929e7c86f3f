"""Tables as CSV files that Excel opens right in each language.

French Excel expects ";" between fields (the comma is the decimal
separator), English Excel ","; both need the UTF-8 byte order mark to read
accents. A cell that starts like a formula (=, +, -, @) is prefixed with an
apostrophe, so that a spreadsheet shows it as text instead of running it
(OWASP, "CSV injection").
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence

from registre.core.documents.dates import format_date
from registre.core.documents.layout import Cell

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_delimiter(lang: str) -> str:
    """The field delimiter of `lang`'s spreadsheets: ";" in French, "," in English."""
    return ";" if lang == "fr" else ","


def write_csv(headings: Sequence[str], rows: Iterable[Sequence[Cell]], lang: str) -> bytes:
    """A CSV file: UTF-8 with a byte order mark, CRLF line ends, the delimiter of `lang`.

    Dates are written as the language writes them (31/01/2026, 2026-01-31).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=csv_delimiter(lang), quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([_cell(heading, lang) for heading in headings])
    writer.writerows([_cell(value, lang) for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def _cell(value: Cell, lang: str) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return format_date(value, lang)
    return "'" + value if value.startswith(_FORMULA_STARTS) else value
