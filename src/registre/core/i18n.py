"""Languages, localized text and the gettext catalogs of the product.

Registre speaks French and English. Text declared by users (a purpose, a
label) is a `Localized` value holding both; text written by us lives in the
gettext catalogs under `core/locale/<lang>/LC_MESSAGES/registre.po`, read
directly from the `.po` files so that no compiled artefact is kept in git.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path
from typing import Literal

from babel.support import Translations
from pydantic import BaseModel, ConfigDict, model_validator

from registre.core.cache import cache_directory, keep, private_directory

Lang = Literal["fr", "en"]
LANGUAGES: tuple[Lang, ...] = ("fr", "en")
LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "registre"


class Localized(BaseModel):
    """A text in French and English; a plain string is taken for both."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    fr: str | None = None
    en: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_plain_string(cls, value: object) -> object:
        if isinstance(value, str):
            return {"fr": value, "en": value}
        return value

    @model_validator(mode="after")
    def _needs_one_language(self) -> Localized:
        if not ((self.fr or "").strip() or (self.en or "").strip()):
            raise ValueError("give the text in at least one language (fr, en)")
        return self

    def get(self, lang: str) -> str:
        """The text in `lang`, falling back to the other language."""
        if lang == "en":
            return self.en or self.fr or ""
        return self.fr or self.en or ""

    def __str__(self) -> str:
        return self.get("en")


@cache
def get_translations(lang: str) -> Translations:
    """The gettext catalog for `lang` (English is the source language).

    Compiled from the `.po` file, and the compiled catalog kept in Registre's cache folder, named by the
    `.po` file's size and time (parsing the `.po` file costs a command a tenth of its start).
    """
    po_path = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not po_path.exists():
        return Translations()
    stat = po_path.stat()
    folder = private_directory(cache_directory("catalogs"))
    compiled = folder / f"{DOMAIN}-{lang}-{stat.st_size}-{stat.st_mtime_ns}.mo" if folder is not None else None
    if compiled is not None and compiled.exists():
        with compiled.open("rb") as mo_file:
            return Translations(fp=mo_file, domain=DOMAIN)
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=lang)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    if compiled is not None:
        keep(compiled, buffer.getvalue())
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


def gettext(lang: str, message: str) -> str:
    """Translate one message of the catalogs into `lang`."""
    return str(get_translations(lang).gettext(message))


def ngettext(lang: str, singular: str, plural: str, n: int) -> str:
    """Translate a message with a count into `lang`."""
    return str(get_translations(lang).ngettext(singular, plural, n))
