"""The headers of a one-click unsubscribe, and the Global Privacy Control document."""

from __future__ import annotations

import datetime as dt

from registre.core.consent import gpc_document, unsubscribe_headers


def test_a_message_gets_the_one_click_headers_of_rfc_8058():
    headers = unsubscribe_headers("https://privacy.example.com/privacy/unsubscribe/abc/")
    assert headers == {
        "List-Unsubscribe": "<https://privacy.example.com/privacy/unsubscribe/abc/>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def test_a_mailto_address_is_offered_after_the_link():
    headers = unsubscribe_headers("https://x.example/u/1/", mailto="unsubscribe@x.example")
    assert headers["List-Unsubscribe"] == "<https://x.example/u/1/>, <mailto:unsubscribe@x.example?subject=unsubscribe>"


def test_the_gpc_document_says_the_signal_is_honoured_since_the_policy_applies():
    assert gpc_document(dt.date(2026, 1, 1)) == {"gpc": True, "lastUpdate": "2026-01-01"}
    assert gpc_document(None) == {"gpc": True}
