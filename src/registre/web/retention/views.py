from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from registre.web.accounts.permissions import action_required, can
from registre.web.retention import tasks
from registre.web.retention.actions import HORIZONS, lift_hold, place_hold
from registre.web.retention.chart import sweep_chart
from registre.web.retention.forms import CaseHoldForm, SweepForm
from registre.web.retention.models import CaseHold, RetentionForecast, SweepRun
from registre.web.retention.scope import scoped_holds

HISTORY = 30  # runs shown


@action_required("retention.view")
def overview(request: HttpRequest) -> HttpResponse:
    return _render(request, CaseHoldForm())


@require_POST
@action_required("retention.sweep")
def sweep(request: HttpRequest) -> HttpResponse:
    form = SweepForm(request.POST)
    dry_run = form.is_valid() and form.cleaned_data["dry_run"]
    tasks.sweep_now.enqueue(dry_run, request.user.pk)
    messages.success(request, _("The sweep is queued; its result appears below when the worker has run it."))
    return redirect("retention:overview")


@require_POST
@action_required("retention.sweep")
def forecast(request: HttpRequest) -> HttpResponse:
    tasks.forecast.enqueue()
    messages.success(request, _("The forecast is queued."))
    return redirect("retention:overview")


@require_POST
@action_required("retention.hold")
def hold_place(request: HttpRequest) -> HttpResponse:
    form = CaseHoldForm(request.POST)
    if not form.is_valid():
        return _render(request, form, status=400)
    data = form.cleaned_data
    place_hold(
        request.user,
        reason=data["reason"],
        reference=data["reference"],
        identities=form.identities(),
        tenant=data["tenant"],
    )
    messages.success(request, _("The case hold is placed."))
    return redirect("retention:overview")


@require_POST
@action_required("retention.hold")
def hold_lift(request: HttpRequest, pk: int) -> HttpResponse:
    lift_hold(get_object_or_404(scoped_holds(CaseHold.objects.all(), request.user), pk=pk), request.user)
    messages.success(request, _("The case hold is lifted."))
    return redirect("retention:overview")


def _render(request: HttpRequest, form: CaseHoldForm, status: int = 200) -> HttpResponse:
    runs = list(SweepRun.objects.all()[:HISTORY])
    context = {
        "runs": runs,
        "chart": sweep_chart(list(reversed(runs))),
        "holds": scoped_holds(CaseHold.objects.all(), request.user)[:100],
        "forecast": RetentionForecast.objects.first(),
        "horizons": HORIZONS,
        "form": form if can(request.user, "retention.hold") else None,
        "may_sweep": can(request.user, "retention.sweep"),
    }
    return render(request, "retention/overview.html", context, status=status)
