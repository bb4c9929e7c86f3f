from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from registre.core.breaches import Clock, ClockStatus
from registre.core.documents.breach import DOCUMENT_KINDS, render_breach_document
from registre.core.documents.vocabulary import policy_taxonomy, term_label
from registre.web.accounts.permissions import action_required, can
from registre.web.breaches import actions
from registre.web.breaches.export import register_file
from registre.web.breaches.forms import (
    AssessmentForm,
    ClientNoticeForm,
    DeclareForm,
    NotificationForm,
    assessment_initial,
)
from registre.web.breaches.models import Breach, Notification
from registre.web.policy import current_policy

CONTENT_TYPES = {"pdf": "application/pdf", "html": "text/html; charset=utf-8"}


@action_required("breaches.view")
def breach_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    breaches = Breach.objects.prefetch_related("notifications", "affected_clients")
    rows = [{"breach": breach, "clocks": clocks_of(breach, now)} for breach in breaches]
    context = {"rows": rows, "may_manage": can(request.user, "breaches.manage")}
    return render(request, "breaches/list.html", context)


@action_required("breaches.manage")
def breach_declare(request: HttpRequest) -> HttpResponse:
    policy = current_policy()
    datasets = [reference for reference, *_ in policy.iter_datasets()] if policy else []
    form = DeclareForm(request.POST or None, datasets=datasets)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            breach = actions.declare_breach(
                request.user, aware_at=data.pop("aware_at"), datasets=data.pop("datasets"), **data
            )
        except actions.BreachError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The breach %(reference)s is recorded.") % {"reference": breach.reference})
            return redirect("breaches:detail", pk=breach.pk)
    return render(request, "breaches/declare.html", {"form": form}, status=400 if form.errors else 200)


@action_required("breaches.view")
def breach_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, get_object_or_404(Breach, pk=pk))


@require_POST
@action_required("breaches.manage")
def breach_edit(request: HttpRequest, pk: int) -> HttpResponse:
    breach = get_object_or_404(Breach, pk=pk)
    form = AssessmentForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, breach, assessment=form, status=400)
    actions.update_breach(breach, request.user, **form.cleaned_data)
    messages.success(request, _("The breach is saved."))
    return redirect("breaches:detail", pk=pk)


@require_POST
@action_required("breaches.manage")
def breach_notify(request: HttpRequest, pk: int) -> HttpResponse:
    breach = get_object_or_404(Breach, pk=pk)
    form = NotificationForm(request.POST)
    if form.is_valid():
        try:
            actions.record_notification(breach, request.user, **form.cleaned_data)
        except actions.BreachError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The notification is recorded."))
            return redirect("breaches:detail", pk=pk)
    return _render_detail(request, breach, notification=form, status=400)


@require_POST
@action_required("breaches.manage")
def breach_notify_clients(request: HttpRequest, pk: int) -> HttpResponse:
    breach = get_object_or_404(Breach, pk=pk)
    form = ClientNoticeForm(request.POST)
    if form.is_valid():
        try:
            sent = actions.notify_clients(breach, request.user, **form.cleaned_data)
        except actions.BreachError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("%(count)s client(s) notified.") % {"count": len(sent)})
            return redirect("breaches:detail", pk=pk)
    return _render_detail(request, breach, client_notice=form, status=400)


@require_POST
@action_required("breaches.manage")
def breach_count_clients(request: HttpRequest, pk: int) -> HttpResponse:
    breach = actions.count_clients(get_object_or_404(Breach, pk=pk), request.user)
    if breach.clients_error:
        messages.error(request, _("The tenants could not be read: %(error)s") % {"error": breach.clients_error})
    else:
        messages.success(request, _("The affected clients are counted again."))
    return redirect("breaches:detail", pk=pk)


@require_POST
@action_required("breaches.manage")
def breach_close(request: HttpRequest, pk: int) -> HttpResponse:
    actions.close_breach(get_object_or_404(Breach, pk=pk), request.user)
    messages.success(request, _("The breach is closed; it stays in the register."))
    return redirect("breaches:detail", pk=pk)


