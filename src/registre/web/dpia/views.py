"""The console's impact assessments: each activity's status, its versions, and the document of each."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from registre.core.documents.dpia import render_dpia, risk_titles
from registre.core.policy import Policy
from registre.core.policy.dpia import assess_dpia
from registre.web.accounts.permissions import action_required, can
from registre.web.dpia import actions
from registre.web.dpia.forms import AssessmentForm, ConsultationForm, ValidationForm
from registre.web.dpia.models import DpiaVersion
from registre.web.policy import current_policy

CONTENT_TYPES = {"pdf": "application/pdf", "html": "text/html; charset=utf-8", "md": "text/markdown; charset=utf-8"}


def _policy() -> Policy:
    policy = current_policy()
    if policy is None:
        raise Http404("no policy")
    return policy


@action_required("dpia.view")
def dpia_list(request: HttpRequest) -> HttpResponse:
    policy = _policy()
    today = timezone.localdate()
    lang = (get_language() or "fr")[:2]
    latest = {version.activity: version for version in DpiaVersion.objects.order_by("activity", "version")}
    rows = [
        (key, activity.name.get(lang), assess_dpia(policy, key, today), latest.get(key))
        for key, activity in policy.activities.items()
    ]
    return render(request, "dpia/list.html", {"rows": rows, "may_manage": can(request.user, "dpia.manage")})


@require_POST
@action_required("dpia.manage")
def dpia_create(request: HttpRequest) -> HttpResponse:
    try:
        version = actions.create_version(request.user, request.POST.get("activity", ""))
    except actions.AssessmentError as error:
        messages.error(request, str(error))
        return redirect("dpia:list")
    return redirect("dpia:detail", pk=version.pk)


@action_required("dpia.view")
def dpia_detail(request: HttpRequest, pk: int) -> HttpResponse:
    version = get_object_or_404(DpiaVersion, pk=pk)
    form = AssessmentForm(initial=_initial(version))
    return _render_detail(request, version, form)


def _initial(version: DpiaVersion) -> dict[str, object]:
    return {
        "context": version.context,
        "principles": version.principles,
        "review_on": version.review_on,
        **AssessmentForm.initial_of(version.risks),
    }


def _render_detail(
    request: HttpRequest,
    version: DpiaVersion,
    form: AssessmentForm,
    validation: ValidationForm | None = None,
    consultation: ConsultationForm | None = None,
    status: int = 200,
) -> HttpResponse:
    policy = _policy()
    record = version.record()
    found = assess_dpia(policy, version.activity, timezone.localdate())
    today = timezone.localdate().isoformat()
    lang = (get_language() or "fr")[:2]
    activity = policy.activities.get(version.activity)
    context = {
        "version": version,
        "activity_name": activity.name.get(lang) if activity is not None else version.activity,
        "record": record,
        "form": form,
        "titles": risk_titles((get_language() or "fr")[:2]),
        "validation": validation or ValidationForm(initial={"on": today}),
        "consultation": consultation or ConsultationForm(initial={"sent_on": today}),
        "may_manage": can(request.user, "dpia.manage"),
        "versions": DpiaVersion.objects.filter(activity=version.activity),
        "entry": actions.policy_entry(version, found.declared) if record.validated else "",
    }
    return render(request, "dpia/detail.html", context, status=status)


@require_POST
@action_required("dpia.manage")
def dpia_assess(request: HttpRequest, pk: int) -> HttpResponse:
    version = get_object_or_404(DpiaVersion, pk=pk)
    form = AssessmentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.assess(
                version,
                request.user,
                context=data["context"],
                principles=data["principles"],
                risks=form.risks(),
                review_on=data["review_on"],
            )
        except actions.AssessmentError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The assessment is recorded."))
            return redirect("dpia:detail", pk=pk)
    return _render_detail(request, version, form, status=400)


@require_POST
@action_required("dpia.manage")
def dpia_validate(request: HttpRequest, pk: int) -> HttpResponse:
    version = get_object_or_404(DpiaVersion, pk=pk)
    form = ValidationForm(request.POST)
    if form.is_valid():
        try:
            actions.validate(version, request.user, **form.cleaned_data)
        except actions.AssessmentError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The assessment is validated."))
            return redirect("dpia:detail", pk=pk)
    return _render_detail(request, version, AssessmentForm(initial=_initial(version)), validation=form, status=400)


@require_POST
@action_required("dpia.manage")
def dpia_consultation(request: HttpRequest, pk: int) -> HttpResponse:
    version = get_object_or_404(DpiaVersion, pk=pk)
    form = ConsultationForm(request.POST)
    if form.is_valid():
        try:
            actions.record_consultation(version, request.user, **form.cleaned_data)
        except actions.AssessmentError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The consultation of the authority is recorded."))
            return redirect("dpia:detail", pk=pk)
    return _render_detail(request, version, AssessmentForm(initial=_initial(version)), consultation=form, status=400)


@action_required("dpia.view")
def dpia_document(request: HttpRequest, pk: int) -> HttpResponse:
    """The document of a version, PDF (or ?format=html|md), in ?lang=fr|en."""
    version = get_object_or_404(DpiaVersion, pk=pk)
    policy = _policy()
    lang = request.GET.get("lang", "fr")
    fmt = request.GET.get("format", "pdf")
    if lang not in ("fr", "en") or fmt not in CONTENT_TYPES or version.activity not in policy.activities:
        raise Http404(lang)
    content = render_dpia(policy, version.record(), lang=lang, fmt=fmt)  # type: ignore[arg-type]
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    if fmt != "html":
        name = f"dpia-{version.activity}-v{version.version}-{lang}.{fmt}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
