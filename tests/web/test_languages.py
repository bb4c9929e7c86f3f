"""The language of an answer, chosen in a form, is named in the page's language: « Anglais », "French"."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db
PAGES = ["requests:intake", "clients:list", "consent:ledger"]
NAMES = {"fr": {"fr": "Français", "en": "Anglais"}, "en": {"fr": "French", "en": "English"}}


def options(html: str) -> dict[str, str]:
    """The options of the form's language field (`lang` or `language`), by value."""
    select = re.search(r'<select name="(?:lang|language)"[^>]*>(.*?)</select>', html, re.S)
    assert select, "no language field"
    return dict(re.findall(r'<option value="(\w+)"[^>]*>([^<]+)</option>', select.group(1)))


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_language_field_names_each_language_in_the_pages_language(workspace, dpo, client_for, page, lang):
    response = client_for(dpo).get(reverse(page), headers={"accept-language": lang})
    assert response.status_code == 200
    assert options(response.content.decode()) == NAMES[lang]


def test_the_language_switcher_names_each_language_in_itself(workspace, dpo, client_for):
    html = client_for(dpo).get(reverse("clients:list"), headers={"accept-language": "en"}).content.decode()
    assert "Français" in html and "Anglais" not in html