@action_required("breaches.view")
def breach_document(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """A document of the breach: ?lang=fr|en, ?format=pdf|html, ?client=<affected client> for a client's notice."""
    breach = get_object_or_404(Breach, pk=pk)
    policy = current_policy()
    lang, fmt = _language(request), request.GET.get("format", "pdf")
    if kind not in DOCUMENT_KINDS or fmt not in CONTENT_TYPES or policy is None:
        raise Http404(kind)
    if kind == "client":
        affected = breach.affected_clients.select_related("client").filter(pk=request.GET.get("client") or 0).first()
        if affected is None:
            raise Http404("client")
        content = actions.client_notice(breach, affected, policy, lang, fmt)
        name = f"breach-{breach.reference}-{affected.client.tenant}-{lang}.{fmt}"
    else:
        content = render_breach_document(
            kind,  # type: ignore[arg-type]
            breach.facts(),
            policy,
            lang=lang,  # type: ignore[arg-type]
            fmt=fmt,  # type: ignore[arg-type]
            today=timezone.localdate(),
            tz=timezone.get_current_timezone(),
            notifications=breach.records(),
        )
        name = f"breach-{breach.reference}-{kind}-{lang}.{fmt}"
    return _file(content, CONTENT_TYPES[fmt], name, inline=fmt == "html")


@action_required("breaches.view")
def breach_export(request: HttpRequest) -> HttpResponse:
    """The whole register: ?format=xlsx|pdf, ?lang=fr|en."""
    fmt = request.GET.get("format", "xlsx")
    policy = current_policy()
    if fmt not in ("xlsx", "pdf") or policy is None:
        raise Http404(fmt)
    lang = _language(request)
    content, content_type = register_file(policy, fmt, lang)
    return _file(content, content_type, f"breach-register-{timezone.localdate().isoformat()}-{lang}.{fmt}")


def clocks_of(breach: Breach, now: Any) -> list[dict[str, Any]]:
    """The clocks the console shows: each duty owed, its deadline, its status and the time left."""
    owed = breach.duties()
    shown = []
    if owed.authority:
        shown.append(_clock(_("Supervisory authority"), breach.authority_clock(), now, breach.notified("authority")))
    if owed.clients:
        told = set(breach.notifications.filter(recipient="client").values_list("client_id", flat=True))
        affected = {item.client_id for item in breach.affected_clients.all()}
        done = affected <= told and bool(affected)
        first = breach.notifications.filter(recipient="client").order_by("sent_at").last() if done else None
        shown.append(_clock(_("Clients"), breach.client_clock(), now, first.sent_at if first else None))
    return shown


def _clock(label: str, clock: Clock, now: Any, done_at: Any) -> dict[str, Any]:
    status = clock.status(now, done_at)
    left = clock.remaining(now)
    hours, minutes = divmod(int(abs(left.total_seconds())) // 60, 60)
    return {
        "label": label,
        "due_at": clock.due_at,
        "declared": clock.declared,
        "hours": clock.hours,
        "status": status.value,
        "urgent": status in (ClockStatus.SOON, ClockStatus.OVERDUE),
        "done": status in (ClockStatus.DONE, ClockStatus.DONE_LATE),
        "left": f"{hours} h {minutes:02d}",
    }


def _render_detail(
    request: HttpRequest,
    breach: Breach,
    *,
    assessment: AssessmentForm | None = None,
    notification: NotificationForm | None = None,
    client_notice: ClientNoticeForm | None = None,
    status: int = 200,
) -> HttpResponse:
    manage = can(request.user, "breaches.manage")
    context = {
        "breach": breach,
        "clocks": clocks_of(breach, timezone.now()),
        "duties": breach.duties(),
        **_labels(breach),
        "affected": breach.affected_clients.select_related("client"),
        "notifications": breach.notifications.select_related("client"),
        "told": set(breach.notifications.filter(recipient="client").values_list("client_id", flat=True)),
        "kinds": [kind for kind in DOCUMENT_KINDS if kind != "client"],
        "may_manage": manage,
        "assessment": (assessment or AssessmentForm(initial=assessment_initial(breach))) if manage else None,
        "notification": (notification or NotificationForm(initial={"sent_at": timezone.localtime()}))
        if manage
        else None,
        "client_notice": (client_notice or ClientNoticeForm()) if manage else None,
        "recipients": Notification.Recipient,
    }
    return render(request, "breaches/detail.html", context, status=status)


def _labels(breach: Breach) -> dict[str, list[str]]:
    """The activities, data subjects and data categories of the breach, as the policy names them in this language."""
    policy = current_policy()
    if policy is None:
        return {"activities": breach.controller_activities + breach.processor_activities}
    lang = (get_language() or "fr")[:2]
    taxonomy = policy_taxonomy(policy)
    activities = [
        " ".join(part for part in (policy.activities[key].reference, policy.activities[key].name.get(lang)) if part)
        for key in breach.scope().activities
        if key in policy.activities
    ]
    return {
        "activities": activities,
        "subject_labels": [term_label(taxonomy.data_subjects, key, lang) for key in breach.subjects],
        "category_labels": [term_label(taxonomy.data_categories, key, lang) for key in breach.categories],
    }


def _language(request: HttpRequest) -> str:
    lang = request.GET.get("lang") or (get_language() or "fr")[:2]
    return lang if lang in ("fr", "en") else "fr"


def _file(content: bytes, content_type: str, name: str, inline: bool = False) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{name}"'
    return response
