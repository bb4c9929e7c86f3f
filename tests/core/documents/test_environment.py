"""The Jinja environment: translations, escaping, filters."""

from __future__ import annotations

import datetime as dt

from registre.core.documents.environment import (
    css_string,
    environment,
    html_cell,
    markdown_cell,
    markdown_text,
    page_counter_css,
)


def test_templates_translate_fixed_text() -> None:
    template = environment("fr").from_string('{{ _("Retention period") }}')
    assert template.render() == "Durée de conservation"


def test_html_templates_escape_declared_text() -> None:
    html = (
        environment("en")
        .get_template("base.html.j2")
        .render(title="<b>x</b>", author="A & B", date=dt.date(2026, 1, 1))
    )
    assert "&lt;b&gt;x&lt;/b&gt;" in html
    assert "A &amp; B" in html
    assert '<html lang="en">' in html


def test_cells_keep_line_breaks_and_write_dates_in_the_language() -> None:
    assert str(html_cell("a\n<b>", "fr")) == "a<br>&lt;b&gt;"
    assert str(html_cell(dt.date(2026, 1, 2), "fr")) == "2 janvier 2026"
    assert markdown_cell(dt.date(2026, 1, 2), "en") == "2 January 2026"
    assert markdown_cell("a|b\nc", "en") == "a\\|b<br>c"
    assert markdown_cell(None, "en") == ""


def test_markdown_specials_are_escaped() -> None:
    assert markdown_text("*bold* _x_ [link]") == "\\*bold\\* \\_x\\_ \\[link\\]"


def test_css_strings_cannot_break_out_of_the_stylesheet() -> None:
    assert str(css_string('a"b</style>')) == '"a\\"b\\3c /style\\3e "'


def test_page_numbers_are_worded_in_each_language() -> None:
    assert str(page_counter_css("fr")) == '"Page " counter(page) " sur " counter(pages)'
    assert str(page_counter_css("en")) == '"Page " counter(page) " of " counter(pages)'
