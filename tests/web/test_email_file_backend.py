"""REGISTRE_EMAIL_URL=file:///folder writes each email to a file (the end-to-end tests read them)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from registre.web.environment import email_settings


def test_a_file_url_selects_the_file_backend_and_its_folder():
    assert email_settings({"REGISTRE_EMAIL_URL": "file:///tmp/registre-mail"}) == {
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": "/tmp/registre-mail",
    }


def test_a_file_url_needs_a_folder():
    with pytest.raises(ImproperlyConfigured):
        email_settings({"REGISTRE_EMAIL_URL": "file+tls:///tmp"})
