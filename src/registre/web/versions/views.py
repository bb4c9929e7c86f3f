from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from registre.core.documents import render_notice, render_register, render_subprocessors
from registre.core.i18n import Lang
from registre.core.policy import Policy
from registre.web.accounts.permissions import action_required
from registre.web.versions.actions import current_announcements, policy_on, version_on
from registre.web.versions.models import PolicyVersion

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The documents of a version that staff may download: (content type, file suffix).
DOCUMENTS = {
    "notice": ("text/html; charset=utf-8", "html"),
    "register": (XLSX, "xlsx"),
    "processor-register": (XLSX, "xlsx"),
    "annex": ("text/html; charset=utf-8", "html"),
}


@require_GET
def notice(request: HttpRequest) -> HttpResponse:
    """The privacy notice in force today, or on `?at=YYYY-MM-DD` (past or announced), in the page's language."""
    raw = request.GET.get("at", "")
    try:
        day = dt.date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        return HttpResponseBadRequest(_("The date is not valid: give it as YYYY-MM-DD."))
    policy = policy_on(day)
    if policy is None:
        raise Http404(_("No privacy notice was in force on that date."))
    return HttpResponse(render_notice(policy, lang=_lang(), fmt="html"), content_type="text/html; charset=utf-8")


@action_required("policy.view")
def version_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    in_force = version_on(today)
    versions = list(PolicyVersion.objects.select_related("announcement", "published_by").order_by("-pk"))
    context = {
        "versions": versions,
        "in_force": in_force.pk if in_force else None,
        "announced": {item.version_id for item in current_announcements()},
        "documents": list(DOCUMENTS),
        "today": today,
    }
    return render(request, "versions/list.html", context)


@action_required("policy.view")
def version_document(request: HttpRequest, pk: int, document: str, lang: str) -> HttpResponse:
    """A document of a published version, as it read then: notice, register, processor register, annex."""
    version = get_object_or_404(PolicyVersion, pk=pk)
    if document not in DOCUMENTS or lang not in ("fr", "en"):
        raise Http404
    content_type, suffix = DOCUMENTS[document]
    body = _render(version.as_policy(), document, "en" if lang == "en" else "fr", version.effective)
    response = HttpResponse(body, content_type=content_type)
    if suffix == "xlsx":
        response["Content-Disposition"] = f'attachment; filename="{document}-v{version.pk}-{lang}.xlsx"'
    return response


def _render(policy: Policy, document: str, lang: Lang, effective: dt.date) -> bytes:
    if document == "notice":
        return render_notice(policy, lang=lang, fmt="html")
    if document == "annex":
        return render_subprocessors(policy, lang=lang, fmt="html", today=effective)
    role = "processor" if document == "processor-register" else "controller"
    return render_register(policy, role=role, lang=lang, fmt="xlsx", today=effective)


def _lang() -> Lang:
    return "en" if (translation.get_language() or "fr").startswith("en") else "fr"
