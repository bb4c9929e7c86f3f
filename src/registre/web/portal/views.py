"""The privacy portal: public pages, no JavaScript needed, rate-limited by address and by email."""

from __future__ import annotations

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
from registre.web.portal.throttle import allow
from registre.web.requests.actions import download_export, find_by_status_token, find_export
from registre.web.requests.models import DataRequest, Export, Transition
from registre.web.requests.workflow import KIND_EXPLANATIONS, Kind, State
from registre.web.security import client_address

# (hits, seconds) per client address: page views of secret links, and form posts.
READS_PER_ADDRESS = (120, 600)
POSTS_PER_ADDRESS = (20, 600)
SUBMISSIONS_PER_EMAIL = (5, 3600)
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
    return render_page(request, template, {"privacy_contact": contact, **(context or {})}, status=status)


def throttled(reads: bool = False) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Answer 429 to an address that sent too many requests (posts always count; page views if `reads`)."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            limit = POSTS_PER_ADDRESS if request.method == "POST" else READS_PER_ADDRESS
            if (request.method == "POST" or reads) and not allow(
                f"portal:{request.method}:{client_address(request)}", *limit
            ):
                return render(request, "portal/slow_down.html", status=429)
            return view(request, *args, **kwargs)

        return guarded

    return decorate


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
        if not allow(f"portal:email:{email.casefold()}", *SUBMISSIONS_PER_EMAIL):
            return render(request, "portal/slow_down.html", status=429)
        try:
            _data_request, challenge = submit_request(
                kind=kind,
                email=email,
                name=form.cleaned_data.get("name", ""),
                identities=form.identities(),
                details=form.details(),
                lang=(get_language() or "fr")[:2],
            )
        except TooManyChallenges:
            return render(request, "portal/slow_down.html", status=429)
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
    except TooManyChallenges:
        return render(request, "portal/slow_down.html", status=429)
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


CANCELLABLE = frozenset({State.RECEIVED, State.VERIFYING, State.REVIEW, State.AWAITING_APPROVAL})


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
        "progress": progress_of(data_request.state),
    }


def progress_of(state: str) -> list[tuple[str, str]]:
    """The stages shown to the person, each `done`, `current` or `todo`."""
    stages = [
        ("received", _("Received")),
        ("verified", _("Identity confirmed")),
        ("handled", _("Being handled")),
        ("answered", _("Answered")),
    ]
    reached = {
        State.RECEIVED: 0,
        State.VERIFYING: 0,
        State.REVIEW: 2,
        State.AWAITING_APPROVAL: 2,
        State.EXECUTING: 2,
        State.FORWARDED: 2,
        State.COMPLETED: 4,
        State.REFUSED: 4,
        State.CANCELLED: 4,
    }[State(state)]
    return [
        (label, "done" if index < reached else "current" if index == reached else "todo")
        for index, (_key, label) in enumerate(stages)
    ]


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
