"""Which clients a sub-processor change concerns, what each of them is told, and by when.

The obligations of a policy change (`diff_policies`) name the sub-processors
newly engaged for processor activities. Each client whose processor
activities include one of those is told of every such sub-processor it is
concerned by, in one notice:

- under its agreement's terms: an objection window of `objection_days`
  (default `notices.subprocessor_objection_days`), silence being acceptance;
  or its prior consent, where its agreement demands it for any new
  sub-processor or for one processing data outside the EEA;
- in time: the notice goes out on the day the window opens at the latest
  (the effective date less the window). A later notice is late: it is
  refused, or sent flagged, and then the change cannot apply to that client
  before a full window has run from the day it was sent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from registre.core.i18n import Lang, get_translations
from registre.core.policy.diff import PolicyDiff
from registre.core.policy.diff.obligations import needs_consent
from registre.core.policy.model import Client, Policy
from registre.core.taxonomy import load_taxonomy

Terms = Literal["objection", "consent"]
_OWED_TO_CLIENTS = ("subprocessor_objection", "subprocessor_consent")


class NoticeItem(BaseModel):
    """One sub-processor a client is told of: who it is, where it processes data, under which safeguard."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    processor: str
    name: str
    purpose: dict[str, str]
    country: str
    location: str
    safeguard: str | None = None
    activities: list[str] = Field(default_factory=list)
    consent: bool = False


class ClientNotice(BaseModel):
    """What one client is told: its sub-processors, its terms (`objection` or `consent`) and its window."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    client: str
    terms: Terms
    days: int
    opens: dt.date
    effective: dt.date
    items: list[NoticeItem]

    def is_late(self, sent_on: dt.date) -> bool:
        """Sent after the window opened: the client would get fewer days than its agreement promises."""
        return sent_on > self.opens

    def closes(self, sent_on: dt.date) -> dt.date:
        """The day the change may apply to this client: the effective date, or a full window after a late notice."""
        return max(self.effective, sent_on + dt.timedelta(days=self.days))


class CampaignPlan(BaseModel):
    """The notices of one policy change, one per client concerned, in the order of `clients`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    effective: dt.date
    notices: list[ClientNotice]

    def late(self, sent_on: dt.date) -> list[str]:
        """The clients whose notice, sent on `sent_on`, would be late."""
        return [notice.client for notice in self.notices if notice.is_late(sent_on)]


def plan_campaign(diff: PolicyDiff, new: Policy, clients: Mapping[str, Client]) -> CampaignPlan:
    """The notice owed to each of `clients` (by key) for the sub-processor changes of `diff` to `new`.

    1. The sub-processors owed to clients: the subjects of the diff's
       objection and consent obligations, with the processor activities that
       newly use them.
    2. Each client is concerned by those used by the processor activities it
       runs (`Policy.client_activities`); a client concerned by none is left out.
    3. Its terms: consent when its agreement demands it for one of them,
       else an objection window of its agreement's days.
    """
    engaged: dict[str, dict[str, None]] = {}
    for obligation in diff.obligations:
        if obligation.kind in _OWED_TO_CLIENTS:
            engaged.setdefault(obligation.subject, {}).update(dict.fromkeys(obligation.activities))
    notices = []
    for key, client in clients.items():
        runs = set(new.client_activities(client))
        items = [
            _item(new, processor, [activity for activity in activities if activity in runs], client)
            for processor, activities in engaged.items()
            if runs & set(activities)
        ]
        if items:
            notices.append(_notice(new, key, client, items, diff.effective))
    return CampaignPlan(effective=diff.effective, notices=notices)


def _item(policy: Policy, key: str, activities: list[str], client: Client) -> NoticeItem:
    processor = policy.processors.get(key)
    if processor is None:
        return NoticeItem(processor=key, name=key, purpose={}, country="", location="", activities=activities)
    return NoticeItem(
        processor=key,
        name=processor.name,
        purpose={"fr": processor.purpose.get("fr"), "en": processor.purpose.get("en")},
        country=processor.country,
        location=processor.data_location,
        safeguard=processor.safeguard,
        activities=activities,
        consent=needs_consent(policy, key, client),
    )


def _notice(policy: Policy, key: str, client: Client, items: list[NoticeItem], effective: dt.date) -> ClientNotice:
    days = client.agreement.objection_days
    if days is None:
        days = policy.notices.subprocessor_objection_days
    return ClientNotice(
        client=key,
        terms="consent" if any(item.consent for item in items) else "objection",
        days=days,
        opens=effective - dt.timedelta(days=days),
        effective=effective,
        items=items,
    )


def describe_item(item: NoticeItem, lang: Lang) -> str:
    """ "Twilio Ireland Limited (established: Ireland; data processed: Germany; safeguard: …). Purpose", in `lang`."""
    _ = get_translations(lang).gettext
    countries = load_taxonomy().countries
    country = countries[item.country].name(lang) if item.country in countries else item.country
    location = countries[item.location].name(lang) if item.location in countries else item.location
    safeguards = load_taxonomy().safeguards
    if item.safeguard is None:
        inside = item.location in countries and countries[item.location].eea
        safeguard = _("not needed (EEA)") if inside else _("none declared")
    else:
        term = safeguards.get(item.safeguard)
        safeguard = term.label.get(lang) if term is not None else item.safeguard
    values = {"name": item.name, "country": country, "location": location, "safeguard": safeguard}
    text = _("%(name)s (established: %(country)s; data processed: %(location)s; safeguard: %(safeguard)s)") % values
    purpose = item.purpose.get(lang) or item.purpose.get("en") or ""
    return f"{text}. {purpose}".strip() if purpose else text
