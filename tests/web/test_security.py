"""Security headers, cookies, CSRF, and the client address behind proxies."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from registre.web.security import client_address, content_security_policy


@pytest.fixture
def login_page(db):
    return Client().get(reverse("accounts:login"))


def test_pages_carry_a_strict_content_security_policy(login_page):
    policy = login_page["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self';" in policy
    assert "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_pages_carry_the_other_security_headers(login_page):
    assert login_page["X-Frame-Options"] == "DENY"
    assert login_page["X-Content-Type-Options"] == "nosniff"
    assert login_page["Referrer-Policy"] == "same-origin"
    assert login_page["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in login_page["Permissions-Policy"]


def test_pages_have_no_inline_script_or_style(login_page):
    html = login_page.content.decode()
    assert "<script>" not in html and "<style" not in html and " style=" not in html
    assert 'src="/static/registre/htmx.min.js"' in html


def test_the_session_cookie_is_http_only(db, admin):
    client = Client()
    client.post(reverse("accounts:login"), {"username": "admin", "password": "pw"})
    assert client.cookies["sessionid"]["httponly"]


@pytest.mark.django_db
@override_settings(SECURE_HSTS_SECONDS=31536000)
def test_hsts_is_sent_over_https():
    response = Client().get(reverse("health"), secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_forms_refuse_a_post_without_the_csrf_token(db, admin):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"username": "admin", "password": "pw"})
    assert response.status_code == 403


def test_the_static_files_are_served_by_the_application(db):
    response = Client().get("/static/registre/console.css")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"/* Registre console")


def test_a_policy_is_written_as_directives():
    assert content_security_policy({"default-src": ["'self'"], "img-src": ["'self'", "data:"]}) == (
        "default-src 'self'; img-src 'self' data:"
    )


@pytest.mark.parametrize(
    ("proxies", "forwarded", "address"),
    [
        (0, "6.6.6.6", "10.0.0.1"),
        (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),
        (2, "203.0.113.7, 10.0.0.2", "203.0.113.7"),
    ],
)
def test_the_client_address_trusts_only_the_configured_proxies(settings, proxies, forwarded, address):
    settings.REGISTRE_TRUSTED_PROXIES = proxies
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR="10.0.0.1")
    assert client_address(request) == address
