from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from registre.core.authority import notice_allowed
from registre.web.accounts.permissions import action_required, can
from registre.web.authority import actions
from registre.web.authority.forms import AuthorityRequestForm, RefusalForm
from registre.web.authority.models import AuthorityRequest, within_scope


@action_required("authority.view")
def request_list(request: HttpRequest) -> HttpResponse:
    return _render_list(request, AuthorityRequestForm() if can(request.user, "authority.manage") else None)


@require_POST
@action_required("authority.manage")
def request_create(request: HttpRequest) -> HttpResponse:
    form = AuthorityRequestForm(request.POST)
    if not form.is_valid():
        return _render_list(request, form, status=400)
    found = actions.record_request(request.user, **form.cleaned_data)
    messages.success(request, _("The request %(reference)s is recorded.") % {"reference": found.reference})
    return redirect("authority:detail", pk=found.pk)


def _render_list(request: HttpRequest, form: AuthorityRequestForm | None, status: int = 200) -> HttpResponse:
    found = within_scope(AuthorityRequest.objects.select_related("client"), request.user)
    context = {"requests": found[:200], "form": form}
    return render(request, "authority/list.html", context, status=status)


@action_required("authority.view")
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, visible_request(request, pk), RefusalForm())


def visible_request(request: HttpRequest, pk: int) -> AuthorityRequest:
    """The request `pk`, within the user's scope: 404 otherwise (its existence is not disclosed)."""
    found = get_object_or_404(AuthorityRequest.objects.select_related("client"), pk=pk)
    if not can(request.user, "authority.view", found):
        raise Http404
    return found


def _step(action: Callable[..., AuthorityRequest], done: Promise) -> Callable[[HttpRequest, int], HttpResponse]:
    """A POST that applies one action to the request, then shows it again with the outcome."""

    @require_POST
    @action_required("authority.manage")
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        found = visible_request(request, pk)
        try:
            action(found, request.user)
        except actions.AuthorityError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, done)
        return redirect("authority:detail", pk=pk)

    return view


request_plan = _step(actions.plan_disclosure, gettext_lazy("The person's data are counted."))
request_disclose = _step(actions.disclose, gettext_lazy("The disclosure is recorded."))
request_tell_client = _step(actions.tell_client, gettext_lazy("The client is told."))
request_person_told = _step(actions.record_person_told, gettext_lazy("The person is recorded as told."))
request_hold = _step(actions.hold_data, gettext_lazy("A case hold preserves the data."))


@require_POST
@action_required("authority.manage")
def request_refuse(request: HttpRequest, pk: int) -> HttpResponse:
    found = visible_request(request, pk)
    form = RefusalForm(request.POST)
    if form.is_valid():
        try:
            actions.refuse(found, request.user, reason=form.cleaned_data["reason"])
        except actions.AuthorityError as error:
            form.add_error(None, str(error))
        else:
            return redirect("authority:detail", pk=pk)
    return _render_detail(request, found, form, status=400)


def _render_detail(request: HttpRequest, found: AuthorityRequest, refusal: RefusalForm, status: int = 200) -> Any:
    context = {
        "found": found,
        "may_manage": can(request.user, "authority.manage", found),
        "may_hold": can(request.user, "retention.hold"),
        "may_tell": notice_allowed(gag_until=found.gag_until, today=timezone.localdate()),
        "refusal": refusal,
    }
    return render(request, "authority/detail.html", context, status=status)
