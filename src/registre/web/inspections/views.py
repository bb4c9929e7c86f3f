from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from registre.web.accounts.permissions import action_required, can, scope_of
from registre.web.clients.models import Client
from registre.web.inspections import actions
from registre.web.inspections.forms import CloseForm, InspectionForm, PackageForm
from registre.web.inspections.models import Inspection, within_scope


def inspection_form(user: Any, data: Any = None) -> InspectionForm:
    scope = scope_of(user)
    clients = Client.objects.all() if scope.clients is None else Client.objects.filter(tenant__in=scope.clients)
    return InspectionForm(data, clients=clients)


@action_required("inspections.view")
def inspection_list(request: HttpRequest) -> HttpResponse:
    form = inspection_form(request.user) if can(request.user, "inspections.manage") else None
    return _render_list(request, form)


@require_POST
@action_required("inspections.manage")
def inspection_create(request: HttpRequest) -> HttpResponse:
    form = inspection_form(request.user, request.POST)
    if form.is_valid():
        try:
            found = actions.schedule_inspection(request.user, **form.cleaned_data)
        except actions.InspectionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The audit %(reference)s is scheduled.") % {"reference": found.reference})
            return redirect("inspections:detail", pk=found.pk)
    return _render_list(request, form, status=400)


def _render_list(request: HttpRequest, form: InspectionForm | None, status: int = 200) -> HttpResponse:
    found = within_scope(Inspection.objects.select_related("client"), request.user)
    return render(request, "inspections/list.html", {"inspections": found[:200], "form": form}, status=status)


@action_required("inspections.view")
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    found = visible_inspection(request, pk)
    manage = can(request.user, "inspections.manage", found)
    context = {
        "found": found,
        "package_form": PackageForm() if manage and can(request.user, "audit.export") else None,
        "close_form": CloseForm() if manage and found.status == Inspection.Status.SCHEDULED else None,
    }
    return render(request, "inspections/detail.html", context)


@require_POST
@action_required("inspections.manage")
def inspection_package(request: HttpRequest, pk: int) -> HttpResponse:
    """Build the audit package for this audit and keep it with it."""
    found = visible_inspection(request, pk)
    form = PackageForm(request.POST)
    lang = form.cleaned_data["lang"] if form.is_valid() else "fr"
    try:
        actions.keep_package(found, request.user, lang=lang)
    except actions.InspectionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The audit package is built and kept with the audit."))
    return redirect("inspections:detail", pk=pk)


@action_required("inspections.view")
def inspection_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The package kept with the audit, as it was built (its SHA-256 is on the audit's page)."""
    found = visible_inspection(request, pk)
    try:
        chunks = actions.open_package(found)
    except FileNotFoundError:
        raise Http404 from None
    response = StreamingHttpResponse(chunks, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="audit-package-{found.reference}.zip"'
    return response


@require_POST
@action_required("inspections.manage")
def inspection_close(request: HttpRequest, pk: int) -> HttpResponse:
    found = visible_inspection(request, pk)
    form = CloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the outcome."))
        return redirect("inspections:detail", pk=pk)
    try:
        actions.close_inspection(found, request.user, status=form.cleaned_data["status"])
    except actions.InspectionError as error:
        messages.error(request, str(error))
    return redirect("inspections:detail", pk=pk)


def visible_inspection(request: HttpRequest, pk: int) -> Inspection:
    """The audit `pk` within the user's scope: 404 otherwise (its existence is not disclosed)."""
    found = get_object_or_404(Inspection.objects.select_related("client"), pk=pk)
    if not can(request.user, "inspections.view", found):
        raise Http404
    return found
