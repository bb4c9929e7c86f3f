"""Unsubscribe links: encrypted, authenticated, one per message."""

from __future__ import annotations

import pytest

from registre.core.consent import ConsentError
from registre.web.consent.links import issue_token, read_token, unsubscribe_link, unsubscribe_url


def test_a_token_stands_for_the_recipient_the_purpose_and_the_language():
    claims = read_token(issue_token(" ada@example.org ", "prospecting", "en"))
    assert (claims.email, claims.purpose, claims.lang) == ("ada@example.org", "prospecting", "en")


def test_the_address_cannot_be_read_from_the_link():
    token = issue_token("ada@example.org", "prospecting")
    assert "ada" not in token and "example" not in token


def test_each_message_gets_its_own_link():
    assert issue_token("ada@example.org", "prospecting") != issue_token("ada@example.org", "prospecting")


def _one_character_changed(token: str) -> str:
    return token[:30] + ("y" if token[30] == "x" else "x") + token[31:]


@pytest.mark.parametrize("change", [lambda t: t[:-3], _one_character_changed, lambda t: "not-a-token"])
def test_a_changed_or_cut_token_does_not_open(change):
    with pytest.raises(ConsentError) as raised:
        read_token(change(issue_token("ada@example.org", "prospecting")))
    assert raised.value.code == "invalid-link"


def test_an_unknown_language_falls_back_to_french():
    assert read_token(issue_token("ada@example.org", "prospecting", "de")).lang == "fr"


def test_a_link_comes_with_the_headers_of_its_message(settings):
    settings.REGISTRE_BASE_URL = "https://privacy.example.com"
    link = unsubscribe_link("ada@example.org", "prospecting")
    assert link["url"].startswith("https://privacy.example.com/privacy/unsubscribe/")
    assert link["headers"] == {
        "List-Unsubscribe": f"<{link['url']}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    assert unsubscribe_url("abc").endswith("/privacy/unsubscribe/abc/")
