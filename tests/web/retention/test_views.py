"""The Retention page: history with its chart and failures, forecast, holds; in French and English."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from registre.web.retention.actions import place_hold
from registre.web.retention.models import CaseHold, SweepRun

pytestmark = pytest.mark.django_db


def some_runs() -> None:
    SweepRun.objects.create(as_of=dt.date(2026, 11, 22), status="done", deleted=40, anonymised=5)
    SweepRun.objects.create(as_of=dt.date(2026, 11, 23), status="failed", error="crm: database is locked")


@pytest.mark.parametrize(("language", "title"), [("fr", "Rétention"), ("en", "Retention")])
def test_the_page_shows_the_history_in_both_languages(dpo, client_for, language, title):
    some_runs()
    client = client_for(dpo)
    client.cookies["django_language"] = language
    page = client.get(reverse("retention:overview"), headers={"accept-language": language}).content.decode()
    assert f"<h1>{title}</h1>" in page
    assert "<svg" in page and page.count("<rect") == 4
    assert "crm: database is locked" in page


def test_a_dpo_places_and_lifts_a_hold(dpo, client_for):
    client = client_for(dpo)
    data = {"reason": "litigation", "reference": "TJ-1", "email": "ada@example.org", "tenant": ""}
    assert client.post(reverse("retention:hold_place"), data).status_code == 302
    hold = CaseHold.objects.get()
    assert hold.identities == [{"type": "email", "value": "ada@example.org"}]
    client.post(reverse("retention:hold_lift", args=[hold.pk]))
    hold.refresh_from_db()
    assert not hold.active and hold.lifted_by == dpo


def test_a_hold_needs_a_subject_or_a_tenant(dpo, client_for):
    response = client_for(dpo).post(reverse("retention:hold_place"), {"reason": "other", "reference": "X"})
    assert response.status_code == 400 and not CaseHold.objects.exists()


def test_an_agent_reads_but_cannot_place_or_run(agent, dpo, client_for):
    place_hold(dpo, reason="other", reference="X", tenant="tenant-001")
    client = client_for(agent)
    page = client.get(reverse("retention:overview")).content.decode()
    assert "X" in page and reverse("retention:run") not in page
    assert client.post(reverse("retention:run")).status_code == 403


def test_run_now_queues_a_sweep(dpo, client_for):
    from django_tasks_db.models import DBTaskResult

    client_for(dpo).post(reverse("retention:run"), {"dry_run": "on"})
    job = DBTaskResult.objects.get(task_path="registre.web.retention.tasks.sweep_now")
    assert job.args_kwargs["args"] == [True, "dpo"]
