from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from registre.web.accounts.permissions import action_required
from registre.web.audit.export import audit_csv_lines
from registre.web.audit.forms import AuditFilterForm
from registre.web.audit.models import AuditEntry
from registre.web.audit.package import audit_package
from registre.web.clients.models import Client
from registre.web.policy import current_policy

PAGE_SIZE = 50


@action_required("audit.view")
def entry_list(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    page = Paginator(form.filter(AuditEntry.objects.all()), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audit/list.html", {"form": form, "page": page})


@action_required("audit.export")
def export(request: HttpRequest) -> StreamingHttpResponse:
    form = AuditFilterForm(request.GET or None)
    entries = form.filter(AuditEntry.objects.order_by("sequence")).iterator(chunk_size=2000)
    response = StreamingHttpResponse(audit_csv_lines(entries), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="registre-audit-{stamp}.csv"'
    return response


@require_POST
@action_required("audit.export")
def package(request: HttpRequest) -> HttpResponse:
    """The signed audit package (POST: building it is audited), for a client (`client`: its id) or the authority."""
    policy = current_policy()
    lang = request.POST.get("lang", "fr")
    if policy is None or lang not in ("fr", "en"):
        raise Http404(lang)
    client = get_object_or_404(Client, pk=request.POST["client"]) if request.POST.get("client") else None
    content = audit_package(policy, request.user, lang=lang, client=client)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="registre-audit-package-{stamp}.zip"'
    return response
