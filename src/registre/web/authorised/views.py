from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from registre.core.documents.designation import render_designation
from registre.web.accounts.permissions import action_required, can
from registre.web.authorised import actions
from registre.web.authorised.forms import DateForm, DesignationForm
from registre.web.authorised.models import AuthorisedPerson
from registre.web.policy import current_policy


def designation_form(data: Any = None) -> DesignationForm:
    """The form, with the policy's activities and systems to choose from."""
    policy = current_policy()
    lang = (get_language() or "fr")[:2]
    activities = [(key, item.name.get(lang)) for key, item in policy.activities.items()] if policy else []
    systems = [(key, system.name or key) for key, system in policy.systems.items()] if policy else []
    return DesignationForm(data, activities=activities, systems=systems)


@action_required("authorised.view")
def person_list(request: HttpRequest) -> HttpResponse:
    return _render_list(request, designation_form() if can(request.user, "authorised.manage") else None)


@require_POST
@action_required("authorised.manage")
def person_create(request: HttpRequest) -> HttpResponse:
    form = designation_form(request.POST)
    if form.is_valid():
        try:
            person = actions.designate(request.user, **form.cleaned_data)
        except actions.AuthorisationError as error:
            form.add_error(None, str(error))
        else:
            return redirect("authorised:detail", pk=person.pk)
    return _render_list(request, form, status=400)


def _render_list(request: HttpRequest, form: DesignationForm | None, status: int = 200) -> HttpResponse:
    today = timezone.localdate()
    people = [(person, person.training_status(today)) for person in AuthorisedPerson.objects.select_related("user")]
    return render(request, "authorised/list.html", {"people": people, "form": form}, status=status)


@action_required("authorised.view")
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(AuthorisedPerson.objects.select_related("user"), pk=pk)
    context = {
        "person": person,
        "status": person.training_status(),
        "may_manage": can(request.user, "authorised.manage"),
        "today": timezone.localdate().isoformat(),
    }
    return render(request, "authorised/detail.html", context)


def _dated(action: Callable[..., AuthorisedPerson], done: Promise, **fixed: str) -> Callable[..., HttpResponse]:
    """A POST with a date (`on`) that applies one action, then shows the person again."""

    @require_POST
    @action_required("authorised.manage")
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        person = get_object_or_404(AuthorisedPerson, pk=pk)
        form = DateForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Give a valid date."))
            return redirect("authorised:detail", pk=pk)
        try:
            action(person, request.user, on=form.cleaned_data["on"], **fixed)
        except actions.AuthorisationError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, done)
        return redirect("authorised:detail", pk=pk)

    return view


person_trained = _dated(actions.record_training, gettext_lazy("The training is recorded."))
person_signed = _dated(actions.record_signature, gettext_lazy("The signature is recorded."), document="designation")
person_undertaking = _dated(
    actions.record_signature, gettext_lazy("The signature is recorded."), document="confidentiality"
)
person_end = _dated(actions.end_mission, gettext_lazy("The mission has ended; the console access is revoked."))


@action_required("authorised.view")
def person_designation(request: HttpRequest, pk: int) -> HttpResponse:
    """The written designation, PDF (or ?format=html), in ?lang=fr|en."""
    person = get_object_or_404(AuthorisedPerson, pk=pk)
    policy = current_policy()
    lang = request.GET.get("lang", "fr")
    fmt = request.GET.get("format", "pdf")
    if policy is None or lang not in ("fr", "en") or fmt not in ("pdf", "html"):
        raise Http404(lang)
    content = render_designation(person.designation(), policy, lang=lang, fmt=fmt, today=person.designated_on)  # type: ignore[arg-type]
    response = HttpResponse(content, content_type="application/pdf" if fmt == "pdf" else "text/html; charset=utf-8")
    if fmt == "pdf":
        response["Content-Disposition"] = f'attachment; filename="designation-{person.pk}-{lang}.pdf"'
    return response
