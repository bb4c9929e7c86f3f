"""The console's pages for requests: the inbox, manual intake, a request's page, and one POST per step.

Views check the role's action, load the request and check it is within the
user's scope; `actions.py` does the rest (and checks again).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from registre.core.deadlines import TrackedDeadline, response_deadline, tracked_deadline
from registre.core.documents.pdf import write_pdf
from registre.web.accounts.permissions import action_required, can, require
from registre.web.clients.models import Client
from registre.web.policy import current_policy
from registre.web.requests import actions
from registre.web.requests.forms import (
    AttachmentForm,
    ExtendForm,
    ForwardForm,
    InboxFilterForm,
    InstructionForm,
    IntakeForm,
    NoteForm,
    ReasonForm,
    identity_label,
)
from registre.web.requests.letters import person_letter
from registre.web.requests.models import Attachment, DataRequest, Letter
from registre.web.requests.reasons import present_plan
from registre.web.requests.scope import scoped
from registre.web.requests.workflow import Kind, TransitionError

PAGE_SIZE = 50


def load(request: HttpRequest, reference: str, action: str = "requests.view") -> DataRequest:
    data_request = get_object_or_404(DataRequest.objects.select_related("client"), reference=reference)
    require(request.user, action, data_request)
    return data_request


@action_required("requests.view")
def inbox(request: HttpRequest) -> HttpResponse:
    form = InboxFilterForm(request.GET or None)
    requests = form.filter(scoped(DataRequest.objects.select_related("client"), request.user))
    page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "can_handle": can(request.user, "requests.handle")}
    return render(request, "requests/inbox.html", context)


@never_cache
@action_required("requests.handle")
def intake(request: HttpRequest) -> HttpResponse:
    policy = current_policy()
    if policy is None:
        messages.error(request, _("The policy is missing or has errors: requests cannot be recorded."))
        return redirect("requests:inbox")
    form = IntakeForm(request.POST or None, request.FILES or None, policy=policy)
    if request.method == "POST" and form.is_valid():
        try:
            data_request = record_intake(request, form)
        except (ValueError, TransitionError) as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Request %(reference)s recorded.") % {"reference": data_request.reference})
            return redirect("requests:detail", data_request.reference)
    return render(request, "requests/intake.html", {"form": form}, status=400 if form.errors else 200)


def record_intake(request: HttpRequest, form: IntakeForm) -> DataRequest:
    data = form.cleaned_data
    data_request = actions.create_request(
        kind=data["kind"],
        channel=data["channel"],
        email=data["email"],
        name=data["name"],
        identities=form.identities(),
        details=form.details(),
        lang=data["lang"],
        client=data["client"],
        received_at=form.received_at(),
        actor=request.user,
    )
    for upload in data["attachments"]:
        actions.add_attachment(data_request, request.user, upload)
    if data["verified"]:
        actions.verify_identity(data_request, request.user, method="manual", note=gettext_noop("Verified at intake."))
    return data_request


def deadline_of(data_request: DataRequest) -> TrackedDeadline | None:
    """Which rule set the request's deadline (the law or the notice's promise); None once extended."""
    policy = current_policy()
    if policy is None or data_request.extension_months:
        return None
    return tracked_deadline(
        data_request.received_on,
        country=policy.organisation.country,
        promised_days=policy.notices.response_days,
    )


@never_cache
@action_required("requests.view")
def detail(request: HttpRequest, reference: str) -> HttpResponse:
    data_request = load(request, reference)
    user = request.user
    handle = can(user, "requests.handle", data_request)
    pending = set(actions.pending_steps(data_request)) - {"complete", "fail"}
    steps = pending - {"approve"} if handle else set()
    if "approve" in pending and can(user, "requests.approve_erasure", data_request):
        steps.add("approve")
    context = {
        "data_request": data_request,
        "timeline": data_request.transitions.select_related("actor"),
        "identities": [{**item, "label": identity_label(item["type"])} for item in data_request.identities],
        "plan_parts": present_plan(data_request.plan, system_names()),
        "deadline": deadline_of(data_request),
        "letters": data_request.letters.all(),
        "attachments": data_request.attachments.all() if handle else None,
        "exports": data_request.exports.all(),
        "steps": steps,
        "handle": handle,
        "can_read_directive": data_request.kind == Kind.POST_MORTEM
        and can(user, "requests.read_directive", data_request),
        "forms": {
            "note": NoteForm(),
            "reason": ReasonForm(),
            "extend": ExtendForm(),
            "forward": ForwardForm(initial={"client": _suggested_client(data_request)}),
            "instruction": InstructionForm(),
            "attachment": AttachmentForm(),
        },
    }
    return render(request, "requests/detail.html", context)


def system_names() -> dict[str, str]:
    policy = current_policy()
    return {key: system.name or "" for key, system in policy.systems.items()} if policy is not None else {}


def _suggested_client(data_request: DataRequest) -> Client | None:
    """The request's client, else the first client whose data the plan found the person in."""
    tenants = (data_request.plan or {}).get("clients") or []
    return data_request.client or Client.objects.filter(tenant__in=tenants).first()


