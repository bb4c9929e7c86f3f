"""Sign-in through the company's identity provider (OpenID Connect), when REGISTRE_OIDC_CLIENT_ID is set.

SOURCES 12: staff reach personal data "under an access-management policy and a central identity system". The
provider proves who the person is; Registre decides what they may do. So the person is matched by the e-mail
address the provider vouches for to one existing staff account, whose role and scope apply; nobody is ever
created here, and a person unknown to Registre, a deactivated account or an authorised person whose mission has
ended is refused with a page that says why. Every sign-in and every refusal is an audit entry.

mozilla-django-oidc runs the authorisation-code flow (state, nonce, PKCE) and checks the ID token's signature
against the provider's keys; it checks neither the audience nor the issuer, which `StaffOIDCBackend` adds.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render, resolve_url
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from registre.web.audit.actions import Actor, record

REFUSALS = ("unknown", "ambiguous", "inactive", "mission_ended", "unverified_email", "failed")


class Refused(SuspiciousOperation):
    """A person the provider vouches for, whom Registre does not let in; `code` is one of REFUSALS."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class StaffOIDCBackend(OIDCAuthenticationBackend):  # type: ignore[misc]
    """Authenticate a staff member through the provider: one active account with the e-mail it vouches for."""

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        """The library's check of the signature and the nonce, then the ID token's audience and issuer
        (OpenID Connect Core 3.1.3.7: a token made for another client, or by another issuer, is refused)."""
        payload: dict[str, Any] = super().verify_token(token, **kwargs)
        if "nonce" in kwargs:  # the ID token (the userinfo answer, when signed, carries no nonce)
            audience = payload.get("aud")
            audiences = audience if isinstance(audience, list) else [audience]
            if self.OIDC_RP_CLIENT_ID not in audiences:
                raise SuspiciousOperation("the ID token was issued for another client")
            if payload.get("iss") != settings.REGISTRE_OIDC_ISSUER:
                raise SuspiciousOperation("the ID token comes from another issuer")
        return payload

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> User | None:
        """The staff account of the e-mail the provider vouches for; None (and an audit entry) when refused."""
        claims = self.get_userinfo(access_token, id_token, payload)
        try:
            user = staff_account(claims)
        except Refused as refusal:
            self.request.oidc_refusal = refusal.code
            record(Actor.system(), "accounts.oidc_refused", details={"reason": refusal.code})
            return None
        record(user, "accounts.oidc_signed_in", details={"user_id": user.pk})
        return user

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:
        try:
            return super().authenticate(request, **kwargs)  # type: ignore[no-any-return]
        except SuspiciousOperation:
            # A forged, expired or misdirected token: refused like an unknown person, without saying more.
            if request is not None:
                request.oidc_refusal = "failed"  # type: ignore[attr-defined]
                record(Actor.system(), "accounts.oidc_refused", details={"reason": "failed"})
            return None


def staff_account(claims: dict[str, Any]) -> User:
    """The one active staff account whose e-mail the provider vouches for. Raises Refused.

    1. The provider must vouch for the address (`email_verified` not false).
    2. Exactly one account has it (case-insensitive): none is `unknown`, two are `ambiguous`.
    3. The account is active, and if it belongs to an authorised person, their mission has not ended.
    """
    email = str(claims.get("email") or "").strip()
    if not email or claims.get("email_verified") is False:
        raise Refused("unverified_email")
    users = list(User.objects.filter(email__iexact=email)[:2])
    if not users:
        raise Refused("unknown")
    if len(users) > 1:
        raise Refused("ambiguous")
    user = users[0]
    if not user.is_active:
        raise Refused("inactive")
    person = getattr(user, "authorisation", None)
    if person is not None and person.mission_ended_on is not None:
        raise Refused("mission_ended")
    return user


def refusal_message(code: str) -> str:
    messages = {
        "unknown": _(
            "Your identity provider signed you in, but Registre has no staff account with your e-mail address. "
            "Ask an administrator of Registre to create one: accounts are never created at sign-in."
        ),
        "ambiguous": _("Several staff accounts have your e-mail address: ask an administrator of Registre to fix it."),
        "inactive": _("Your staff account is deactivated."),
        "mission_ended": _("Your mission as an authorised person has ended: your access to the console ended with it."),
        "unverified_email": _("Your identity provider did not confirm your e-mail address."),
    }
    return messages.get(
        code, _("The sign-in through your identity provider failed. Try again, or log in with your password.")
    )


class _Enabled:
    """The provider's pages exist only when sign-in through it is configured."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.REGISTRE_OIDC_ENABLED:
            raise Http404("OpenID Connect is not configured")
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc, no-any-return]


class SignInView(_Enabled, OIDCAuthenticationRequestView):  # type: ignore[misc]
    """Send the browser to the provider (state, nonce and PKCE kept in the session)."""


class CallbackView(_Enabled, OIDCAuthenticationCallbackView):  # type: ignore[misc]
    """Back from the provider: sign in, or say why not."""

    @property
    def failure_url(self) -> str:
        reason = getattr(self.request, "oidc_refusal", "failed")
        return f"{resolve_url(settings.LOGIN_REDIRECT_URL_FAILURE)}?{urlencode({'reason': reason})}"


def refused(request: HttpRequest) -> HttpResponse:
    """The page of a refused sign-in: why, in the person's language."""
    reason = request.GET.get("reason", "failed")
    context = {"message": refusal_message(reason if reason in REFUSALS else "failed")}
    return render(request, "accounts/oidc_refused.html", context, status=403)
