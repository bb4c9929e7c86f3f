"""The log of client instructions in the REST API (/api/v1/instructions).

Mounted on the API of `registre.web.api.api`; each operation checks the token's action with `require`
(on the instruction or its client, within the token owner's scope) and calls `instructions.actions`, as
the console's views do. An instruction outside the scope is 404: a client-restricted token learns
nothing of other clients' instructions.
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
from registre.web.instructions import actions
from registre.web.instructions.models import Instruction, within_scope

router = Router(tags=["Client instructions"])
ChannelName = Literal["email", "letter", "contract", "ticket", "meeting", "request"]


class ClientInstructionOut(Schema):
    reference: str
    client: str = Field(description="The client's tenant.")
    received_at: dt.datetime
    channel: ChannelName = Field(description="How it was received; `request`: a forwarded rights request.")
    given_by: str
    text: str
    activities: list[str] = Field(description="The processor activities of the policy it covers.")
    request: str | None = Field(description="The reference of the forwarded rights request it answered.")
    unlawful_reason: str
    flagged_at: dt.datetime | None
    client_told_at: dt.datetime | None


class ClientInstructionPage(Schema):
    items: list[ClientInstructionOut]
    count: int = Field(description="How many instructions match, in all.")
    limit: int
    offset: int


class ClientInstructionIn(Strict):
    client: str = Field(min_length=1, description="The client's tenant.")
    channel: Literal["email", "letter", "contract", "ticket", "meeting"]
    given_by: str = Field(min_length=1, max_length=200)
    text: str = Field(min_length=1)
    activities: list[str] = Field(default_factory=list)
    received_at: dt.datetime | None = Field(None, description="Now when not given; never in the future.")


class UnlawfulFlagIn(Strict):
    reason: str = Field(min_length=1, description="Why it looks unlawful: e-mailed to the client at once.")


def instruction_body(item: Instruction) -> dict[str, Any]:
    fields = ("reference", "received_at", "channel", "given_by", "text", "activities", "unlawful_reason")
    return {
        **{name: getattr(item, name) for name in fields},
        "client": item.client.tenant,
        "request": item.request.reference if item.request else None,
        "flagged_at": item.flagged_at,
        "client_told_at": item.client_told_at,
    }


def visible(request: HttpRequest, reference: str, action: str) -> Instruction:
    """The instruction the token may `action`: 404 when unknown or out of its scope, else 403."""
    token = token_of(request)
    found = Instruction.objects.select_related("client", "request").filter(reference=reference).first()
    if found is None or not can(token.owner, "instructions.view", found):
        raise Http404(reference)
    require(token, action, found)
    return found


@router.get(
    "",
    response={200: ClientInstructionPage, **error_responses()},
    url_name="instruction_list",
    summary="List instructions",
)
def instruction_list(
    request: HttpRequest,
    client: str | None = Query(None, description="Only this client's (its tenant)."),
    flagged: bool | None = Query(None, description="Only those flagged as unlawful (or not)."),
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
) -> dict[str, Any]:
    """The log within the token owner's scope, most recent first (`instructions.view`)."""
    token = token_of(request)
    require(token, "instructions.view")
    found = within_scope(Instruction.objects.select_related("client", "request"), token.owner)
    if client is not None:
        found = found.filter(client__tenant=client)
    if flagged is not None:
        found = found.filter(flagged_at__isnull=not flagged)
    return page_of(found, instruction_body, limit=limit, offset=offset)


@router.post(
    "",
    response={201: ClientInstructionOut, **error_responses(400, 404)},
    url_name="instruction_create",
    summary="Log an instruction",
)
def instruction_create(request: HttpRequest, body: ClientInstructionIn) -> Status[dict[str, Any]]:
    """Log a client's documented instruction (`instructions.record`, on the client)."""
    token = token_of(request)
    data = body.dict()
    client = Client.objects.filter(tenant=data.pop("client")).first()
    if client is None or not can(token.owner, "clients.view", client):
        raise Http404("client")
    return Status(201, instruction_body(actions.record_instruction(token, client=client, **data)))


@router.get(
    "/{reference}",
    response={200: ClientInstructionOut, **error_responses(404)},
    url_name="instruction_detail",
    summary="Read an instruction",
)
def instruction_detail(request: HttpRequest, reference: str) -> dict[str, Any]:
    return instruction_body(visible(request, reference, "instructions.view"))


@router.post(
    "/{reference}/flag",
    response={200: ClientInstructionOut, **error_responses(400, 404)},
    url_name="instruction_flag",
    summary="Flag an instruction as unlawful",
)
def instruction_flag(request: HttpRequest, reference: str, body: UnlawfulFlagIn) -> dict[str, Any]:
    """Flag it with the reason and e-mail the client at once, in its language (`instructions.flag`)."""
    found = visible(request, reference, "instructions.flag")
    return instruction_body(actions.flag_unlawful(found, token_of(request), reason=body.reason))
