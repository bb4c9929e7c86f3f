"""Every change of state of the notice campaigns: opening and sending one, answers, silence, the DPO's alert.

Each change is one transaction with its audit entry. A campaign is opened
from two versions of the policy: the core plans one notice per client
concerned (`plan_campaign`), each is recorded, then e-mailed with its signed
link. Late notices are refused unless the caller accepts them, flagged.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from registre.core.notices import NoticeError, check_answer, plan_campaign
from registre.core.policy import Policy
from registre.core.policy.diff import diff_policies
from registre.web.accounts.permissions import require
from registre.web.audit.actions import Actor, record
from registre.web.clients.models import Client
from registre.web.clients.record import served_clients
from registre.web.notices import links, mail
from registre.web.notices.models import Campaign, ClientNotice
from registre.web.policy import current_policy
from registre.web.versions.models import PolicyVersion


class CampaignRefused(ValueError):
    """A campaign the rules refuse, with a message for the person who asked."""


def open_campaign(
    actor: Any,
    old: Policy,
    new: Policy,
    *,
    old_label: str,
    new_label: str,
    effective: dt.date | None = None,
    allow_late: bool = False,
    now: dt.datetime | None = None,
) -> Campaign:
    """Record the notices that the change from `old` to `new` owes the clients, then send them.

    The clients are those of the application (with what the policy declares of
    the same tenant), whose contract has not ended. CampaignRefused when no
    client is concerned, or when a notice would be late and `allow_late` is
    not given (the message names the late clients and their last day).
    """
    if actor != "system":
        require(actor, "notices.manage")
    now = now or timezone.now()
    today = timezone.localdate(now)
    diff = diff_policies(old, new, effective=effective, today=today)
    clients = Client.objects.filter(Q(contract_end__isnull=True) | Q(contract_end__gte=diff.effective))
    by_tenant = {client.tenant: client for client in clients}
    plan = plan_campaign(diff, new, served_clients(by_tenant.values(), new))
    if not plan.notices:
        raise CampaignRefused(_("No client is concerned: the change engages no sub-processor for their activities."))
    late = [notice for notice in plan.notices if notice.is_late(today)]
    if late and not allow_late:
        names = ", ".join(
            _("%(client)s (by %(date)s)") % {"client": by_tenant[notice.client].name, "date": mail.day(notice.opens)}
            for notice in late
        )
        raise CampaignRefused(_("These notices would be late: %(clients)s.") % {"clients": names})
    with transaction.atomic():
        campaign = Campaign.objects.create(
            reference=_next_reference(today.year),
            effective=diff.effective,
            old_label=old_label[:300],
            new_label=new_label[:300],
            diff=diff.to_dict(),
            late_allowed=bool(late),
            created_by=_user(actor),
        )
        for planned in plan.notices:
            ClientNotice.objects.create(
                campaign=campaign,
                client=by_tenant[planned.client],
                terms=planned.terms,
                days=planned.days,
                opens=planned.opens,
                effective=planned.effective,
                items=[item.model_dump(mode="json") for item in planned.items],
            )
        details = {
            "campaign": campaign.reference,
            "effective": diff.effective.isoformat(),
            "clients": sorted(by_tenant[planned.client].pk for planned in plan.notices),
            "late": len(late),
        }
        record(actor, "notices.campaign_opened", details=details)
    send_notices(campaign, actor, new, now=now)
    return campaign


def open_version_campaign(actor: Any, version: PolicyVersion, *, allow_late: bool = False) -> Campaign:
    """Open the campaign of a published version: the change from the version published before it, on its date.

    CampaignRefused for the first version (nothing to compare it with), and as `open_campaign`.
    """
    previous = PolicyVersion.objects.filter(pk__lt=version.pk).order_by("-pk").first()
    if previous is None:
        raise CampaignRefused(_("The first version has no earlier one to compare it with."))
    return open_campaign(
        actor,
        previous.as_policy(),
        version.as_policy(),
        old_label=version_label(previous),
        new_label=version_label(version),
        effective=version.effective,
        allow_late=allow_late,
    )


def version_label(version: PolicyVersion) -> str:
    return f"version {version.pk}" + (f" ({version.revision})" if version.revision else "")


def send_notices(campaign: Campaign, actor: Any, policy: Policy, *, now: dt.datetime | None = None) -> int:
    """E-mail every notice of `campaign` not yet sent; the number sent.

    A notice is late when sent after its window opened: sent only when the
    campaign accepted late notices, then flagged, its window a full one from
    today. Each is recorded and audited with its e-mail, one at a time.
    """
    if actor != "system":
        require(actor, "notices.manage")
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    for notice in campaign.notices.filter(sent_at__isnull=True).select_related("client"):
        planned = notice.planned()
        if planned.is_late(today) and not campaign.late_allowed:
            continue
        token = links.issue_token(notice.pk)
        with transaction.atomic():
            notice.sent_at = now
            notice.late = planned.is_late(today)
            notice.closes = planned.closes(today)
            notice.language = notice.client.language
            notice.link_digest = links.token_digest(token)
            notice.save(update_fields=["sent_at", "late", "closes", "language", "link_digest"])
            record(actor, "notices.delivered", details=_details(notice))
            mail.send_notice(notice, links.answer_url(token), policy)
        sent += 1
    return sent


def notice_of(token: str) -> ClientNotice:
    """The notice that `token` opens; NoticeError `invalid-link` for a forged link or one sent before the last."""
    number = links.read_token(token)
    notice = ClientNotice.objects.select_related("client", "campaign").filter(pk=number).first()
    if notice is None or notice.link_digest != links.token_digest(token):
        raise NoticeError("invalid-link")
    return notice


def answer_notice(
    token: str, answer: str, *, name: str = "", note: str = "", dpo: str | None = None, now: dt.datetime | None = None
) -> ClientNotice:
    """Record the client's objection or consent, given through its link, while its window is open.

    NoticeError when the link is not valid, the notice already answered or its
    window closed. An objection alerts the DPO (`dpo`, an e-mail address).
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        notice = notice_of(token)
        notice = ClientNotice.objects.select_for_update().select_related("client", "campaign").get(pk=notice.pk)
        sent_on = timezone.localdate(notice.sent_at) if notice.sent_at else None
        checked = check_answer(answer, sent_on=sent_on, closes=notice.closes, answered=bool(notice.answer), today=today)
        notice.answer = checked
        notice.answered_at = now
        notice.answered_by = name.strip()[:200]
        notice.note = note.strip()
        notice.save(update_fields=["answer", "answered_at", "answered_by", "note"])
        actor = Actor("client", notice.client_id, f"client:{notice.client.tenant}")
        record(actor, f"notices.{checked}", details=_details(notice))
        if checked == ClientNotice.Answer.OBJECTED:
            _alert(notice, dpo, now)
    return notice


