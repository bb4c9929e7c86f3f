"""The French catalog of the web layer: complete, and compiled."""

from __future__ import annotations

import io

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from registre.web.catalog import LOCALE, compiled_catalog, po_files

PO = LOCALE / "fr" / "LC_MESSAGES" / "django.po"


def translations(mo: bytes) -> dict[object, object]:
    """Message id (with its context) to translation, leaving out the header, which names Babel's version."""
    frozen = lambda value: tuple(value) if isinstance(value, list | tuple) else value  # noqa: E731
    catalog = read_mo(io.BytesIO(mo))
    return {(message.context, frozen(message.id)): frozen(message.string) for message in catalog if message.id}


CATALOGS = po_files()


def test_the_shared_catalog_and_the_apps_own_are_found():
    assert CATALOGS[0] == PO and len(CATALOGS) >= 2


@pytest.mark.parametrize("po", CATALOGS, ids=lambda path: path.parent.parent.parent.parent.name)
def test_the_compiled_catalog_is_up_to_date_with_the_po_file(po):
    committed = translations(po.with_suffix(".mo").read_bytes())
    assert committed == translations(compiled_catalog(po)), "run: python -m registre.web.catalog"


@pytest.mark.parametrize("po", CATALOGS, ids=lambda path: path.parent.parent.parent.parent.name)
def test_every_message_has_a_french_translation(po):
    with po.open("rb") as source:
        catalog = read_po(source)
    strings = lambda message: message.string if isinstance(message.string, tuple) else (message.string,)  # noqa: E731
    untranslated = [message.id for message in catalog if message.id and not all(strings(message))]
    fuzzy = [message.id for message in catalog if message.id and message.fuzzy]
    assert not untranslated and not fuzzy


def test_french_translations_use_the_typographic_apostrophe():
    with PO.open("rb") as source:
        catalog = read_po(source)
    straight = [
        message.id
        for message in catalog
        if message.id
        for text in (message.string if isinstance(message.string, tuple) else (message.string,))
        if "'" in (text or "")
    ]
    assert straight == [], "write ’ in French, not '"
