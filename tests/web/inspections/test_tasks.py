"""The daily audit reminder: exactly one run waits, at the next 08:00; the worker starts the chain."""

from __future__ import annotations

import pytest

from registre.web.inspections.tasks import ensure_reminders_scheduled, inspection_reminders, waiting_runs
from registre.web.jobs.worker import DAILY_CHORES

pytestmark = pytest.mark.django_db


def test_the_scheduler_never_queues_two_runs():
    assert ensure_reminders_scheduled() is True
    assert ensure_reminders_scheduled() is False
    assert waiting_runs().count() == 1
    assert waiting_runs().get().task_path == inspection_reminders.module_path


def test_the_worker_keeps_the_chain_going():
    assert ensure_reminders_scheduled in DAILY_CHORES
