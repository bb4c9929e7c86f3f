"""The ledger in the console, the public unsubscribe page (and its one-click POST), and /.well-known/gpc.json."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from registre.core.consent import ConsentError, gpc_document, ledger_purposes
from registre.web.accounts.permissions import action_required, can
from registre.web.consent import actions
from registre.web.consent.forms import PersonForm, RecordForm
from registre.web.consent.models import ConsentEvent
from registre.web.policy import current_policy
from registre.web.requests.tasks import PolicyUnavailable

PAGE = 50


def _purposes() -> list[tuple[str, Any]]:
    policy = current_policy()
    lang = (translation.get_language() or "fr")[:2]
    return [(key, p.name.get(lang)) for key, p in (ledger_purposes(policy) if policy else {}).items()]


@action_required("consent.view")
def ledger(request: HttpRequest) -> HttpResponse:
    return _render_ledger(request, PersonForm(), RecordForm(purposes=_purposes()))


def _render_ledger(request: HttpRequest, person: PersonForm, form: RecordForm, status: int = 200) -> HttpResponse:
    policy = current_policy()
    page = Paginator(ConsentEvent.objects.all(), PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "purposes": list(ledger_purposes(policy).values()) if policy else [],
        "person_form": person,
        "record_form": form if can(request.user, "consent.record") else None,
        "may_export": can(request.user, "consent.export"),
    }
    return render(request, "consent/ledger.html", context, status=status)


@require_POST
@action_required("consent.view")
def person(request: HttpRequest) -> HttpResponse:
    """One person's standing for every purpose, and their history (looked up by a posted email)."""
    form = PersonForm(request.POST)
    if not form.is_valid():
        return _render_ledger(request, form, RecordForm(purposes=_purposes()), status=400)
    email = form.cleaned_data["email"]
    names = dict(_purposes())
    context = {
        "email": email,
        "standings": [(item, names.get(item.purpose)) for item in actions.person_standing(email)],
        "events": actions.person_history(email),
        "may_export": can(request.user, "consent.export"),
    }
    return render(request, "consent/person.html", context)


@require_POST
@action_required("consent.record")
def record(request: HttpRequest) -> HttpResponse:
    form = RecordForm(request.POST, purposes=_purposes())
    if not form.is_valid():
        return _render_ledger(request, PersonForm(), form, status=400)
    data = form.cleaned_data
    try:
        actions.record_consent(
            request.user,
            email=data["email"],
            purpose=data["purpose"],
            state=data["state"],
            method="console",
            lang=data["lang"],
            wording_version=data["wording_version"] or None,
            evidence=actions.request_evidence(request, note=data["note"]),
        )
    except ConsentError as error:
        form.add_error(None, error.message((translation.get_language() or "fr")[:2]))
        return _render_ledger(request, PersonForm(), form, status=400)
    messages.success(request, _("The event is recorded in the ledger."))
    return redirect("consent:ledger")


@require_POST
@action_required("consent.export")
def proof(request: HttpRequest) -> HttpResponse:
    """Art. 7(1): the proof of one person's consents, as JSON: every event, its wording and its evidence."""
    form = PersonForm(request.POST)
    if not form.is_valid():
        return _render_ledger(request, form, RecordForm(purposes=_purposes()), status=400)
    document = actions.proof_of_consent(request.user, form.cleaned_data["email"])
    response = HttpResponse(json.dumps(document, indent=2, ensure_ascii=False), content_type="application/json")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="consent-proof-{document["subject_ref"][:12]}-{stamp}.json"'
    )
    return response


# --- Public: the unsubscribe link and the privacy signals ---------------------------------------------------


@never_cache
@csrf_exempt  # RFC 8058: the mail client's POST carries no cookie and no CSRF token; the signed link is the proof.
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET: the confirmation page in the link's language. POST (one click, or the page's button): the opt-out."""
    try:
        purpose, lang = actions.link_purpose(token)
    except (ConsentError, PolicyUnavailable):
        return _unsubscribe_page(request, None, "invalid", status=400)
    with translation.override(lang):
        if request.method == "GET":
            return _unsubscribe_page(request, purpose, "used" if actions.link_used(token) else "ask")
        try:
            actions.unsubscribe(token, actions.request_evidence(request, one_click=_one_click(request)))
        except ConsentError as error:
            state = "used" if error.code == "used-link" else "invalid"
            return _unsubscribe_page(request, purpose, state, status=409 if state == "used" else 400)
        return _unsubscribe_page(request, purpose, "done")


def _one_click(request: HttpRequest) -> bool:
    return request.POST.get("List-Unsubscribe") == "One-Click"


def _unsubscribe_page(request: HttpRequest, purpose: Any, state: str, status: int = 200) -> HttpResponse:
    lang = (translation.get_language() or "fr")[:2]
    policy = current_policy()
    context = {
        "state": state,
        "purpose_name": purpose.name.get(lang) if purpose else "",
        "organisation_name": policy.organisation.name if policy else "Registre",
        "privacy_contact": policy.organisation.contacts.requests.email if policy else None,
    }
    return render(request, "consent/unsubscribe.html", context, status=status)


@require_GET
def gpc(request: HttpRequest) -> JsonResponse:
    """/.well-known/gpc.json: the portal honours Global Privacy Control (recorded as an objection)."""
    policy = current_policy()
    response = JsonResponse(gpc_document(policy.effective if policy else None))
    response["Cache-Control"] = "max-age=86400"
    return response
