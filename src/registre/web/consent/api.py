"""The consent ledger in the REST API (mounted under /api/v1/ by `web.api.api`): the same actions as the console.

A mailer's token needs only `consent.suppressions` (to sync) and `consent.links` (to put a per-recipient
unsubscribe link and its headers in each message); a product's sign-up form records with `consent.record`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from registre.web.api.auth import require_action, token_of
from registre.web.api.problems import error_responses
from registre.web.consent import actions
from registre.web.consent.links import unsubscribe_link
from registre.web.requests.tasks import require_policy

router = Router(tags=["Consent"])
MAX_LINKS = 1000


class SuppressionsQuery(Schema):
    since: dt.datetime | None = Field(None, description="Only withdrawals recorded at or after this time.")
    after: int = Field(0, ge=0, description="The `next` of the previous page.")
    limit: int = Field(500, ge=1, le=5000)


class Suppression(Schema):
    id: int
    email: str
    purpose: str
    method: str
    at: dt.datetime


class SuppressionPage(Schema):
    items: list[Suppression]
    next: int | None = Field(description="Pass as `after` for the next page; null on the last page.")


class ConsentIn(Schema):
    email: str = Field(max_length=254)
    purpose: str = Field(max_length=100, description="The key of an activity on consent or legitimate interest.")
    state: str = Field(description="`given` or `withdrawn`.")
    method: str = Field("api", description="form, email_link, api, import...")
    lang: str = Field("fr", pattern="^(fr|en)$")
    wording_version: str | None = Field(None, max_length=40, description="The wording shown; default: in force.")
    ip_address: str | None = Field(None, max_length=45, description="The person's address: only its hash is kept.")
    user_agent: str | None = Field(None, max_length=300)


class PersonIn(Schema):
    email: str = Field(max_length=254)


class Recipient(Schema):
    email: str = Field(max_length=254)
    purpose: str = Field(max_length=100)
    lang: str = Field("fr", pattern="^(fr|en)$")


class LinksIn(Schema):
    recipients: list[Recipient] = Field(max_length=MAX_LINKS)


class Link(Schema):
    email: str
    purpose: str
    url: str
    headers: dict[str, str]


@router.get(
    "/suppressions",
    response={200: SuppressionPage, **error_responses()},
    url_name="consent_suppressions",
    summary="The suppression list",
)
def suppressions(request: HttpRequest, query: Query[SuppressionsQuery]) -> dict[str, Any]:
    """The opt-outs and withdrawals still in force, oldest first (`consent.suppressions`): the mailer syncs them."""
    require_action(token_of(request), "consent.suppressions")
    items = list(actions.suppressions(query.since, query.after, query.limit))
    return {
        "items": [{"id": e.pk, "email": e.email, "purpose": e.purpose, "method": e.method, "at": e.at} for e in items],
        "next": items[-1].pk if len(items) == query.limit else None,
    }


@router.post(
    "/consents",
    response={201: dict[str, Any], **error_responses(400)},
    url_name="consent_record",
    summary="Record a consent or an opt-out",
)
def record(request: HttpRequest, body: ConsentIn) -> Status[dict[str, Any]]:
    """Record an event in the ledger (`consent.record`); an opt-out is executed on the target databases."""
    token = token_of(request)
    evidence: dict[str, Any] = {"user_agent": body.user_agent or "", "token": token.name[:50]}
    if body.ip_address:
        evidence["ip_hash"] = actions.address_hash(body.ip_address)
    event = actions.record_consent(
        token,
        email=body.email,
        purpose=body.purpose,
        state=body.state,
        method=body.method,
        lang=body.lang,
        wording_version=body.wording_version,
        evidence=evidence,
    )
    return Status(201, actions.event_json(event))


@router.post(
    "/consents/standing",
    response={200: dict[str, Any], **error_responses(400)},
    url_name="consent_standing",
    summary="Where a person stands",
)
def standing(request: HttpRequest, body: PersonIn) -> dict[str, Any]:
    """The person's state for every purpose (`consent.view`); a POST, so that the address stays out of URLs."""
    require_action(token_of(request), "consent.view")
    return {"purposes": [actions.standing_json(item) for item in actions.person_standing(body.email)]}


@router.post(
    "/unsubscribe-links",
    response={200: list[Link], **error_responses(400)},
    url_name="consent_links",
    summary="Unsubscribe links for recipients",
)
def links(request: HttpRequest, body: LinksIn) -> list[dict[str, Any]]:
    """A link and the `List-Unsubscribe` headers for each recipient of a mailing (`consent.links`)."""
    require_action(token_of(request), "consent.links")
    policy = require_policy()
    found = []
    for recipient in body.recipients:
        actions.check_recipient(policy, recipient.email, recipient.purpose)
        link = unsubscribe_link(recipient.email, recipient.purpose, recipient.lang)
        found.append({"email": recipient.email, "purpose": recipient.purpose, **link})
    return found
