"""The hourly run of the breach clocks: exactly one waits, at the top of the next hour; each run reminds the DPO."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.core import mail
from django.utils import timezone

from registre.web.breaches.tasks import ensure_clocks_scheduled, next_hour, waiting_runs
from registre.web.jobs.worker import run_worker

from .conftest import declare

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_test_transaction")]
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def test_the_next_run_is_at_the_top_of_the_next_hour():
    assert next_hour(dt.datetime(2026, 12, 4, 17, 42, 5, tzinfo=PARIS)) == dt.datetime(2026, 12, 4, 18, 0, tzinfo=PARIS)
    assert next_hour(dt.datetime(2026, 12, 4, 23, 0, tzinfo=PARIS)) == dt.datetime(2026, 12, 5, 0, 0, tzinfo=PARIS)


def test_the_scheduler_never_queues_two_runs():
    assert ensure_clocks_scheduled() is True
    assert ensure_clocks_scheduled() is False
    assert waiting_runs().count() == 1


def test_a_run_reminds_the_dpo_then_queues_the_next(workspace, dpo):
    breach = declare(dpo, ["crm.contacts"], aware_at=timezone.now() - dt.timedelta(hours=50))
    ensure_clocks_scheduled(now=timezone.now() - dt.timedelta(hours=2))  # due an hour ago: ready now
    run_worker(batch=True, interval=0)
    [reminder] = mail.outbox
    assert breach.reference in reminder.subject and reminder.to == ["dpo@nuage-exemple.fr"]
    [waiting] = waiting_runs()
    assert waiting.run_after > timezone.now()
