"""One date format per language, everywhere: « 2 décembre 2026 », "2 December 2026", 24-hour times."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import translation

from registre.web.console.templatetags.registre_dates import localised_date

MOMENT = dt.datetime(2026, 12, 2, 18, 29)
DAY = dt.date(2026, 12, 2)


@pytest.mark.parametrize(("lang", "day"), [("fr", "2 décembre 2026"), ("en", "2 December 2026")])
@pytest.mark.parametrize("name", ["DATE_FORMAT", "SHORT_DATE_FORMAT"])
def test_every_date_format_of_a_language_is_the_same(lang, day, name):
    with translation.override(lang):
        assert Template(f'{{{{ day|date:"{name}" }}}}').render(Context({"day": DAY})) == day


@pytest.mark.parametrize(("lang", "written"), [("fr", "2 décembre 2026, 18:29"), ("en", "2 December 2026, 18:29")])
def test_times_are_on_24_hours_without_a_dot_too_many(lang, written):
    with translation.override(lang):
        rendered = Template('{{ moment|date:"SHORT_DATETIME_FORMAT" }}').render(Context({"moment": MOMENT}))
    assert rendered == written and "p.m." not in rendered


@pytest.mark.parametrize(("lang", "day"), [("fr", "15 mars 2027"), ("en", "15 March 2027")])
def test_an_iso_date_kept_in_json_is_written_in_words(lang, day):
    with translation.override(lang):
        assert localised_date("2027-03-15") == day and localised_date(None) == ""
