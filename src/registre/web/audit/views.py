from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from registre.web.accounts.permissions import action_required
from registre.web.audit.export import audit_csv_lines
from registre.web.audit.forms import AuditFilterForm
from registre.web.audit.models import AuditEntry

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
