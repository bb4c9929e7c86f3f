"""Deadline reminders: a daily job e-mails who handles an open request, and the DPO, 7 and 2 days before its deadline.

Who handles it is the last staff member who acted on it (a step of its timeline); the DPO is the
policy's `organisation.contacts.dpo`. Each reminder is recorded in the audit log
(`request.reminder_sent`), which also keeps it from being sent twice when the job runs again the same
day. The schedule is a chain of jobs, as the retention sweep's: each run queues the next one for the
next day at REGISTRE_REMINDER_TIME (`registre worker` and `registre serve` make sure one waits).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django_tasks import TaskContext, task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from registre.core.policy import Policy
from registre.web.audit.actions import record
from registre.web.audit.models import AuditEntry
from registre.web.jobs.actions import log_job
from registre.web.policy import current_policy
from registre.web.requests.models import DataRequest, Transition
from registre.web.requests.workflow import OPEN

REMINDER_DAYS = (7, 2)  # days before the deadline


def send_deadline_reminders(today: dt.date | None = None) -> int:
    """E-mail the reminders due `today` (see the module); the number of requests reminded."""
    today = today or timezone.localdate()
    policy = current_policy()
    sent = 0
    for days in REMINDER_DAYS:
        due = DataRequest.objects.filter(state__in=OPEN, due_on=today + dt.timedelta(days=days)).order_by("pk")
        for request in due:
            if not _already_reminded(request, days):
                sent += remind(request, days, policy)
    return sent


def remind(request: DataRequest, days: int, policy: Policy | None) -> int:
    """Send one reminder (when it has someone to go to) and record it; 1 if sent, else 0."""
    recipients = reminder_recipients(request, policy)
    if not recipients:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Request %(reference)s: %(days)s days left") % {"reference": request.reference, "days": days}
        body = _(
            "The request %(reference)s (%(kind)s) must be answered by %(due)s: %(days)s days left.\n\n%(url)s\n"
        ) % {
            "reference": request.reference,
            "kind": request.get_kind_display(),
            "due": date_format(request.due_on, "DATE_FORMAT"),
            "days": days,
            "url": settings.REGISTRE_BASE_URL + reverse("requests:detail", args=[request.reference]),
        }
    with transaction.atomic():
        record(
            "system",
            "request.reminder_sent",
            request_id=request.reference,
            details={"days": days, "recipients": len(recipients)},
        )
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, recipients).send()
    return 1


def reminder_recipients(request: DataRequest, policy: Policy | None) -> list[str]:
    """The last staff member who acted on the request, and the DPO; each address once."""
    handler = (
        Transition.objects.filter(request=request, actor__isnull=False)
        .exclude(actor__email="")
        .order_by("-at", "-pk")
        .values_list("actor__email", flat=True)
        .first()
    )
    dpo = policy.organisation.contacts.dpo if policy is not None else None
    return list(dict.fromkeys(address for address in (handler, dpo.email if dpo else None) if address))


def _already_reminded(request: DataRequest, days: int) -> bool:
    entries = AuditEntry.objects.filter(action="request.reminder_sent", request_id=request.reference)
    return any(entry.details.get("days") == days for entry in entries)


# --- The daily job ---------------------------------------------------------------------------------------


def next_reminders_at(now: dt.datetime | None = None) -> dt.datetime:
    """The next moment at REGISTRE_REMINDER_TIME, strictly after `now`."""
    now = timezone.localtime(now or timezone.now())
    at = dt.time.fromisoformat(str(settings.REGISTRE_REMINDER_TIME))
    moment = timezone.make_aware(dt.datetime.combine(now.date(), at), now.tzinfo)
    return moment if moment > now else moment + dt.timedelta(days=1)


@task(takes_context=True)
def deadline_reminders(context: TaskContext) -> dict[str, Any]:
    """The daily reminders; queues the next run whatever happens."""
    try:
        sent = send_deadline_reminders()
        log_job(context, f"{sent} reminder(s) sent")
        return {"sent": sent}
    finally:
        ensure_reminders_scheduled()


def ensure_reminders_scheduled(now: dt.datetime | None = None) -> bool:
    """Queue the next daily run unless one is already waiting; True when one was queued."""
    with transaction.atomic():
        waiting = DBTaskResult.objects.filter(
            task_path=deadline_reminders.module_path, status=TaskResultStatus.READY
        ).select_for_update()
        if list(waiting[:1]):
            return False
        deadline_reminders.using(run_after=next_reminders_at(now)).enqueue()
        return True
