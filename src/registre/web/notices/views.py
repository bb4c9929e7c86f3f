from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from registre.core.notices import NoticeError, NoticeItem, describe_item
from registre.web.accounts.permissions import action_required, can
from registre.web.notices import actions
from registre.web.notices.forms import AnswerForm, CampaignForm
from registre.web.notices.models import OUTCOME_LABELS, Campaign, ClientNotice
from registre.web.policy import current_policy


@action_required("notices.view")
def campaign_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    rows = []
    for campaign in Campaign.objects.prefetch_related("notices__client")[:200]:
        outcomes = [notice.outcome(today) for notice in campaign.notices.all()]
        counts = [(OUTCOME_LABELS[name], outcomes.count(name)) for name in OUTCOME_LABELS if name in outcomes]
        rows.append({"campaign": campaign, "clients": len(outcomes), "counts": counts})
    may_manage = can(request.user, "notices.manage")
    context = {"rows": rows, "may_manage": may_manage, "form": CampaignForm() if may_manage else None}
    return render(request, "notices/list.html", context)


@require_POST
@action_required("notices.manage")
def campaign_open(request: HttpRequest) -> HttpResponse:
    """Open the campaign of a published version: the change from the version before it, effective on its date."""
    form = CampaignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a published version that follows another."))
        return redirect("notices:list")
    try:
        campaign = actions.open_version_campaign(
            request.user, form.cleaned_data["version"], allow_late=form.cleaned_data["allow_late"]
        )
    except actions.CampaignRefused as refused:
        messages.error(request, str(refused))
        return redirect("notices:list")
    messages.success(request, _("Campaign %(reference)s: the notices are sent.") % {"reference": campaign.reference})
    return redirect("notices:detail", pk=campaign.pk)


@action_required("notices.view")
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign, pk=pk)
    today = timezone.localdate()
    lang = _lang((translation.get_language() or "fr")[:2])
    notices = [
        {"notice": notice, "outcome": notice.outcome(today), "label": OUTCOME_LABELS[notice.outcome(today)]}
        for notice in campaign.notices.select_related("client")
    ]
    # Each sub-processor once, as the clients read it (the activities differ from one client to another).
    items = {item["processor"]: NoticeItem.model_validate(item) for row in notices for item in row["notice"].items}
    context = {
        "campaign": campaign,
        "notices": notices,
        "processors": [describe_item(item, lang) for item in items.values()],
        "unsent": any(row["notice"].sent_at is None for row in notices),
        "may_manage": can(request.user, "notices.manage"),
    }
    return render(request, "notices/detail.html", context)


def _lang(code: str) -> Any:
    return "en" if code == "en" else "fr"


@require_POST
@action_required("notices.manage")
def campaign_send(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign, pk=pk)
    policy = current_policy()
    if policy is None:
        messages.error(request, _("The policy is missing or has errors: run `registre check`."))
    else:
        sent = actions.send_notices(campaign, request.user, policy)
        messages.success(request, _("Notices sent: %(count)s.") % {"count": sent})
    return redirect("notices:detail", pk=pk)


@require_POST
@action_required("notices.manage")
def campaign_settle(request: HttpRequest) -> HttpResponse:
    settled = actions.settle_notices()
    messages.success(request, _("Windows closed without an answer: %(count)s.") % {"count": settled})
    return redirect("notices:list")


@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, token: str) -> HttpResponse:
    """The client's page, in its language: what changes, and its objection or consent while the window is open."""
    try:
        notice = actions.notice_of(token)
    except NoticeError:
        return _answer_page(request, None, "invalid-link", status=400)
    with translation.override(notice.language):
        if request.method == "GET":
            closed = notice.closes is not None and timezone.localdate() >= notice.closes
            return _answer_page(request, notice, "answered" if notice.answer else "window-closed" if closed else "ask")
        form = AnswerForm(request.POST)
        if not form.is_valid():
            return _answer_page(request, notice, "ask", form=form, status=400)
        try:
            notice = actions.answer_notice(token, **form.cleaned_data)
        except NoticeError as error:
            return _answer_page(request, notice, error.code, status=400 if error.code == "invalid-link" else 409)
        return _answer_page(request, notice, "done")


def _answer_page(
    request: HttpRequest, notice: ClientNotice | None, state: str, *, form: AnswerForm | None = None, status: int = 200
) -> HttpResponse:
    lang = _lang((translation.get_language() or "fr")[:2])
    policy = current_policy()
    context = {
        "state": state,
        "notice": notice,
        "items": [describe_item(item, lang) for item in notice.planned().items] if notice else [],
        "form": form or AnswerForm(),
        "organisation_name": policy.organisation.name if policy else "Registre",
        "privacy_contact": policy.organisation.contacts.requests.email if policy else None,
    }
    return render(request, "notices/answer.html", context, status=status)
