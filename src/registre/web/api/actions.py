"""The changes of state that the API adds to those of `requests.actions`: a request filed by an API token.

    request, status_token = file_request(token, kind="access", email="ada@example.org")

A token with `requests.create` files requests (channel "api"); the person then confirms their email
as on the portal (a link and a code). A token that also carries `requests.create_verified` vouches
for the identities it sends (the product's own logged-in account): the request is verified at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_noop

from registre.web.accounts.models import ApiToken
from registre.web.accounts.permissions import can, require
from registre.web.api.models import Intake
from registre.web.audit.actions import Actor
from registre.web.clients.models import Client
from registre.web.portal.actions import issue_challenge
from registre.web.requests.actions import (
    create_request,
    issue_status_token,
    start_verification,
    verify_identity,
)
from registre.web.requests.models import DataRequest


def file_request(
    token: ApiToken,
    *,
    kind: str,
    email: str,
    name: str = "",
    identities: Mapping[str, str] | None = None,
    details: Mapping[str, Any] | None = None,
    lang: str = "fr",
    tenant: str | None = None,
    received_at: dt.datetime | None = None,
) -> tuple[DataRequest, str | None]:
    """Record a request filed by `token` (`requests.create`); (the request, its status token if verified).

    - With `requests.create_verified`, every identity is taken as verified and the request moves on at
      once (planned, forwarded or honoured as `verify_identity` does); the private status token is returned.
    - Without it, the person receives the portal's verification email; the status link reaches them when
      they confirm. TooManyChallenges (nothing recorded) when their address asked too often this hour.
    - `tenant`: processor mode, the client whose data it concerns. ValueError when unknown.
    """
    require(token, "requests.create")
    vouched = can(token, "requests.create_verified")
    client = _client(tenant)
    # The token was checked above for what the API allows (requests.create, not requests.handle):
    # the actions below record it as the actor, by name, in the timeline and the audit log.
    actor = Actor.of(token)
    with transaction.atomic():
        request = create_request(
            kind=kind,
            channel="api",
            email=email,
            actor=actor,
            name=name,
            identities={key: value for key, value in (identities or {}).items() if key != "email"},
            details=details,
            lang=lang,
            client=client,
            received_at=received_at,
        )
        Intake.objects.create(request=request, token=token, verified_by_token=vouched)
        if not vouched:
            start_verification(
                request, "system", gettext_noop("A link and a code were sent to the person's email address.")
            )
            issue_challenge(request)
    if not vouched:
        return request, None
    verify_identity(request, actor, method="manual", note=gettext_noop("Verified by the product's own account."))
    request.refresh_from_db()
    return request, issue_status_token(request)


def _client(tenant: str | None) -> Client | None:
    if not tenant:
        return None
    client = Client.objects.filter(tenant=tenant).first()
    if client is None:
        raise ValueError(f"no client has the tenant {tenant!r}")
    return client
