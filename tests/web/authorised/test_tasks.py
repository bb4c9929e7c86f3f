"""The daily training reminder: exactly one run waits, at the next 08:00."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from registre.web.authorised.tasks import ensure_reminders_scheduled, next_morning, waiting_runs

pytestmark = pytest.mark.django_db
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def test_the_next_run_is_the_next_morning():
    assert next_morning(dt.datetime(2026, 12, 4, 7, 0, tzinfo=PARIS)) == dt.datetime(2026, 12, 4, 8, 0, tzinfo=PARIS)
    assert next_morning(dt.datetime(2026, 12, 4, 9, 0, tzinfo=PARIS)) == dt.datetime(2026, 12, 5, 8, 0, tzinfo=PARIS)


def test_the_scheduler_never_queues_two_runs():
    assert ensure_reminders_scheduled() is True
    assert ensure_reminders_scheduled() is False
    assert waiting_runs().count() == 1
