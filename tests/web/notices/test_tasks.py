"""The nightly run that settles the windows that have passed: exactly one waits; each run records the silences."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone
from tests.web.notices.conftest import effective_in, with_effective

from registre.web.audit.models import AuditEntry
from registre.web.jobs.worker import run_worker
from registre.web.notices import actions
from registre.web.notices.models import ClientNotice
from registre.web.notices.tasks import ensure_settling_scheduled, next_run, waiting_runs

pytestmark = pytest.mark.usefixtures("in_test_transaction")
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def test_the_next_run_is_five_past_midnight():
    assert next_run(dt.datetime(2026, 12, 4, 17, 42, tzinfo=PARIS)) == dt.datetime(2026, 12, 5, 0, 5, tzinfo=PARIS)
    assert next_run(dt.datetime(2026, 12, 4, 0, 1, tzinfo=PARIS)) == dt.datetime(2026, 12, 4, 0, 5, tzinfo=PARIS)


@pytest.mark.django_db
def test_the_scheduler_never_queues_two_runs():
    assert ensure_settling_scheduled() is True
    assert ensure_settling_scheduled() is False
    assert waiting_runs().count() == 1


def test_a_run_settles_the_windows_that_have_passed_then_queues_the_next(versions, clients, app_database):
    old, new = versions
    actions.open_campaign("system", old, with_effective(new, effective_in(40)), old_label="v1", new_label="v2")
    ClientNotice.objects.filter(client__tenant="tenant-a").update(closes=timezone.localdate())
    ensure_settling_scheduled(now=timezone.now() - dt.timedelta(days=2))  # due yesterday: ready now

    run_worker(batch=True, interval=0)

    assert AuditEntry.objects.filter(action="notices.accepted_by_silence").count() == 1
    assert ClientNotice.objects.get(client__tenant="tenant-a").settled_at is not None
    [waiting] = waiting_runs()
    assert waiting.run_after > timezone.now()
