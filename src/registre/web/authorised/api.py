"""The register of authorised staff in the REST API (/api/v1/authorised-staff).

Mounted on the API of `registre.web.api.api`; each operation checks the token's action with `require`
and calls `authorised.actions`, as the console's views do. The register carries no contact details:
names, roles, the activities and systems each person may reach, and the dates of their designation.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from pydantic import Field

from registre.web.accounts.permissions import require
from registre.web.api.auth import token_of
from registre.web.api.pages import MAX_OFFSET, page_of
from registre.web.api.problems import error_responses
from registre.web.api.schemas import Strict
from registre.web.authorised import actions
from registre.web.authorised.models import AuthorisedPerson

router = Router(tags=["Authorised staff"])
DATES = ("designated_on", "designation_signed_on", "confidentiality_signed_on", "last_trained_on", "mission_ended_on")


class AuthorisedPersonOut(Schema):
    id: int
    full_name: str
    job_title: str
    activities: list[str]
    systems: list[str]
    console_account: str | None = Field(description="The username of the person's console account, if any.")
    designated_on: dt.date
    designation_signed_on: dt.date | None
    confidentiality_signed_on: dt.date | None
    last_trained_on: dt.date | None
    training_due: dt.date
    training_status: str = Field(description="ok, soon, overdue or ended.")
    mission_ended_on: dt.date | None


class AuthorisedPersonPage(Schema):
    items: list[AuthorisedPersonOut]
    count: int = Field(description="How many people match, in all.")
    limit: int
    offset: int


class DesignationIn(Strict):
    full_name: str = Field(min_length=1, max_length=200)
    job_title: str = Field(min_length=1, max_length=200)
    designated_on: dt.date
    activities: list[str] = Field(default_factory=list, description="Activity keys of the policy.")
    systems: list[str] = Field(default_factory=list, description="System keys of the policy.")
    console_account: str | None = Field(None, description="The username of an active console account to link.")


class DesignationPatch(Strict):
    """What happened since the designation: each date given is recorded, as the console's buttons do."""

    designation_signed_on: dt.date | None = None
    confidentiality_signed_on: dt.date | None = None
    last_trained_on: dt.date | None = None
    mission_ended_on: dt.date | None = Field(None, description="Ends the mission: the console account is deactivated.")


def person_body(person: AuthorisedPerson) -> dict[str, Any]:
    return {
        "id": person.pk,
        "full_name": person.full_name,
        "job_title": person.job_title,
        "activities": person.activities,
        "systems": person.systems,
        "console_account": person.user.get_username() if person.user else None,
        **{name: getattr(person, name) for name in DATES},
        "training_due": person.training_due,
        "training_status": person.training_status(),
    }


def _person(request: HttpRequest, person_id: int, action: str) -> AuthorisedPerson:
    require(token_of(request), action)
    return get_object_or_404(AuthorisedPerson.objects.select_related("user"), pk=person_id)


@router.get(
    "",
    response={200: AuthorisedPersonPage, **error_responses()},
    url_name="authorised_list",
    summary="List authorised staff",
)
def authorised_list(
    request: HttpRequest,
    active: bool | None = Query(None, description="Only people whose mission runs (or has ended)."),
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
) -> dict[str, Any]:
    """The register, by name (`authorised.view`)."""
    require(token_of(request), "authorised.view")
    found = AuthorisedPerson.objects.select_related("user")
    if active is not None:
        found = found.filter(mission_ended_on__isnull=active)
    return page_of(found, person_body, limit=limit, offset=offset)


@router.post(
    "",
    response={201: AuthorisedPersonOut, **error_responses(400)},
    url_name="authorised_create",
    summary="Designate a person",
)
def authorised_create(request: HttpRequest, body: DesignationIn) -> Status[dict[str, Any]]:
    """Add a person to the register with the activities and systems they may reach (`authorised.manage`)."""
    data = body.dict()
    username = data.pop("console_account")
    user = User.objects.filter(username=username, is_active=True).first() if username else None
    if username and user is None:
        raise ValueError("no active console account has this username")
    return Status(201, person_body(actions.designate(token_of(request), **data, user=user)))


@router.get(
    "/{person_id}",
    response={200: AuthorisedPersonOut, **error_responses(404)},
    url_name="authorised_detail",
    summary="Read an authorised person",
)
def authorised_detail(request: HttpRequest, person_id: int) -> dict[str, Any]:
    return person_body(_person(request, person_id, "authorised.view"))


@router.patch(
    "/{person_id}",
    response={200: AuthorisedPersonOut, **error_responses(400, 404)},
    url_name="authorised_update",
    summary="Record signatures, a training or the end of the mission",
)
def authorised_update(request: HttpRequest, person_id: int, body: DesignationPatch) -> dict[str, Any]:
    """Each date given is recorded and audited, the end of the mission last (`authorised.manage`)."""
    person = _person(request, person_id, "authorised.manage")
    token = token_of(request)
    with transaction.atomic():  # all the dates, or none
        _record_dates(person, token, body)
    return person_body(person)


def _record_dates(person: AuthorisedPerson, token: Any, body: DesignationPatch) -> None:
    if body.designation_signed_on is not None:
        actions.record_signature(person, token, document="designation", on=body.designation_signed_on)
    if body.confidentiality_signed_on is not None:
        actions.record_signature(person, token, document="confidentiality", on=body.confidentiality_signed_on)
    if body.last_trained_on is not None:
        actions.record_training(person, token, on=body.last_trained_on)
    if body.mission_ended_on is not None:
        actions.end_mission(person, token, on=body.mission_ended_on)
