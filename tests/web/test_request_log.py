"""A refusal is one line in the log; the favicon is served on every page."""

from __future__ import annotations

import io
import logging

import pytest
from django.urls import reverse

from registre.web.request_log import RefusalWithoutTraceback

pytestmark = pytest.mark.django_db


def console_handler() -> logging.StreamHandler:  # type: ignore[type-arg]
    for handler in logging.getLogger().handlers:
        if any(isinstance(item, RefusalWithoutTraceback) for item in handler.filters):
            return handler  # type: ignore[return-value]
    raise AssertionError("the console handler of LOGGING is not installed")


def test_a_403_is_logged_in_one_line_without_a_traceback(agent, client_for):
    handler = console_handler()
    stream, handler.stream = handler.stream, io.StringIO()
    try:
        assert client_for(agent).get(reverse("audit:list")).status_code == 403
        written = handler.stream.getvalue()
    finally:
        handler.stream = stream
    assert "Forbidden" in written
    assert "Traceback" not in written and "PermissionDenied" not in written


def test_a_server_error_keeps_its_traceback():
    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "boom", None, None)
    record.status_code = 500
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        import sys

        record.exc_info = sys.exc_info()
    assert RefusalWithoutTraceback().filter(record) and record.exc_info is not None


@pytest.mark.parametrize("path", ["/favicon.ico"])
def test_the_favicon_is_found(client_for, path):
    response = client_for(None).get(path, follow=True)
    assert response.status_code == 200
    assert b"<svg" in b"".join(response.streaming_content) if response.streaming else b"<svg" in response.content


def test_every_page_links_its_icon(client_for):
    page = client_for(None).get(reverse("portal:home")).content.decode()
    assert 'rel="icon"' in page
