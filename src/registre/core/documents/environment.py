"""The Jinja2 environment of the document templates, one per language.

HTML templates (`*.html.j2`) are autoescaped; Markdown templates
(`*.md.j2`) are not, and escape table cells with the `md_cell` filter.
Every fixed text goes through gettext (`{{ _("...") }}`, newstyle: the
values given as keywords are escaped and interpolated by Jinja).
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache

from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from registre.core.cache import cache_directory, private_directory
from registre.core.documents.dates import format_long_date
from registre.core.documents.layout import Cell
from registre.core.documents.pdf import TEMPLATES_DIR
from registre.core.documents.vocabulary import in_sentence, translator
from registre.core.i18n import get_translations

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]<>|#])")


def render_template(name: str, lang: str, **context: object) -> str:
    """Render the template `name` in `lang` with `context`."""
    return environment(lang).get_template(name).render(**context)


@cache
def environment(lang: str) -> Environment:
    """The environment of `lang`: its catalog installed, its date filters bound."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        bytecode_cache=_bytecode_cache(),
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default_for_string=False),
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.install_gettext_translations(get_translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(lang=lang, page_counter=page_counter_css(lang))
    env.filters.update(
        date=lambda value: format_long_date(value, lang),
        long_date=lambda value: format_long_date(value, lang),
        cell=lambda value: html_cell(value, lang),
        md=markdown_text,
        md_cell=lambda value: markdown_cell(value, lang),
        css_string=css_string,
        in_sentence=in_sentence,
    )
    return env


def _bytecode_cache() -> FileSystemBytecodeCache | None:
    """The templates compiled once and kept for the next processes (compiling them costs more than rendering).

    Jinja checks each entry against the template's source, so an edited template is compiled again.
    Only a folder that no one else may write in is used: Jinja loads code from it.
    """
    folder = private_directory(cache_directory("templates"))
    return FileSystemBytecodeCache(str(folder)) if folder is not None else None


def html_cell(value: Cell, lang: str) -> Markup:
    """A table cell's value in HTML: dates as `lang` writes them, line breaks kept."""
    if isinstance(value, dt.date):
        return Markup(escape(format_long_date(value, lang)))
    lines = (value or "").split("\n")
    return Markup("<br>").join(escape(line) for line in lines)


def markdown_text(value: object) -> str:
    """Text with the characters that Markdown would interpret escaped."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", str(value or ""))


def markdown_cell(value: Cell, lang: str) -> str:
    """A value inside a Markdown table: escaped, line breaks as <br>."""
    if isinstance(value, dt.date):
        return format_long_date(value, lang)
    return "<br>".join(markdown_text(line) for line in (value or "").split("\n"))


def css_string(value: object) -> Markup:
    """A quoted CSS string, safe to place in a stylesheet."""
    text = str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ")
    text = text.replace("<", "\\3c ").replace(">", "\\3e ")
    return Markup(f'"{text}"')


def page_counter_css(lang: str) -> Markup:
    """The CSS `content` of a page number: "Page " counter(page) " sur " counter(pages)."""
    _ = translator(lang)
    text = _("Page %(page)s of %(pages)s")
    parts = re.split(r"(%\(page\)s|%\(pages\)s)", text)
    counters = {"%(page)s": "counter(page)", "%(pages)s": "counter(pages)"}
    return Markup(" ".join(counters.get(part) or css_string(part) for part in parts if part))
