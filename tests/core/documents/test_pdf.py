"""HTML printed to PDF."""

from __future__ import annotations

import io

from pypdf import PdfReader

from registre.core.documents.pdf import write_pdf


def test_a_standalone_html_page_becomes_a_pdf_with_its_text() -> None:
    html = (
        '<!DOCTYPE html><html lang="fr"><head><title>Essai</title></head>'
        "<body><p>Données à caractère personnel</p></body></html>"
    )
    data = write_pdf(html)
    assert data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    assert "Données à caractère personnel" in reader.pages[0].extract_text()
    assert reader.metadata is not None and reader.metadata.title == "Essai"


def test_page_rules_of_the_page_apply() -> None:
    html = "<html><head><style>@page { size: A4 landscape }</style></head><body>x</body></html>"
    page = PdfReader(io.BytesIO(write_pdf(html))).pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)
