"""Who calls the API: a staff API token (`Authorization: Bearer rgt_...`), and what it may reach.

A token may do an action when it was given the action and its owner may do it now (`can`), on
requests within the owner's scope. Revoked tokens and tokens of inactive owners authenticate as
nothing (401). Each authenticated call counts against the token's rate limit.
"""

from __future__ import annotations

import uuid

from django.db.models import Q
from django.http import Http404, HttpRequest
from ninja.security import HttpBearer

from registre.web.accounts.actions import authenticate_token
from registre.web.accounts.models import ApiToken
from registre.web.accounts.permissions import can, require
from registre.web.api.models import Intake
from registre.web.api.ratelimit import limit_token
from registre.web.requests.models import DataRequest


class StaffToken(HttpBearer):
    """An active API token, from the bearer header; counted against REGISTRE_API_RATE_PER_TOKEN."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = authenticate_token(token)
        if found is not None:
            limit_token(found.pk)
        return found


def token_of(request: HttpRequest) -> ApiToken:
    token = request.auth  # type: ignore[attr-defined]
    assert isinstance(token, ApiToken)
    return token


def require_action(token: ApiToken, action: str, obj: DataRequest | None = None) -> None:
    """PermissionDenied (403) unless the token may do `action` (on `obj`, within its owner's scope)."""
    require(token, action, obj)


def lookup(identifier: str) -> Q:
    """A request by its public id (a UUID, as the intake returns it) or its reference (R-2026-0042)."""
    try:
        return Q(public_id=uuid.UUID(identifier))
    except ValueError:
        return Q(reference=identifier)


def filed_by(request: DataRequest, token: ApiToken) -> bool:
    """Whether `token` filed the request through the API (product intake or OpenGDPR)."""
    return Intake.objects.filter(request=request, token=token).exists()


def staff_request(token: ApiToken, identifier: str, action: str) -> DataRequest:
    """The request named `identifier`, which the token may `action`: 404 when unknown or out of scope, else 403."""
    request = DataRequest.objects.select_related("client").filter(lookup(identifier)).first()
    if request is None or not can(token.owner, "requests.view", request):
        raise Http404(identifier)
    require_action(token, action, request)
    return request


def readable_request(token: ApiToken, identifier: str) -> tuple[DataRequest, bool]:
    """A request the token may view as staff, or filed; (the request, whether the token reads it as staff).

    Staff tokens need `requests.view` on the request (within the owner's scope); a token that filed the
    request reads it with `requests.create`. Anything else is 404: a product learns nothing of other requests.
    """
    request = DataRequest.objects.select_related("client").filter(lookup(identifier)).first()
    if request is None:
        raise Http404(identifier)
    if can(token, "requests.view", request):
        return request, True
    if not filed_by(request, token):
        raise Http404(identifier)
    require_action(token, "requests.create")
    return request, False
