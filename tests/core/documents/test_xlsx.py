"""Workbooks that open cleanly in Excel and LibreOffice."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from registre.core.documents.layout import Block, Document, Field, Row, Section, Sheet, Table
from registre.core.documents.xlsx import sheet_title, write_register_workbook, write_table_workbook


def document(sheets: tuple[Sheet, ...] = (), lang: str = "fr") -> Document:
    table = Table(
        groups=(("Identification", 2),),
        headings=("Nom", "Date"),
        rows=(("=cmd|' /C calc'!A0", dt.date(2026, 2, 3)), ("Bell\x07 & co", None)),
    )
    return Document(
        lang=lang,
        title="Registre",
        subtitle="Exemple & fils.",
        author="Exemple & fils",
        date=dt.date(2026, 1, 5),
        date_line="À jour au 05/01/2026",
        summary_name="Liste des traitements",
        blocks=(Block("Coordonnées", (Field("Nom :", "MARTIN"), Field("Prénom :", "Claire"))),),
        summary=table,
        sheets=sheets,
    )


def sheet(name: str) -> Sheet:
    section = Section("Description du traitement", (), (Row("Nom du traitement", (name,)),))
    table = Section("Destinataires", ("Type", "Précisions"), (Row("Destinataire 1", ("Interne", "Support")),))
    return Sheet(name=name, title=name, reference="T-1", sections=(section, table))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("T-001 Gestion des clients et des contrats", "T-001 Gestion des clients et"),
        ("Abcdefghijklmnopqrstuvwxyzabcdefghij", "Abcdefghijklmnopqrstuvwxyzabcde"),
        ("Paie [2026]: salariés/intérimaires?", "Paie 2026 salariés intérimaires"),
        ("'Quoted'", "Quoted"),
        ("", "Sheet"),
        ("History", "History 1"),
    ],
)
def test_sheet_names_are_valid_excel_names(name: str, expected: str) -> None:
    title = sheet_title(name, set())
    assert title == expected
    assert len(title) <= 31


def test_sheet_names_are_made_unique_within_31_characters() -> None:
    taken: set[str] = set()
    first = sheet_title("T-001 Gestion des clients et des contrats", taken)
    second = sheet_title("T-001 Gestion des clients et des contrats bis", taken)
    third = sheet_title("t-001 gestion des clients et des", taken)
    assert len({first.casefold(), second.casefold(), third.casefold()}) == 3
    assert second.endswith("(2)") and third.endswith("(3)")
    assert all(len(title) <= 31 for title in (first, second, third))


def test_a_register_workbook_has_the_list_then_one_sheet_per_activity() -> None:
    workbook = load_workbook(io.BytesIO(write_register_workbook(document((sheet("Paie"), sheet("Paie"))))))
    assert workbook.sheetnames == ["Liste des traitements", "Paie", "Paie (2)"]
    fiche = workbook["Paie"]
    values = [cell for row in fiche.iter_rows(values_only=True) for cell in row if cell]
    assert "Description du traitement" in values and "Destinataire 1" in values


def test_text_that_looks_like_a_formula_stays_text_and_control_characters_go() -> None:
    workbook = load_workbook(io.BytesIO(write_register_workbook(document())))
    values = [cell.value for row in workbook.active.iter_rows() for cell in row]
    assert "=cmd|' /C calc'!A0" in values
    assert "Bell & co" in values
    formulas = [cell for row in workbook.active.iter_rows() for cell in row if cell.data_type == "f"]
    assert formulas == []


def test_dates_are_real_dates_formatted_for_the_language() -> None:
    for lang, number_format in (("fr", "DD/MM/YYYY"), ("en", "YYYY-MM-DD")):
        workbook = load_workbook(io.BytesIO(write_register_workbook(document(lang=lang))))
        [cell] = [c for row in workbook.active.iter_rows() for c in row if isinstance(c.value, dt.datetime)]
        assert cell.value.date() == dt.date(2026, 2, 3)
        assert cell.number_format == number_format


def test_the_list_is_printable_and_its_heading_frozen() -> None:
    sheet_ = load_workbook(io.BytesIO(write_register_workbook(document()))).active
    assert sheet_.page_setup.orientation == "landscape"
    assert int(sheet_.page_setup.paperSize) == 9  # A4
    assert sheet_.sheet_properties.pageSetUpPr.fitToPage
    assert sheet_.page_setup.fitToWidth == 1
    assert sheet_.freeze_panes is not None
    assert sheet_["A1"].font.bold
    assert "Exemple && fils" in sheet_.oddHeader.left.text  # a literal & is doubled in headers


def test_the_workbook_says_who_made_it() -> None:
    workbook = load_workbook(io.BytesIO(write_register_workbook(document())))
    assert workbook.properties.creator == "Registre"
    assert workbook.properties.title == "Registre"


def test_a_table_workbook_has_a_filterable_frozen_heading() -> None:
    table = Table(groups=(), headings=("Nom", "Pays"), rows=(("Zendesk", "États-Unis"),))
    data = write_table_workbook(document(), table, (20, 20))
    sheet_ = load_workbook(io.BytesIO(data)).active
    assert sheet_.title == "Liste des traitements"
    assert sheet_.freeze_panes == "A5"
    assert sheet_.auto_filter.ref == "A4:B5"
    assert [c.value for c in sheet_[4]] == ["Nom", "Pays"]


def test_long_titles_and_blocks_are_merged_across_the_sheet() -> None:
    workbook = load_workbook(io.BytesIO(write_register_workbook(document((sheet("Paie"),)))))
    summary_ranges = {str(cell_range) for cell_range in workbook.active.merged_cells.ranges}
    assert "A1:I1" in summary_ranges  # the title over the nine columns of the list
    assert "A4:A5" in summary_ranges  # a contact block's title over its two rows
    fiche_ranges = {str(cell_range) for cell_range in workbook["Paie"].merged_cells.ranges}
    assert "A1:G1" in fiche_ranges and "B5:H5" in fiche_ranges  # title; one-column section values


def test_rows_are_tall_enough_for_their_wrapped_text() -> None:
    long_text = "mot " * 200
    section = Section("Finalités", (), (Row("Finalité principale", (long_text,)),))
    data = write_register_workbook(document((Sheet("S", "S", "R", (section,)),)))
    fiche = load_workbook(io.BytesIO(data))["S"]
    assert fiche.row_dimensions[5].height > 3 * 13
