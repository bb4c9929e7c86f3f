"""Response headers that Django 5.2 does not set by itself: Content-Security-Policy and Permissions-Policy.

The policy is read from `SECURE_CSP`, in the shape of Django 6's setting
(directive -> list of sources), so that moving to Django 6 means replacing
this middleware by `django.middleware.csp.ContentSecurityPolicyMiddleware`.
The console has no inline script or style: htmx is a static file.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def content_security_policy(directives: dict[str, list[str]]) -> str:
    """`{"default-src": ["'self'"]}` -> `default-src 'self'`."""
    return "; ".join(" ".join([name, *sources]) for name, sources in directives.items())


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = content_security_policy(settings.SECURE_CSP)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        response.headers.setdefault("Permissions-Policy", settings.REGISTRE_PERMISSIONS_POLICY)
        return response


def client_address(request: HttpRequest) -> str:
    """The client's IP address: REMOTE_ADDR, or, behind REGISTRE_TRUSTED_PROXIES proxies, X-Forwarded-For.

    Each trusted proxy appends the address it received from: the client is the
    entry that many places from the right; anything further left can be forged.
    """
    hops = settings.REGISTRE_TRUSTED_PROXIES
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if hops and len(forwarded) >= hops:
        return forwarded[-hops]
    return str(request.META.get("REMOTE_ADDR", ""))
