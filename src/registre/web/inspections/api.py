"""Audits by clients and the authority in the REST API (/api/v1/inspections).

Mounted on the API of `registre.web.api.api`; each operation checks the token's action with `require`
(on the audit or its client, within the token owner's scope) and calls `inspections.actions`, as the
console's views do. An audit outside the scope is 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from registre.web.accounts.permissions import can, require
from registre.web.api.auth import token_of
from registre.web.api.pages import MAX_OFFSET, page_of
from registre.web.api.problems import error_responses
from registre.web.api.schemas import Strict
from registre.web.clients.models import Client
from registre.web.inspections import actions
from registre.web.inspections.models import Inspection, within_scope

router = Router(tags=["Audits"])


class AuditPackageOut(Schema):
    sha256: str = Field(description="The SHA-256 of the ZIP kept with the audit.")
    built_at: dt.datetime
    files: list[dict[str, Any]] = Field(description="The manifest's files: name, sha256, size.")


class InspectionOut(Schema):
    reference: str
    by: Literal["client", "authority"]
    client: str | None = Field(description="The client's tenant, for a client's audit.")
    trigger: Literal["routine", "breach", "authority"]
    trigger_reference: str
    auditor: str
    scope: str
    requested_on: dt.date
    onsite_on: dt.date
    notice_on: dt.date | None = Field(description="The last day the audit may be notified (none for the authority).")
    status: Literal["scheduled", "done", "cancelled"]
    package: AuditPackageOut | None


class InspectionPage(Schema):
    items: list[InspectionOut]
    count: int = Field(description="How many audits match, in all.")
    limit: int
    offset: int


class InspectionIn(Strict):
    by: Literal["client", "authority"]
    client: str | None = Field(None, description="The client's tenant; required for a client's audit.")
    trigger: Literal["routine", "breach", "authority"] = "routine"
    trigger_reference: str = Field("", max_length=100, description="The breach or demand it follows.")
    auditor: str = Field(min_length=1, max_length=200)
    scope: str = ""
    requested_on: dt.date
    onsite_on: dt.date


class AuditPackageIn(Strict):
    lang: Literal["fr", "en"] = "fr"


class AuditCloseIn(Strict):
    status: Literal["done", "cancelled"]


def inspection_body(found: Inspection) -> dict[str, Any]:
    fields = ("reference", "by", "trigger", "trigger_reference", "auditor", "scope", "requested_on", "onsite_on")
    package = None
    if found.package_sha256 and found.package_built_at is not None:
        package = {
            "sha256": found.package_sha256,
            "built_at": found.package_built_at,
            "files": found.package_manifest.get("files", []),
        }
    return {
        **{name: getattr(found, name) for name in fields},
        "client": found.client.tenant if found.client else None,
        "notice_on": found.notice_on,
        "status": found.status,
        "package": package,
    }


def visible(request: HttpRequest, reference: str, action: str) -> Inspection:
    """The audit the token may `action`: 404 when unknown or out of its scope, else 403."""
    token = token_of(request)
    found = Inspection.objects.select_related("client").filter(reference=reference).first()
    if found is None or not can(token.owner, "inspections.view", found):
        raise Http404(reference)
    require(token, action, found)
    return found


@router.get("", response={200: InspectionPage, **error_responses()}, url_name="inspection_list", summary="List audits")
def inspection_list(
    request: HttpRequest,
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
) -> dict[str, Any]:
    """The audits within the token owner's scope, latest on-site date first (`inspections.view`)."""
    token = token_of(request)
    require(token, "inspections.view")
    found = within_scope(Inspection.objects.select_related("client"), token.owner)
    return page_of(found, inspection_body, limit=limit, offset=offset)


@router.post(
    "",
    response={201: InspectionOut, **error_responses(400, 404)},
    url_name="inspection_create",
    summary="Schedule an audit",
)
def inspection_create(request: HttpRequest, body: InspectionIn) -> Status[dict[str, Any]]:
    """Schedule an audit under the notice and the yearly limit of the client's agreement (`inspections.manage`)."""
    token = token_of(request)
    data = body.dict()
    tenant = data.pop("client")
    client = Client.objects.filter(tenant=tenant).first() if tenant else None
    if tenant and (client is None or not can(token.owner, "clients.view", client)):
        raise Http404("client")
    return Status(201, inspection_body(actions.schedule_inspection(token, client=client, **data)))


@router.get(
    "/{reference}",
    response={200: InspectionOut, **error_responses(404)},
    url_name="inspection_detail",
    summary="Read an audit",
)
def inspection_detail(request: HttpRequest, reference: str) -> dict[str, Any]:
    return inspection_body(visible(request, reference, "inspections.view"))


@router.post(
    "/{reference}/package",
    response={200: InspectionOut, **error_responses(400, 404)},
    url_name="inspection_package",
    summary="Build and keep the audit package",
)
def inspection_package(request: HttpRequest, reference: str, body: AuditPackageIn) -> dict[str, Any]:
    """Build the signed package for the audit and keep it with it (`inspections.manage` and `audit.export`)."""
    found = visible(request, reference, "inspections.manage")
    return inspection_body(actions.keep_package(found, token_of(request), lang=body.lang))


@router.post(
    "/{reference}/close",
    response={200: InspectionOut, **error_responses(400, 404)},
    url_name="inspection_close",
    summary="Record that the audit took place or was cancelled",
)
def inspection_close(request: HttpRequest, reference: str, body: AuditCloseIn) -> dict[str, Any]:
    found = visible(request, reference, "inspections.manage")
    return inspection_body(actions.close_inspection(found, token_of(request), status=body.status))
