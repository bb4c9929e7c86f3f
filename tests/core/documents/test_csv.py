"""CSV files that Excel opens right in French and in English."""

from __future__ import annotations

import csv
import datetime as dt
import io

from registre.core.documents.csv import csv_delimiter, write_csv


def read(data: bytes, lang: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=csv_delimiter(lang)))


def test_french_files_use_semicolons_and_a_byte_order_mark() -> None:
    data = write_csv(["Nom", "Durée"], [["Clients", "5 ans; puis suppression"]], "fr")
    assert data.startswith(b"\xef\xbb\xbf")
    assert read(data, "fr") == [["Nom", "Durée"], ["Clients", "5 ans; puis suppression"]]
    assert b"Nom;Dur" in data


def test_english_files_use_commas_and_a_byte_order_mark() -> None:
    data = write_csv(["Name", "Period"], [["Customers, prospects", "5 years"]], "en")
    assert data.startswith(b"\xef\xbb\xbf")
    assert read(data, "en") == [["Name", "Period"], ["Customers, prospects", "5 years"]]


def test_dates_are_written_as_the_language_writes_them() -> None:
    assert read(write_csv(["Date"], [[dt.date(2026, 3, 1)]], "fr"), "fr")[1] == ["01/03/2026"]
    assert read(write_csv(["Date"], [[dt.date(2026, 3, 1)]], "en"), "en")[1] == ["2026-03-01"]


def test_a_cell_that_looks_like_a_formula_stays_text() -> None:
    rows = read(write_csv(["A", "B", "C"], [["=HYPERLINK(1)", "@SUM(A1)", None]], "en"), "en")
    assert rows[1] == ["'=HYPERLINK(1)", "'@SUM(A1)", ""]


def test_line_breaks_inside_a_cell_survive_a_round_trip() -> None:
    assert read(write_csv(["A"], [["one\ntwo"]], "fr"), "fr")[1] == ["one\ntwo"]
