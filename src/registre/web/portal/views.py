"""The privacy portal: public pages, no JavaScript needed, rate-limited by address and by email."""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.shortcuts import render as render_page
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from registre.web.api.ratelimit import hit
from registre.web.consent.actions import record_gpc
from registre.web.policy import current_policy
from registre.web.portal.actions import (
    ChallengeError,
    TooManyChallenges,
    cancel_by_person,
    confirm_code,
    confirm_link,
    issue_challenge,
    submit_request,
)
from registre.web.portal.forms import CodeForm, RequestForm
from registre.web.portal.models import Challenge
from registre.web.requests.actions import download_export, find_by_status_token, find_export
from registre.web.requests.models import DataRequest, Export, Transition
from registre.web.requests.workflow import KIND_EXPLANATIONS, STEPS, Kind, State
from registre.web.security import client_address

# (hits, seconds) per client address: page views of secret links, and form posts.
READS_PER_ADDRESS = (120, 600)
POSTS_PER_ADDRESS = (20, 600)
SUBMISSIONS_PER_EMAIL = (5, 3600)
PROMISE_SHORTER_THAN_A_MONTH = 30  # days: no month is shorter than 28, every month is at least this
CHALLENGE_MESSAGES = {
    "expired": gettext_lazy("This link or code has expired. Ask for a new code below."),
    "used": gettext_lazy("This link or code was already used."),
    "attempts": gettext_lazy("Too many wrong codes: this code no longer works. Ask for a new one."),
    "wrong": gettext_lazy("This code is not the right one. Check the email and try again."),
    "unknown": gettext_lazy("This link is not valid. It may have been replaced by a newer one."),
}


