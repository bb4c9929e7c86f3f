"""The French catalog covers every message of the documents."""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from registre.core.i18n import LOCALE_DIR

TEMPLATE = LOCALE_DIR / "registre.pot"
FRENCH = LOCALE_DIR / "fr" / "LC_MESSAGES" / "registre.po"
NBSP = "\u00a0"


def read(path: Path) -> Catalog:
    with path.open("rb") as file:
        return read_po(file, locale="fr" if path == FRENCH else None)


def test_every_message_of_the_template_has_a_french_translation() -> None:
    french = read(FRENCH)
    missing = [
        message.id
        for message in read(TEMPLATE)
        if message.id and (french.get(message.id) is None or not all(_strings(french.get(message.id).string)))
    ]
    assert missing == []


def test_no_french_translation_is_fuzzy() -> None:
    assert [message.id for message in read(FRENCH) if message.id and message.fuzzy] == []


def test_french_has_two_plural_forms() -> None:
    assert read(FRENCH).num_plurals == 2


def test_french_puts_a_non_breaking_space_before_double_punctuation() -> None:
    wrong = []
    for message in read(FRENCH):
        for text in _strings(message.string) if message.id else ():
            for mark in (":", ";", "?", "!"):
                if f" {mark}" in text:
                    wrong.append(text)
    assert wrong == []


def test_french_uses_the_typographic_apostrophe() -> None:
    straight = [text for message in read(FRENCH) for text in _strings(message.string) if message.id and "'" in text]
    assert straight == [], "write ’ in French, not '"


def _strings(value: str | tuple[str, ...]) -> tuple[str, ...]:
    return value if isinstance(value, tuple) else (value,)
