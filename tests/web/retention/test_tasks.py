"""The daily schedule: exactly one sweep waits, at the next REGISTRE_SWEEP_TIME."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from registre.web.jobs.worker import run_worker
from registre.web.retention.models import SweepRun
from registre.web.retention.tasks import ensure_sweep_scheduled, next_sweep_at, waiting_sweeps

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_test_transaction")]
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def test_the_next_sweep_is_at_the_configured_time(settings):
    settings.REGISTRE_SWEEP_TIME = "03:30"
    before = dt.datetime(2026, 11, 23, 2, 0, tzinfo=PARIS)
    after = dt.datetime(2026, 11, 23, 4, 0, tzinfo=PARIS)
    assert next_sweep_at(before) == dt.datetime(2026, 11, 23, 3, 30, tzinfo=PARIS)
    assert next_sweep_at(after) == dt.datetime(2026, 11, 24, 3, 30, tzinfo=PARIS)


def test_the_scheduler_never_queues_two_runs():
    assert ensure_sweep_scheduled() is True
    assert ensure_sweep_scheduled() is False
    assert waiting_sweeps().count() == 1


def test_a_scheduled_run_sweeps_then_queues_the_next(workspace):
    past = dt.datetime(2026, 11, 20, 12, 0, tzinfo=PARIS)
    ensure_sweep_scheduled(now=past)  # due at 03:00 on the 21st: ready now
    run_worker(batch=True, interval=0)
    assert SweepRun.objects.get().status == SweepRun.Status.DONE
    [waiting] = waiting_sweeps()
    assert waiting.run_after > dt.datetime.now(tz=PARIS)
