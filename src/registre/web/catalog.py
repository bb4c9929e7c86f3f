"""The web layer's French catalogs: `locale/fr/LC_MESSAGES/django.po`, an app's own `<app>/locale/...`, compiled.

Django reads only compiled catalogs, and its `compilemessages` needs GNU
gettext, which a fresh machine may lack; Babel (a dependency already) compiles
it instead. Both files are committed; a test fails when the `.mo` is stale.

    python -m registre.web.catalog          # after editing the .po
    # extracting new strings needs GNU gettext (apt-get install gettext):
    cd src/registre/web && django-admin makemessages -l fr --no-location --no-obsolete
"""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

WEB = Path(__file__).resolve().parent
LOCALE = WEB / "locale"


def po_files() -> list[Path]:
    """The shared catalog, then those an app keeps in its own `locale/` (Django reads both)."""
    return sorted(LOCALE.glob("*/LC_MESSAGES/*.po")) + sorted(WEB.glob("*/locale/*/LC_MESSAGES/*.po"))


def compiled_catalog(po_path: Path) -> bytes:
    """The `.mo` bytes of a `.po` file (fuzzy entries left out, as gettext does)."""
    with po_path.open("rb") as source:
        catalog = read_po(source)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def compile_catalogs() -> list[Path]:
    """Write the `.mo` beside every `.po` of the web layer; the files written."""
    written = []
    for po_path in po_files():
        mo_path = po_path.with_suffix(".mo")
        mo_path.write_bytes(compiled_catalog(po_path))
        written.append(mo_path)
    return written


if __name__ == "__main__":
    for path in compile_catalogs():
        print(f"wrote {path}")
