from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django_tasks_db.models import DBTaskResult

from registre.web.accounts.models import ApiToken
from registre.web.accounts.permissions import ROLES, action_required, can
from registre.web.audit.models import AuditEntry
from registre.web.policy import loaded_policy

RECENT = 5


@action_required("console.view")
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "staff_count": get_user_model().objects.filter(is_active=True, groups__name__in=ROLES).distinct().count(),
        "token_count": ApiToken.objects.filter(revoked_at=None).count(),
        "loaded_policy": loaded_policy(),
    }
    if can(user, "audit.view"):
        context["audit_count"] = AuditEntry.objects.count()
        context["audit_recent"] = AuditEntry.objects.all()[:RECENT]
    if can(user, "jobs.view"):
        by_status = DBTaskResult.objects.values("status").annotate(n=Count("pk"))
        context["job_counts"] = {row["status"]: row["n"] for row in by_status}
        context["jobs_recent"] = DBTaskResult.objects.order_by("-enqueued_at")[:RECENT]
    return render(request, "console/home.html", context)


def root(request: HttpRequest) -> HttpResponse:
    return redirect("console:home")


@never_cache
def health(request: HttpRequest) -> HttpResponse:
    """200 "ok" when the application answers and its database too: for load balancers and `registre serve`."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
