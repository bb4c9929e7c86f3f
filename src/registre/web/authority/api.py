"""The register of authority requests in the REST API (/api/v1/authority-requests).

Mounted on the API of `registre.web.api.api`; each operation checks the token's action with `require`
(on the request, within the token owner's client scope) and calls `authority.actions`, as the console's
views do. A request outside the scope is 404: a client-restricted token learns nothing of other clients.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from registre.web.accounts.permissions import can, require
from registre.web.api.auth import token_of
from registre.web.api.pages import MAX_OFFSET, page_of
from registre.web.api.problems import error_responses
from registre.web.api.schemas import Strict
from registre.web.authority import actions
from registre.web.authority.models import AuthorityRequest, within_scope
from registre.web.clients.models import Client

router = Router(tags=["Authority requests"])
StatusName = Literal["received", "disclosed", "refused"]


class DisclosedOut(Schema):
    reference: str = Field(description="A `system.dataset` reference of the policy.")
    rows: int


class AuthorityRequestOut(Schema):
    reference: str
    authority: str
    authority_reference: str
    legal_basis: str
    received_at: dt.datetime
    data_requested: str
    compelled: bool
    gag_until: dt.date | None = Field(description="Telling the client or the person is forbidden until this day.")
    gag_basis: str
    person_named: bool = Field(description="Whether a person is named (their identity is never returned).")
    client: str | None = Field(description="The tenant of the client concerned.")
    status: StatusName
    planned: list[DisclosedOut]
    disclosed: list[DisclosedOut]
    disclosed_at: dt.datetime | None
    refusal: str
    client_told_at: dt.datetime | None
    person_told_at: dt.datetime | None
    hold: str | None = Field(description="The reference of the case hold preserving the data.")


class AuthorityRequestPage(Schema):
    items: list[AuthorityRequestOut]
    count: int = Field(description="How many requests match, in all.")
    limit: int
    offset: int


class AuthorityRequestIn(Strict):
    authority: str = Field(min_length=1, max_length=200)
    legal_basis: str = Field(min_length=1, max_length=300)
    data_requested: str = Field(min_length=1)
    compelled: bool = Field(description="Whether the company is legally compelled to answer.")
    received_at: dt.datetime | None = None
    authority_reference: str = Field("", max_length=100)
    gag_until: dt.date | None = None
    gag_basis: str = Field("", max_length=300, description="Required with `gag_until`.")
    email: str = Field("", max_length=254, description="The e-mail address of the person concerned, if any.")
    client: str | None = Field(None, description="The tenant of the client whose data are asked for.")


class AuthorityRefusalIn(Strict):
    reason: str = Field(min_length=1)


def request_body(found: AuthorityRequest) -> dict[str, Any]:
    fields = ("reference", "authority", "authority_reference", "legal_basis", "received_at", "data_requested")
    more = ("compelled", "gag_until", "gag_basis", "status", "planned", "disclosed", "disclosed_at", "refusal")
    return {
        **{name: getattr(found, name) for name in fields + more},
        "person_named": bool(found.subject_ref),
        "client": found.client.tenant if found.client else None,
        "client_told_at": found.client_told_at,
        "person_told_at": found.person_told_at,
        "hold": found.hold.reference if found.hold else None,
    }


def visible(request: HttpRequest, reference: str, action: str) -> AuthorityRequest:
    """The request `reference` the token may `action`: 404 when unknown or out of its scope, else 403."""
    token = token_of(request)
    found = AuthorityRequest.objects.select_related("client", "hold").filter(reference=reference).first()
    if found is None or not can(token.owner, "authority.view", found):
        raise Http404(reference)
    require(token, action, found)
    return found


@router.get(
    "",
    response={200: AuthorityRequestPage, **error_responses()},
    url_name="authority_list",
    summary="List authority requests",
)
def authority_list(
    request: HttpRequest,
    status: list[StatusName] | None = Query(None, description="Only these statuses (repeat the parameter)."),  # noqa: B008
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
) -> dict[str, Any]:
    """The register within the token owner's scope, most recent first (`authority.view`)."""
    token = token_of(request)
    require(token, "authority.view")
    found = within_scope(AuthorityRequest.objects.select_related("client", "hold"), token.owner)
    if status:
        found = found.filter(status__in=status)
    return page_of(found, request_body, limit=limit, offset=offset)


@router.post(
    "",
    response={201: AuthorityRequestOut, **error_responses(400)},
    url_name="authority_create",
    summary="Record an authority request",
)
def authority_create(request: HttpRequest, body: AuthorityRequestIn) -> Status[dict[str, Any]]:
    """Record a request about a person, a client's data, or both (`authority.manage`, on the client)."""
    data = body.dict()
    if data["email"]:
        try:
            validate_email(data["email"])
        except ValidationError:
            raise ValueError("not a valid e-mail address") from None
    tenant = data.pop("client")
    client = Client.objects.filter(tenant=tenant).first() if tenant else None
    if tenant and client is None:
        raise ValueError("no client has this tenant")
    found = actions.record_request(token_of(request), **data, client=client)
    return Status(201, request_body(found))


@router.get(
    "/{reference}",
    response={200: AuthorityRequestOut, **error_responses(404)},
    url_name="authority_detail",
    summary="Read an authority request",
)
def authority_detail(request: HttpRequest, reference: str) -> dict[str, Any]:
    return request_body(visible(request, reference, "authority.view"))


def step(path: str, name: str, summary: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """`POST /{reference}/<path>`: one step of the request, answered with the request."""
    return router.post(
        f"/{{reference}}/{path}",
        response={200: AuthorityRequestOut, **error_responses(400, 404)},
        url_name=f"authority_{name}",
        summary=summary,
    )


@step("plan", "plan", "Count the person's data")
def authority_plan(request: HttpRequest, reference: str) -> dict[str, Any]:
    """Count the person's rows per dataset with the engine's access plan (`authority.manage`)."""
    return request_body(actions.plan_disclosure(visible(request, reference, "authority.manage"), token_of(request)))


@step("disclose", "disclose", "Record the disclosure")
def authority_disclose(request: HttpRequest, reference: str) -> dict[str, Any]:
    """Record that the planned data were handed over; refused unless legally compelled (`authority.manage`)."""
    return request_body(actions.disclose(visible(request, reference, "authority.manage"), token_of(request)))


@step("refuse", "refuse", "Refuse to answer")
def authority_refuse(request: HttpRequest, reference: str, body: AuthorityRefusalIn) -> dict[str, Any]:
    """Refuse to answer, with the reason (`authority.manage`)."""
    found = visible(request, reference, "authority.manage")
    return request_body(actions.refuse(found, token_of(request), reason=body.reason))


@step("client-notice", "tell_client", "Tell the client")
def authority_tell_client(request: HttpRequest, reference: str) -> dict[str, Any]:
    """E-mail the client, in its language; refused while the prohibition runs (`authority.manage`)."""
    return request_body(actions.tell_client(visible(request, reference, "authority.manage"), token_of(request)))


@step("person-told", "person_told", "Record that the person was told")
def authority_person_told(request: HttpRequest, reference: str) -> dict[str, Any]:
    """Record that the person was told; refused while the prohibition runs (`authority.manage`)."""
    found = visible(request, reference, "authority.manage")
    return request_body(actions.record_person_told(found, token_of(request)))


@step("hold", "hold", "Preserve the data")
def authority_hold(request: HttpRequest, reference: str) -> dict[str, Any]:
    """Place a case hold on the person and the client's tenant (`authority.manage` and `retention.hold`)."""
    return request_body(actions.hold_data(visible(request, reference, "authority.manage"), token_of(request)))
