"""HTML documents printed to PDF with WeasyPrint.

The templates carry their own print stylesheet (A4, margins, running header
with the organisation and date, page numbers): this module only prints.
"""

from __future__ import annotations

from pathlib import Path

TEMPLATES_DIR = Path(__file__).parent / "templates"


def write_pdf(html: str) -> bytes:
    """The PDF of a standalone HTML document (relative URLs resolve to the templates folder)."""
    # WeasyPrint loads Pango, HarfBuzz and the fonts when imported (about a second): it is imported
    # on the first PDF, so that every command and job that prints none does not pay for it.
    from weasyprint import HTML

    pdf = HTML(string=html, base_url=str(TEMPLATES_DIR)).write_pdf()
    if pdf is None:  # only when a target file is given
        raise RuntimeError("WeasyPrint returned no PDF")
    return bytes(pdf)