Step = Callable[[DataRequest, Any, dict[str, Any]], object]


def _post_step(
    request: HttpRequest, reference: str, run: Step, *, form_class: type[forms.Form] = NoteForm, done: str
) -> HttpResponse:
    """Run one step from its form; back to the request's page with what happened."""
    data_request = load(request, reference)
    form = form_class(request.POST, request.FILES or None)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("requests:detail", reference)
    try:
        run(data_request, request.user, form.cleaned_data)
    except (TransitionError, ValueError, actions.PolicyUnavailable) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return redirect("requests:detail", reference)


@require_POST
@action_required("requests.handle")
def start_verification(request: HttpRequest, reference: str) -> HttpResponse:
    run: Step = lambda r, user, data: actions.start_verification(r, user, data["note"])  # noqa: E731
    return _post_step(request, reference, run, done=_("Verification started."))


@require_POST
@action_required("requests.handle")
def verify(request: HttpRequest, reference: str) -> HttpResponse:
    run: Step = lambda r, user, data: actions.verify_identity(r, user, method="manual", note=data["note"])  # noqa: E731
    return _post_step(request, reference, run, done=_("Identity verified: the request is in review."))


@require_POST
@action_required("requests.handle")
def refresh_plan(request: HttpRequest, reference: str) -> HttpResponse:
    run: Step = lambda r, user, data: actions.refresh_plan(r, user)  # noqa: E731
    return _post_step(request, reference, run, done=_("The plan is up to date."))


@require_POST
@action_required("requests.handle")
def request_approval(request: HttpRequest, reference: str) -> HttpResponse:
    run: Step = lambda r, user, data: actions.request_approval(r, user, data["note"])  # noqa: E731
    return _post_step(request, reference, run, done=_("A DPO is asked to approve the erasure."))


@require_POST
@action_required("requests.approve_erasure")
def approve(request: HttpRequest, reference: str) -> HttpResponse:
    run: Step = lambda r, user, data: actions.approve_erasure(r, user, data["note"])  # noqa: E731
    return _post_step(request, reference, run, done=_("Erasure approved: it is being executed."))


@require_POST
@action_required("requests.handle")
def execute(request: HttpRequest, reference: str) -> HttpResponse:
    run: Step = lambda r, user, data: actions.execute_request(r, user, data["note"])  # noqa: E731
    return _post_step(request, reference, run, done=_("The request is being executed."))


@require_POST
@action_required("requests.handle")
def refuse(request: HttpRequest, reference: str) -> HttpResponse:
    run: Step = lambda r, user, data: actions.refuse_request(r, user, data["reason"])  # noqa: E731
    return _post_step(request, reference, run, form_class=ReasonForm, done=_("Refused; the person is told why."))


