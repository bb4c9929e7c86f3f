"""Laid-out documents as Excel workbooks (openpyxl), styled after the CNIL register template.

The workbook must open cleanly in Excel and LibreOffice: sheet names are
made valid and unique, characters that XML 1.0 forbids are dropped, and a
text that starts with "=" stays a text (a policy must not smuggle in a
formula). openpyxl does not size rows to wrapped text, so row heights are
estimated from the text and the column widths.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.worksheet import Worksheet

from registre.core.documents.dates import EXCEL_DATE_FORMATS
from registre.core.documents.layout import Block, Cell, Document, Section, Sheet, Table
from registre.core.documents.vocabulary import translator

# The CNIL template's palette.
_DARK, _BRIGHT, _MID, _NAVY = "004A99", "3B96EC", "5B9BD5", "1F4E78"
_VALUE_FILLS = ("DDEBF7", "BDD7EE")
_VALUE_STYLES = ("value", "value-alt")
_FONT = "Georgia"
_WHITE_SIDE = Side(style="thin", color="FFFFFF")
_BORDER = Border(left=_WHITE_SIDE, right=_WHITE_SIDE, top=_WHITE_SIDE, bottom=_WHITE_SIDE)

# A fiche: the labels in A, then seven value columns B..H (the "Acteurs" table).
_FICHE_WIDTHS = (46, 26, 30, 11, 16, 15, 18, 30)
_FICHE_SPANS = {1: (7,), 2: (3, 4), 3: (1, 3, 3), 4: (1, 1, 2, 3), 7: (1,) * 7}
# The list: nine columns; the table's seven logical columns span them as the CNIL's do.
_LIST_WIDTHS = (34, 14, 16, 16, 40, 16, 34, 14, 26)
_LIST_SPANS = (1, 1, 1, 1, 1, 2, 2)
_LINE_HEIGHT, _MIN_ROW_HEIGHT, _MAX_ROW_HEIGHT = 13.0, 21.0, 400.0
_SHEET_NAME_MAX = 31
_FORBIDDEN_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")
# Characters that XML 1.0 forbids: control characters (but tab, LF, CR) and U+FFFE, U+FFFF.
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def write_register_workbook(document: Document) -> bytes:
    """The workbook of a laid-out register: the list of activities, then one sheet per activity."""
    workbook = Workbook()
    _add_styles(workbook)
    taken: set[str] = set()
    summary = workbook.active
    assert summary is not None  # a new workbook always has one sheet
    summary.title = sheet_title(document.summary_name, taken)
    _write_summary(summary, document)
    for sheet in document.sheets:
        worksheet = workbook.create_sheet(sheet_title(sheet.name, taken))
        _write_fiche(worksheet, sheet, document)
    return _save(workbook, document)


def write_table_workbook(document: Document, table: Table, widths: Sequence[int]) -> bytes:
    """A one-sheet workbook: the document's title, then `table` with a frozen, filterable heading row.

    `widths` gives each column's width in characters.
    """
    workbook = Workbook()
    _add_styles(workbook)
    worksheet = workbook.active
    assert worksheet is not None  # a new workbook always has one sheet
    worksheet.title = sheet_title(document.summary_name, set())
    _set_widths(worksheet, widths)
    _write_title(worksheet, document, widths)
    _write_table(worksheet, 4, table, (1,) * len(widths), widths, document.lang)
    worksheet.freeze_panes = "A6" if table.groups else "A5"
    worksheet.auto_filter.ref = f"A{5 if table.groups else 4}:{get_column_letter(len(widths))}{worksheet.max_row}"
    _print_setup(worksheet, document, title_rows="4:5" if table.groups else "4:4")
    return _save(workbook, document)


def sheet_title(name: str, taken: set[str]) -> str:
    """A valid, unique sheet name from `name`, recorded in `taken` (case-insensitive).

    Excel refuses names longer than 31 characters, containing [ ] : * ? / \\,
    starting or ending with an apostrophe, empty, or equal to "History".
    """
    text = " ".join(_FORBIDDEN_IN_SHEET_NAMES.sub(" ", _ILLEGAL_XML.sub("", name)).split()).strip("'")
    base = _shorten(text, _SHEET_NAME_MAX).strip("'") or "Sheet"
    if base.casefold() == "history":
        base = f"{base} 1"
    candidate, number = base, 2
    while candidate.casefold() in taken:
        suffix = f" ({number})"
        candidate = base[: _SHEET_NAME_MAX - len(suffix)].rstrip() + suffix
        number += 1
    taken.add(candidate.casefold())
    return candidate


def _shorten(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, at a word boundary when one is near the end."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    return (cut[:space] if space >= limit * 2 // 3 and text[limit] != " " else cut).strip()


# The list of activities ----------------------------------------------------------------


def _write_summary(worksheet: Worksheet, document: Document) -> None:
    _set_widths(worksheet, _LIST_WIDTHS)
    _write_title(worksheet, document, _LIST_WIDTHS)
    row = 4
    for block in document.blocks:
        row = _write_block(worksheet, row, block)
    # The CNIL's seven columns span nine; another table gets one column each.
    columns = len(document.summary.headings)
    spans = _LIST_SPANS if columns == len(_LIST_SPANS) else (1,) * columns
    _write_table(worksheet, row + 1, document.summary, spans, _LIST_WIDTHS, document.lang)
    header_rows = f"{row + 1}:{row + 2}"
    worksheet.freeze_panes = f"A{row + 3}"
    _print_setup(worksheet, document, title_rows=header_rows)


def _write_block(worksheet: Worksheet, row: int, block: Block) -> int:
    """A contact block on two rows: its title on the left, then label/value pairs four by four."""
    _put(worksheet, row, 1, block.title, "dark", end_row=row + 1)
    heights = [0.0, 0.0]
    for index, field in enumerate(block.fields):
        line, pair = divmod(index, 4)
        column = 2 + 2 * pair
        _put(worksheet, row + line, column, field.label, "field")
        _put(worksheet, row + line, column + 1, field.value, "value")
        widths = (_LIST_WIDTHS[column - 1], _LIST_WIDTHS[column])
        heights[line] = max(heights[line], _height(field.label, widths[0]), _height(field.value, widths[1]))
    title_height = _height(block.title, _LIST_WIDTHS[0])
    for line in (0, 1):
        worksheet.row_dimensions[row + line].height = max(heights[line], title_height / 2, 2 * _LINE_HEIGHT)
    return row + 2


def _write_table(
    worksheet: Worksheet, row: int, table: Table, spans: Sequence[int], widths: Sequence[int], lang: str
) -> None:
    """A table with group headings (if any), headings, then rows; `spans` maps columns to the grid."""
    starts = [1 + sum(spans[:index]) for index in range(len(spans))]
    if table.groups:
        column = 0
        for title, size in table.groups:
            end = starts[column + size - 1] + spans[column + size - 1] - 1
            _put(worksheet, row, starts[column], title, "dark", end_column=end)
            column += size
        worksheet.row_dimensions[row].height = 2 * _LINE_HEIGHT
        row += 1
    cells = list(zip(starts, spans, strict=True))
    _write_row(worksheet, row, cells, table.headings, widths, "bright", lang)
    for index, values in enumerate(table.rows):
        style = _VALUE_STYLES[index % 2]
        _write_row(worksheet, row + 1 + index, cells, values, widths, style, lang)


def _write_row(
    worksheet: Worksheet,
    row: int,
    cells: Sequence[tuple[int, int]],
    values: Sequence[Cell],
    widths: Sequence[int],
    style: str,
    lang: str,
) -> None:
    height = _LINE_HEIGHT
    for (start, span), value in zip(cells, values, strict=True):
        _put(worksheet, row, start, value, style, end_column=start + span - 1, lang=lang)
        height = max(height, _height(value, sum(widths[start - 1 : start - 1 + span])))
    worksheet.row_dimensions[row].height = height


# One sheet per activity --------------------------------------------------------------


def _write_fiche(worksheet: Worksheet, sheet: Sheet, document: Document) -> None:
    _set_widths(worksheet, _FICHE_WIDTHS)
    last = len(_FICHE_WIDTHS)
    _put(worksheet, 1, 1, sheet.title, "title", end_column=last - 1)
    _put(worksheet, 1, last, sheet.reference, "reference")
    worksheet.row_dimensions[1].height = max(24.0, _height(sheet.title, sum(_FICHE_WIDTHS[:-1]), 14))
    _put(worksheet, 2, 1, f"{document.subtitle} {document.date_line}.", "note", end_column=last)
    worksheet.row_dimensions[2].height = 2 * _LINE_HEIGHT
    row = 4
    for section in sheet.sections:
        row = _write_section(worksheet, row, section, document.lang) + 1
    _print_setup(worksheet, document)


def _write_section(worksheet: Worksheet, row: int, section: Section, lang: str) -> int:
    """A section: its heading row, then its rows (or its `empty` text); returns the row after it."""
    spans = _FICHE_SPANS.get(section.width, (1,) * section.width)
    starts = [2 + sum(spans[:index]) for index in range(len(spans))]
    cells = list(zip(starts, spans, strict=True))
    _put(worksheet, row, 1, section.title, "dark")
    _write_row(worksheet, row, cells, section.headings or ("",), _FICHE_WIDTHS, "dark", lang)
    worksheet.row_dimensions[row].height = max(
        2 * _LINE_HEIGHT, _height(section.title, _FICHE_WIDTHS[0]), worksheet.row_dimensions[row].height or 0
    )
    if not section.rows:
        _put(worksheet, row + 1, 1, "", "label")
        _write_row(worksheet, row + 1, [(2, sum(spans))], (section.empty,), _FICHE_WIDTHS, "value", lang)
        return row + 2
    for index, line in enumerate(section.rows, start=1):
        _put(worksheet, row + index, 1, line.label, "label")
        style = _VALUE_STYLES[(index - 1) % 2]
        _write_row(worksheet, row + index, cells, line.cells, _FICHE_WIDTHS, style, lang)
        label_height = _height(line.label, _FICHE_WIDTHS[0])
        worksheet.row_dimensions[row + index].height = max(label_height, worksheet.row_dimensions[row + index].height)
    return row + len(section.rows) + 1


def _add_styles(workbook: Workbook) -> None:
    """Register the named styles of the CNIL look: title, reference, note, dark, bright, field, label, values.

    Cells take a named style by name, which keeps large registers fast to write.
    """
    white_bold = Font(name=_FONT, size=10, bold=True, color="FFFFFF")
    kinds: dict[str, tuple[Font, str | None, str]] = {
        "title": (Font(name=_FONT, size=14, bold=True, color="FFFFFF"), _BRIGHT, "left"),
        "reference": (Font(name=_FONT, size=16, bold=True, color="FFFFFF"), _BRIGHT, "left"),
        "note": (Font(name=_FONT, size=10, bold=True, color=_NAVY), None, "left"),
        "dark": (white_bold, _DARK, "center"),
        "bright": (white_bold, _BRIGHT, "center"),
        "field": (white_bold, _BRIGHT, "left"),
        "label": (white_bold, _MID, "right"),
        "value": (Font(name=_FONT, size=10, color=_NAVY), _VALUE_FILLS[0], "left"),
        "value-alt": (Font(name=_FONT, size=10, color=_NAVY), _VALUE_FILLS[1], "left"),
    }
    for name, (font, colour, horizontal) in kinds.items():
        # Prefixed: Excel has built-in styles named "Title" and "Note".
        style = NamedStyle(name=f"Registre {name}")
        style.font = font
        style.fill = PatternFill("solid", fgColor=colour) if colour else PatternFill()
        # Excel allows an indent only with left or right alignment.
        indent = 0 if horizontal == "center" else 1
        style.alignment = Alignment(horizontal=horizontal, vertical="center", wrap_text=True, indent=indent)
        style.border = _BORDER if colour else Border()
        workbook.add_named_style(style)


def _put(
    worksheet: Worksheet,
    row: int,
    column: int,
    value: Cell,
    style: str,
    *,
    end_row: int | None = None,
    end_column: int | None = None,
    lang: str = "fr",
) -> None:
    """Write a value with its style, over a merged range when it ends further right or down."""
    end_row, end_column = end_row or row, end_column or column
    for r in range(row, end_row + 1):
        for c in range(column, end_column + 1):
            worksheet.cell(row=r, column=c).style = f"Registre {style}"
    cell = worksheet.cell(row=row, column=column)
    if isinstance(value, dt.date):
        cell.value = value
        cell.number_format = EXCEL_DATE_FORMATS.get(lang, "YYYY-MM-DD")
    else:
        cell.value = _text(value)
        cell.data_type = "s"  # never a formula, whatever the text starts with
    if (end_row, end_column) != (row, column):
        # The covered cells keep their own fill and borders, so the range needs no reformatting
        # (openpyxl's merge_cells would rebuild every border, slowly).
        worksheet.merged_cells.add(
            MergedCellRange(worksheet, f"{cell.coordinate}:{get_column_letter(end_column)}{end_row}")
        )


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return _ILLEGAL_XML.sub("", value)


def _height(value: Cell, width: float, size: int = 10) -> float:
    """The height in points that `value` needs when wrapped in a column `width` characters wide."""
    text = _text(value)
    per_line = max(1.0, (width - 2) * 10 / size)
    lines = sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))
    return min(_MAX_ROW_HEIGHT, max(_MIN_ROW_HEIGHT, lines * _LINE_HEIGHT * size / 10 + 8))


def _set_widths(worksheet: Worksheet, widths: Sequence[int]) -> None:
    for index, width in enumerate(widths, start=1):
        worksheet.column_dimensions[get_column_letter(index)].width = width
    worksheet.sheet_view.showGridLines = False


def _write_title(worksheet: Worksheet, document: Document, widths: Sequence[int]) -> None:
    _put(worksheet, 1, 1, f"{document.title} — {document.author}", "title", end_column=len(widths))
    worksheet.row_dimensions[1].height = 24
    note = f"{document.subtitle} {document.date_line}."
    _put(worksheet, 2, 1, note, "note", end_column=len(widths))
    worksheet.row_dimensions[2].height = max(2 * _LINE_HEIGHT, _height(note, sum(widths)))


def _print_setup(worksheet: Worksheet, document: Document, *, title_rows: str | None = None) -> None:
    """A4 landscape, fitted to the page width, with the organisation and date in the header."""
    _ = translator(document.lang)
    worksheet.page_setup.orientation = "landscape"
    worksheet.page_setup.paperSize = worksheet.PAPERSIZE_A4
    worksheet.page_setup.fitToWidth = 1
    worksheet.page_setup.fitToHeight = 0
    worksheet.sheet_properties.pageSetUpPr.fitToPage = True
    worksheet.page_margins.left = worksheet.page_margins.right = 0.4
    worksheet.oddHeader.left.text = _header_text(document.author)
    worksheet.oddHeader.right.text = _header_text(document.title)
    worksheet.oddFooter.right.text = _("Page &P of &N")
    if title_rows:
        worksheet.print_title_rows = title_rows


def _header_text(text: str) -> str:
    # "&" starts a header code in Excel: a literal ampersand is written "&&".
    return _ILLEGAL_XML.sub("", text).replace("&", "&&")


def _save(workbook: Workbook, document: Document) -> bytes:
    properties = workbook.properties
    properties.title = document.title
    properties.subject = document.subtitle
    properties.creator = "Registre"
    properties.lastModifiedBy = "Registre"
    properties.language = "fr-FR" if document.lang == "fr" else "en-GB"
    properties.created = properties.modified = dt.datetime.combine(document.date, dt.time())
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
