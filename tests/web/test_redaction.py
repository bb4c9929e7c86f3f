"""No personal data or secret reaches the logs."""

from __future__ import annotations

import logging
import sys

from registre.web.redaction import RedactPersonalData, redact


def test_it_redacts_email_addresses():
    assert redact("mail for Ada.Lovelace+x@exemple.fr failed") == "mail for [email] failed"


def test_it_redacts_tokens_and_credentials():
    assert "rgt_" not in redact("Authorization: Bearer rgt_AbC123dEf456GhI789jKl012MnO345")
    assert redact("GET /status/?token=abc123") == "GET /status/?token=[token]"
    assert redact("password=hunter2 next") == "password=[token] next"
    assert redact("Not Found: /requests/k3J9vQ2xT7pL5mN8rB4wZ1yC6/") == "Not Found: /requests/[token]/"
    assert redact("key gAAAAABnZ3xYz9Q8r7T6s5U4v3W2x1Y0z==") == "key [token]"


def test_it_keeps_ordinary_words_and_digests():
    digest = "a" * 63 + "1"
    assert redact(f"entry 12 of request 42 hash {digest}") == f"entry 12 of request 42 hash {digest}"
    assert redact("registre.web.audit.actions verify_chain_of_everything") == (
        "registre.web.audit.actions verify_chain_of_everything"
    )


def test_the_filter_redacts_arguments_and_tracebacks():
    try:
        raise ValueError("duplicate key (email)=(ada@exemple.fr)")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "user %s", ("bob@exemple.fr",), sys.exc_info())
    assert RedactPersonalData().filter(record)
    assert record.getMessage() == "user [email]"
    assert "ada@exemple.fr" not in record.exc_text
    assert "ValueError: duplicate key" in record.exc_text


def test_the_project_logging_redacts_through_every_handler(caplog):
    handler = logging.getLogger().handlers[0]
    assert any(isinstance(f, RedactPersonalData) for f in handler.filters)