@require_POST
@action_required("requests.handle")
def extend(request: HttpRequest, reference: str) -> HttpResponse:
    run: Step = lambda r, user, data: actions.extend_deadline(r, user, months=data["months"], reason=data["reason"])  # noqa: E731
    return _post_step(request, reference, run, form_class=ExtendForm, done=_("Deadline extended; the person is told."))


@require_POST
@action_required("requests.handle")
def cancel(request: HttpRequest, reference: str) -> HttpResponse:
    run: Step = lambda r, user, data: actions.cancel_request(r, user, data["note"])  # noqa: E731
    return _post_step(request, reference, run, done=_("Request cancelled."))


@require_POST
@action_required("requests.handle")
def forward(request: HttpRequest, reference: str) -> HttpResponse:
    run: Step = lambda r, user, data: actions.forward_to_client(r, user, data["client"], data["note"])  # noqa: E731
    return _post_step(request, reference, run, form_class=ForwardForm, done=_("Forwarded to the client."))


@require_POST
@action_required("requests.handle")
def instruct(request: HttpRequest, reference: str) -> HttpResponse:
    def run(r: DataRequest, user: Any, data: dict[str, Any]) -> object:
        return actions.record_instruction(r, user, instruction=data["instruction"], given_by=data["given_by"])

    return _post_step(request, reference, run, form_class=InstructionForm, done=_("Instruction recorded: executing."))


@require_POST
@action_required("requests.handle")
def attach(request: HttpRequest, reference: str) -> HttpResponse:
    def run(r: DataRequest, user: Any, data: dict[str, Any]) -> object:
        return [actions.add_attachment(r, user, upload) for upload in data["attachments"]]

    return _post_step(request, reference, run, form_class=AttachmentForm, done=_("Attachment added."))


@action_required("requests.handle")
def attachment(request: HttpRequest, reference: str, pk: int) -> StreamingHttpResponse:
    data_request = load(request, reference, "requests.handle")
    item = get_object_or_404(Attachment, pk=pk, request=data_request)
    response = StreamingHttpResponse(actions.open_attachment(item, request.user), content_type=item.content_type)
    response["Content-Disposition"] = f'attachment; filename="{data_request.reference}-{item.pk}"'
    return response


@action_required("requests.view")
def letter(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    data_request = load(request, reference)
    item = get_object_or_404(Letter, pk=pk, request=data_request)
    if request.GET.get("format") == "pdf" and item.html:
        response = HttpResponse(write_pdf(item.html), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{data_request.reference}-{item.kind}.pdf"'
        return response
    return render(request, "requests/letter.html", {"data_request": data_request, "letter": item})


PREVIEWS = ("refusal", "extension")  # the letters a staff member writes part of, before sending them


@never_cache
@require_POST
@action_required("requests.handle")
def letter_preview(request: HttpRequest, reference: str, kind: str) -> HttpResponse:
    """The letter that the refusal or extension form would send, as the person will read it; nothing is sent.

    A POST, so that the reason (which may name the person) stays out of URLs and logs.
    """
    data_request = load(request, reference, "requests.handle")
    policy = current_policy()
    if kind not in PREVIEWS or policy is None:
        raise Http404
    reason = request.POST.get("reason", "").strip() or _("(the reason you write)")
    arguments: dict[str, Any] = {"reason": reason}
    if kind == "extension":
        months = 2 if request.POST.get("months") == "2" else 1
        arguments["extended_until"] = response_deadline(
            data_request.received_on, country=policy.organisation.country, extension_months=months
        )
    letter = person_letter(data_request, kind, policy, **arguments)
    return render(request, "requests/letter_preview.html", {"data_request": data_request, "letter": letter})


@never_cache
@action_required("requests.read_directive")
def directive(request: HttpRequest, reference: str) -> HttpResponse:
    data_request = load(request, reference, "requests.read_directive")
    try:
        text = actions.read_directive(data_request, request.user)
    except ValueError as error:
        messages.error(request, str(error))
        return redirect("requests:detail", reference)
    return render(request, "requests/directive.html", {"data_request": data_request, "text": text})
