"""Deadline reminders: 7 and 2 days before, to who handles the request and the DPO, once each, in a daily job."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from registre.web.audit.models import AuditEntry
from registre.web.jobs.worker import make_worker
from registre.web.requests import actions
from registre.web.requests.models import DataRequest
from registre.web.requests.reminders import deadline_reminders, ensure_reminders_scheduled, send_deadline_reminders

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_test_transaction")]


def a_request(workspace, agent, sample=1):
    request = actions.create_request(
        kind="access", channel="email", email=workspace.sample(sample)["email"], actor="system"
    )
    actions.verify_identity(request, agent, method="manual")
    return DataRequest.objects.get(pk=request.pk)


def test_a_reminder_goes_to_the_handler_and_the_dpo_7_then_2_days_before(workspace, agent, settings):
    settings.LANGUAGE_CODE = "fr"
    request = a_request(workspace, agent)
    mail.outbox.clear()
    assert send_deadline_reminders(request.due_on - dt.timedelta(days=8)) == 0
    assert send_deadline_reminders(request.due_on - dt.timedelta(days=7)) == 1
    (message,) = mail.outbox
    assert message.to == [agent.email, "dpo@nuage-exemple.fr"]
    assert request.reference in message.subject and "7 jours" in message.subject
    assert f"/console/requests/{request.reference}/" in message.body
    assert send_deadline_reminders(request.due_on - dt.timedelta(days=2)) == 1
    assert len(mail.outbox) == 2 and "2 jours" in mail.outbox[1].subject


def test_a_reminder_is_sent_once_even_when_the_job_runs_twice(workspace, agent):
    request = a_request(workspace, agent)
    day = request.due_on - dt.timedelta(days=7)
    assert send_deadline_reminders(day) == 1
    assert send_deadline_reminders(day) == 0
    assert AuditEntry.objects.filter(action="request.reminder_sent", request_id=request.reference).count() == 1


def test_a_closed_request_gets_no_reminder(workspace, agent):
    request = a_request(workspace, agent)
    actions.cancel_request(request, agent, "duplicate")
    assert send_deadline_reminders(request.due_on - dt.timedelta(days=7)) == 0


def test_the_daily_job_runs_and_queues_the_next(workspace):
    assert ensure_reminders_scheduled(now=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)) is True
    assert ensure_reminders_scheduled() is False
    make_worker(batch=True, interval=0).run()
    from django_tasks_db.models import DBTaskResult

    runs = DBTaskResult.objects.filter(task_path=deadline_reminders.module_path)
    assert runs.filter(status="SUCCESSFUL").count() == 1 and runs.filter(status="READY").count() == 1