def settle_notices(dpo: str | None = None, *, now: dt.datetime | None = None) -> int:
    """Record what silence means for every notice whose window has passed unanswered; the number settled.

    Silence accepts the change where the client's terms are an objection
    window; where they demand prior consent it refuses it, and the DPO is alerted.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    due = ClientNotice.objects.filter(sent_at__isnull=False, answer="", settled_at__isnull=True, closes__lte=today)
    count = 0
    for notice in due.select_related("client", "campaign"):
        with transaction.atomic():
            outcome = notice.outcome(today)
            notice.settled_at = now
            notice.save(update_fields=["settled_at"])
            action = "notices.accepted_by_silence" if outcome == "accepted" else "notices.refused_by_silence"
            record("system", action, details=_details(notice))
            if outcome == "refused":
                _alert(notice, dpo, now)
        count += 1
    return count


def _alert(notice: ClientNotice, dpo: str | None, now: dt.datetime) -> None:
    dpo = dpo or dpo_address()
    if not dpo:
        return
    mail.alert_dpo(notice, dpo)
    notice.dpo_alerted_at = now
    notice.save(update_fields=["dpo_alerted_at"])
    record("system", "notices.dpo_alerted", details=_details(notice))


def dpo_address() -> str | None:
    """Where alerts go: the DPO of the policy in force, else its address for requests."""
    policy = current_policy()
    if policy is None:
        return None
    contacts = policy.organisation.contacts
    return (contacts.dpo.email if contacts.dpo else None) or (contacts.requests.email if contacts.requests else None)


def _details(notice: ClientNotice) -> dict[str, Any]:
    return {
        "campaign": notice.campaign.reference,
        "client_id": notice.client_id,
        "tenant": notice.client.tenant,
        "terms": notice.terms,
        "late": notice.late,
        "closes": notice.closes.isoformat() if notice.closes else None,
        "processors": [item["processor"] for item in notice.items],
    }


def _next_reference(year: int) -> str:
    """N-2026-0003: the next number of the year (the unique reference refuses a duplicate)."""
    last = (
        Campaign.objects.select_for_update()
        .filter(reference__startswith=f"N-{year}-")
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"N-{year}-{number:04d}"


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None
