"""The format-independent layout."""

from __future__ import annotations

from registre.core.documents.layout import Row, Section


def test_a_section_without_headings_has_one_value_column() -> None:
    assert Section("Description", (), (Row("Nom", ("x",)),)).width == 1
    assert Section("Destinataires", ("Type", "Précisions"), ()).width == 2