def render(
    request: HttpRequest, template: str, context: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    """A portal page: with where to write with a question (the policy's address for requests)."""
    policy = current_policy()
    contact = policy.organisation.contacts.requests.email if policy is not None else None
    # The notice's promise, said instead of "one month" when it is shorter (as it is until 30 days).
    days = policy.notices.response_days if policy is not None else None
    promise = {"response_days": days if days is not None and days <= PROMISE_SHORTER_THAN_A_MONTH else None}
    return render_page(request, template, {"privacy_contact": contact, **promise, **(context or {})}, status=status)


def throttled(reads: bool = False) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Answer 429 to an address that sent too many requests (posts always count; page views if `reads`)."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            limit = POSTS_PER_ADDRESS if request.method == "POST" else READS_PER_ADDRESS
            if request.method == "POST" or reads:
                decision = hit(f"portal:{request.method}:{client_address(request)}", *limit)
                if not decision.allowed:
                    return slow_down(request, decision.retry_after)
            return view(request, *args, **kwargs)

        return guarded

    return decorate


def slow_down(request: HttpRequest, retry_after: int) -> HttpResponse:
    """The 429 page, saying how long to wait, with the same wait in `Retry-After` (seconds)."""
    response = render(request, "portal/slow_down.html", {"minutes": math.ceil(retry_after / 60)}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def home(request: HttpRequest) -> HttpResponse:
    rights = [(kind, KIND_EXPLANATIONS[kind]) for kind in Kind]
    return render(request, "portal/home.html", {"rights": rights, "policy": current_policy()})


@never_cache
@throttled()
def request_form(request: HttpRequest, kind: str) -> HttpResponse:
    policy = current_policy()
    if kind not in Kind.values or policy is None:
        raise Http404
    form = RequestForm(request.POST or None, kind=kind, policy=policy)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        decision = hit(f"portal:email:{email.casefold()}", *SUBMISSIONS_PER_EMAIL)
        if not decision.allowed:
            return slow_down(request, decision.retry_after)
        try:
            _data_request, challenge = submit_request(
                kind=kind,
                email=email,
                name=form.cleaned_data.get("name", ""),
                identities=form.identities(),
                details=form.details(),
                lang=(get_language() or "fr")[:2],
            )
        except TooManyChallenges as refused:
            return slow_down(request, refused.retry_after)
        record_gpc(request, email, (get_language() or "fr")[:2])
        return redirect("portal:verify", challenge.public_id)
    context = {"form": form, "kind": Kind(kind), "explanation": KIND_EXPLANATIONS[Kind(kind)]}
    return render(request, "portal/form.html", context, status=400 if form.errors else 200)


@never_cache
@throttled()
def verify(request: HttpRequest, challenge_id: str) -> HttpResponse:
    """The page that asks for the code sent by email (the link in the email works too)."""
    challenge = get_object_or_404(Challenge.objects.select_related("request"), public_id=challenge_id)
    form = CodeForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            _data_request, token = confirm_code(challenge, form.cleaned_data["code"])
        except ChallengeError as failure:
            error = CHALLENGE_MESSAGES[failure.reason]
        else:
            return redirect("portal:status", token)
    context = {"challenge": challenge, "form": form, "error": error, "masked": masked_email(challenge.request)}
    return render(request, "portal/verify.html", context, status=400 if error or form.errors else 200)


@require_POST
@throttled()
def resend(request: HttpRequest, challenge_id: str) -> HttpResponse:
    """A new link and code, for the same request (counted against the email's hourly allowance)."""
    challenge = get_object_or_404(Challenge.objects.select_related("request"), public_id=challenge_id)
    try:
        fresh = issue_challenge(challenge.request)
    except TooManyChallenges as refused:
        return slow_down(request, refused.retry_after)
    except ChallengeError:
        raise Http404 from None
    return redirect("portal:verify", fresh.public_id)


@never_cache
@throttled(reads=True)
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the email: a button to confirm (a GET changes nothing: mail scanners follow links)."""
    if request.method == "POST":
        try:
            _data_request, status_token = confirm_link(token)
        except ChallengeError as failure:
            return render(request, "portal/confirm.html", {"error": CHALLENGE_MESSAGES[failure.reason]}, status=400)
        return redirect("portal:status", status_token)
    return render(request, "portal/confirm.html", {})


@never_cache
@throttled(reads=True)
def status(request: HttpRequest, token: str) -> HttpResponse:
    data_request = find_by_status_token(token)
    if data_request is None:
        raise Http404
    if request.method == "POST" and request.POST.get("cancel") and data_request.state in CANCELLABLE:
        cancel_by_person(data_request)
        return redirect("portal:status", token)
    return render(request, "portal/status.html", status_context(data_request, token))


# The person may withdraw whenever the workflow lets the request be cancelled (forwarded to a client included).
CANCELLABLE = STEPS["cancel"][0]


def status_context(data_request: DataRequest, token: str) -> dict[str, Any]:
    steps = data_request.transitions.filter(event=Transition.Event.STATE).order_by("at", "pk")
    export = data_request.exports.filter(deleted_at=None).first()
    return {
        "data_request": data_request,
        "token": token,
        "steps": steps,
        "letters": data_request.letters.filter(recipient="person"),
        "export": export if export is not None and export.available else None,
        "cancellable": data_request.state in CANCELLABLE,
        "progress": progress_of(data_request.state, state_before_closing(data_request)),
    }


REACHED = {
    State.RECEIVED: 0,
    State.VERIFYING: 0,
    State.REVIEW: 2,
    State.AWAITING_APPROVAL: 2,
    State.EXECUTING: 2,
    State.FORWARDED: 2,
    State.COMPLETED: 4,
    State.REFUSED: 4,
}


def progress_of(state: str, before: str | None = None) -> list[tuple[str, str]]:
    """The stages shown to the person, each `done`, `current`, `todo` or `stopped`.

    A withdrawn (cancelled) request keeps the stages it had passed, and ends on "Withdrawn" instead of
    "Answered": nothing was answered. `before` is the state it was withdrawn from.
    """
    stages = [_("Received"), _("Identity confirmed"), _("Being handled"), _("Answered")]
    if state == State.CANCELLED:
        reached = REACHED.get(State(before), 0) if before else 0
        passed = [(label, "done") for label in stages[:reached]]
        return [*passed, (_("Withdrawn"), "stopped")]
    reached = REACHED[State(state)]
    return [
        (label, "done" if index < reached else "current" if index == reached else "todo")
        for index, label in enumerate(stages)
    ]


def state_before_closing(data_request: DataRequest) -> str | None:
    """The state a closed request was in just before it closed; None for an open one."""
    if data_request.is_open:
        return None
    last = data_request.transitions.filter(event=Transition.Event.STATE, to_state=data_request.state)
    return last.order_by("-at", "-pk").values_list("from_state", flat=True).first()


@never_cache
@throttled(reads=True)
def status_download(request: HttpRequest, token: str) -> HttpResponse:
    data_request = find_by_status_token(token)
    export = data_request.exports.filter(deleted_at=None).first() if data_request else None
    return _download(request, export)


@never_cache
@throttled(reads=True)
def download(request: HttpRequest, token: str) -> HttpResponse:
    return _download(request, find_export(token))


def _download(request: HttpRequest, export: Export | None) -> HttpResponse:
    if export is None:
        raise Http404
    try:
        chunks = download_export(export)
    except FileNotFoundError:
        return render(request, "portal/expired.html", status=410)
    response = StreamingHttpResponse(chunks, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{export.request.reference}.zip"'
    return response


def masked_email(data_request: DataRequest) -> str:
    """`a•••@example.org`: enough for the person to recognise their address, not enough to read it."""
    local, _at, domain = data_request.requester_email.partition("@")
    return f"{local[:1]}•••@{domain}"
