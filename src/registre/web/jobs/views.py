from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django_tasks_db.models import DBTaskResult

from registre.web.accounts.permissions import action_required
from registre.web.jobs.models import STATUS_LABELS
from registre.web.redaction import redact

PAGE_SIZE = 50


@action_required("jobs.view")
def job_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    jobs = DBTaskResult.objects.order_by("-enqueued_at")
    if status in STATUS_LABELS:
        jobs = jobs.filter(status=status)
    page = Paginator(jobs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "status": status, "statuses": STATUS_LABELS.items()}
    return render(request, "jobs/list.html", context)


@action_required("jobs.view")
def job_detail(request: HttpRequest, pk: str) -> HttpResponse:
    job = get_object_or_404(DBTaskResult, pk=pk)
    # Exception messages may quote data: the traceback is shown redacted, like the logs.
    context = {"job": job, "log": job.log_lines.all(), "traceback": redact(job.traceback)}
    return render(request, "jobs/detail.html", context)
