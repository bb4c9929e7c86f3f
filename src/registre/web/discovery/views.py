from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from registre.web.accounts.permissions import action_required, can
from registre.web.audit.actions import Actor
from registre.web.discovery import tasks
from registre.web.discovery.actions import accepted_snippet, decide, finding_rows
from registre.web.discovery.forms import DecisionForm, ScanForm
from registre.web.discovery.models import ScanRun

HISTORY = 20  # scans listed


@action_required("discovery.view")
def overview(request: HttpRequest) -> HttpResponse:
    scans = list(ScanRun.objects.all()[:HISTORY])
    latest = next((scan for scan in scans if scan.status == ScanRun.Status.DONE), None)
    context = {
        "scans": scans,
        "latest": latest,
        "findings": finding_rows(latest) if latest else [],
        "snippet": accepted_snippet(latest) if latest else "",
        "form": ScanForm() if can(request.user, "discovery.run") else None,
        "may_decide": can(request.user, "discovery.decide"),
    }
    return render(request, "discovery/overview.html", context)


@require_POST
@action_required("discovery.run")
def run(request: HttpRequest) -> HttpResponse:
    form = ScanForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("The number of rows must be between 10 and 100,000."))
    actor = Actor.of(request.user)
    tasks.scan_now.enqueue(form.cleaned_data["rows"], actor.kind, actor.id, actor.name)
    messages.success(request, _("The scan is queued; its findings appear below when the worker has run it."))
    return redirect("discovery:overview")


@require_POST
@action_required("discovery.decide")
def decision(request: HttpRequest, pk: int) -> HttpResponse:
    scan = get_object_or_404(ScanRun, pk=pk, status=ScanRun.Status.DONE)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Choose accept or dismiss."))
    try:
        decide(scan, form.cleaned_data["finding"], form.cleaned_data["decision"], request.user)
    except ValueError:
        return HttpResponseBadRequest(_("This scan has no such finding."))
    messages.success(request, _("The decision is recorded."))
    return redirect("discovery:overview")
