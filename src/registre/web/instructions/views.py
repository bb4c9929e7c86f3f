from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from registre.web.accounts.permissions import action_required, can, scope_of
from registre.web.clients.models import Client
from registre.web.instructions import actions
from registre.web.instructions.export import instruction_log_csv
from registre.web.instructions.forms import FlagForm, InstructionForm
from registre.web.instructions.models import Instruction, within_scope
from registre.web.policy import current_policy


def clients_of(user: Any) -> Any:
    """The clients within `user`'s scope."""
    scope = scope_of(user)
    clients = Client.objects.all()
    return clients if scope.clients is None else clients.filter(tenant__in=scope.clients)


def instruction_form(user: Any, data: Any = None) -> InstructionForm:
    """The form, with the user's clients and the policy's processor activities to choose from."""
    policy = current_policy()
    lang = (get_language() or "fr")[:2]
    processing = policy.activities_by_role("processor") if policy else {}
    activities = [(key, item.name.get(lang)) for key, item in processing.items()]
    return InstructionForm(data, clients=clients_of(user), activities=activities)


def visible_log(request: HttpRequest) -> Any:
    """The instructions within the user's scope, of one client when `?client=` names it."""
    found = within_scope(Instruction.objects.select_related("client", "request"), request.user)
    client = request.GET.get("client", "")
    return found.filter(client_id=int(client)) if client.isdigit() else found


@action_required("instructions.view")
def instruction_list(request: HttpRequest) -> HttpResponse:
    form = instruction_form(request.user) if can(request.user, "instructions.record") else None
    return _render_list(request, form)


@require_POST
@action_required("instructions.record")
def instruction_create(request: HttpRequest) -> HttpResponse:
    form = instruction_form(request.user, request.POST)
    if form.is_valid():
        try:
            found = actions.record_instruction(request.user, **form.cleaned_data)
        except actions.InstructionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The instruction %(reference)s is logged.") % {"reference": found.reference})
            return redirect("instructions:detail", pk=found.pk)
    return _render_list(request, form, status=400)


def _render_list(request: HttpRequest, form: InstructionForm | None, status: int = 200) -> HttpResponse:
    instructions = list(visible_log(request)[:200])
    names = _activity_names()
    for item in instructions:
        item.covered = [names.get(key, key) for key in item.activities]  # type: ignore[attr-defined]
    context = {"instructions": instructions, "form": form, "client": request.GET.get("client", "")}
    return render(request, "instructions/list.html", context, status=status)


def _activity_names() -> dict[str, str]:
    """Each activity of the policy in force by its name in the page's language."""
    policy = current_policy()
    lang = (get_language() or "fr")[:2]
    return {} if policy is None else {key: activity.name.get(lang) for key, activity in policy.activities.items()}


@action_required("instructions.view")
def instruction_export(request: HttpRequest) -> HttpResponse:
    """The log (of the user's scope, or of one client) as CSV in the language asked."""
    lang = "en" if request.GET.get("lang") == "en" else "fr"
    response = HttpResponse(instruction_log_csv(visible_log(request), lang), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="client-instructions-{lang}.csv"'
    return response


@action_required("instructions.view")
def instruction_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, visible_instruction(request, pk), FlagForm())


@require_POST
@action_required("instructions.flag")
def instruction_flag(request: HttpRequest, pk: int) -> HttpResponse:
    found = visible_instruction(request, pk)
    form = FlagForm(request.POST)
    if form.is_valid():
        try:
            actions.flag_unlawful(found, request.user, reason=form.cleaned_data["reason"])
        except actions.InstructionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The instruction is flagged and the client is told."))
            return redirect("instructions:detail", pk=pk)
    return _render_detail(request, found, form, status=400)


def visible_instruction(request: HttpRequest, pk: int) -> Instruction:
    """The instruction `pk` within the user's scope: 404 otherwise (its existence is not disclosed)."""
    found = get_object_or_404(Instruction.objects.select_related("client", "request"), pk=pk)
    if not can(request.user, "instructions.view", found):
        raise Http404
    return found


def _render_detail(request: HttpRequest, found: Instruction, form: FlagForm, status: int = 200) -> HttpResponse:
    names = _activity_names()
    context = {
        "found": found,
        "covered": [names.get(key, key) for key in found.activities],
        "flag_form": form if can(request.user, "instructions.flag", found) and not found.flagged else None,
    }
    return render(request, "instructions/detail.html", context, status=status)
