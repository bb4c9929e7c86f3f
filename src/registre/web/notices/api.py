"""The notice campaigns in the REST API (/api/v1/notice-campaigns): each campaign and where each client stands.

Mounted on the API of `registre.web.api.api`; each operation checks the token's action with `require`
and calls `notices.actions`, as the console's views do. A campaign is opened from a published version.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema, Status
from pydantic import Field

from registre.web.accounts.permissions import require
from registre.web.api.auth import token_of
from registre.web.api.problems import error_responses
from registre.web.api.schemas import Strict
from registre.web.notices import actions
from registre.web.notices.models import Campaign
from registre.web.versions.models import PolicyVersion

router = Router(tags=["Sub-processor notices"])


class ClientNoticeOut(Schema):
    client: str = Field(description="The client's tenant.")
    terms: Literal["objection", "consent"]
    days: int
    send_by: dt.date = Field(description="The last day to send the notice in time.")
    sent_at: dt.datetime | None
    late: bool
    closes: dt.date | None = Field(description="The day the change may apply to the client.")
    processors: list[str]
    outcome: Literal["not_sent", "awaiting", "objected", "consented", "accepted", "refused"]
    blocked: bool = Field(description="True when the change must not apply to this client's data.")
    answered_at: dt.datetime | None


class CampaignIn(Strict):
    version: int = Field(
        ge=1, le=2**31 - 1, description="A published version, not the first: the change from the one before."
    )
    allow_late: bool = Field(False, description="Send the late notices too, flagged; else a late one refuses all.")


class CampaignOut(Schema):
    reference: str
    effective: dt.date
    old: str
    new: str
    created_at: dt.datetime
    late_allowed: bool
    notices: list[ClientNoticeOut]


def campaign_body(campaign: Campaign) -> dict[str, Any]:
    today = timezone.localdate()
    notices = []
    for notice in campaign.notices.select_related("client"):
        outcome = notice.outcome(today)
        notices.append(
            {
                "client": notice.client.tenant,
                "terms": notice.terms,
                "days": notice.days,
                "send_by": notice.opens,
                "sent_at": notice.sent_at,
                "late": notice.late,
                "closes": notice.closes,
                "processors": [item["processor"] for item in notice.items],
                "outcome": outcome,
                "blocked": outcome in ("objected", "refused"),
                "answered_at": notice.answered_at,
            }
        )
    return {
        "reference": campaign.reference,
        "effective": campaign.effective,
        "old": campaign.old_label,
        "new": campaign.new_label,
        "created_at": campaign.created_at,
        "late_allowed": campaign.late_allowed,
        "notices": notices,
    }


@router.get(
    "",
    response={200: list[CampaignOut], **error_responses()},
    url_name="notice_campaign_list",
    summary="List campaigns",
)
def campaign_list(request: HttpRequest) -> list[dict[str, Any]]:
    """The notice campaigns, most recent first, with where each client stands (`notices.view`)."""
    require(token_of(request), "notices.view")
    return [campaign_body(campaign) for campaign in Campaign.objects.all()[:200]]


@router.get(
    "/{reference}",
    response={200: CampaignOut, **error_responses(404)},
    url_name="notice_campaign_detail",
    summary="Read a campaign",
)
def campaign_detail(request: HttpRequest, reference: str) -> dict[str, Any]:
    """One campaign: each client's terms, dates, outcome, and whether the change is blocked for it."""
    require(token_of(request), "notices.view")
    return campaign_body(get_object_or_404(Campaign, reference=reference))


@router.post(
    "",
    response={201: CampaignOut, **error_responses(400, 404)},
    url_name="notice_campaign_create",
    summary="Open a campaign",
)
def campaign_create(request: HttpRequest, body: CampaignIn) -> Status[dict[str, Any]]:
    """Put a published version to the clients concerned: each receives its notice now (`notices.manage`)."""
    require(token_of(request), "notices.manage")
    version = get_object_or_404(PolicyVersion, pk=body.version)
    campaign = actions.open_version_campaign(token_of(request), version, allow_late=body.allow_late)
    return Status(201, campaign_body(campaign))
