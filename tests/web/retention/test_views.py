"""The Retention page: history with its chart and failures, forecast, holds; in French and English."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from registre.core.engine import Identity
from registre.web.retention.actions import place_hold
from registre.web.retention.models import CaseHold, RetentionForecast, SweepRun

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
    assert job.args_kwargs["args"] == [True, dpo.pk]


def french_page(client) -> str:
    client.cookies["django_language"] = "fr"
    return client.get(reverse("retention:overview"), headers={"accept-language": "fr"}).content.decode()


def test_the_french_chart_writes_its_sizes_with_a_decimal_point(dpo, client_for):
    SweepRun.objects.create(as_of=dt.date(2026, 11, 21), status="done", deleted=3, anonymised=0)
    SweepRun.objects.create(as_of=dt.date(2026, 11, 22), status="done", deleted=7, anonymised=1)
    SweepRun.objects.create(as_of=dt.date(2026, 11, 23), status="done", deleted=9, anonymised=2)
    svg = french_page(client_for(dpo)).split("<svg", 1)[1].split("</svg>", 1)[0]
    sizes = re.findall(r"\s(?:x|y|width|height)=\"([^\"]*)\"", svg)
    assert sizes and [size for size in sizes if not re.fullmatch(r"\d+(\.\d+)?%?", size)] == []
    assert "," not in "".join(sizes)
    assert "21 novembre 2026 : 3 supprimées, 0 anonymisées" in svg


def test_the_french_page_has_no_english_action_and_writes_dates_in_words(dpo, client_for):
    RetentionForecast.objects.create(
        as_of=dt.date(2026, 11, 23),
        datasets=[
            {"reference": "crm.tickets", "action": "delete", "due": 3, "within": [1, 2, 3], "next_due_date": None},
            {
                "reference": "crm.contacts",
                "action": "anonymize",
                "due": 0,
                "within": [0, 0, 1],
                "next_due_date": "2027-03-15",
            },
        ],
    )
    SweepRun.objects.create(as_of=dt.date(2026, 12, 2), status="done", deleted=3, anonymised=0)
    page = french_page(client_for(dpo))
    table = page.split("<tbody>", 2)[2].split("</tbody>", 1)[0]
    assert ">delete<" not in table and ">anonymize<" not in table
    assert "suppression" in table and "anonymisation" in table
    assert "15 mars 2027" in table and "2027-03-15" not in page
    assert "2 décembre 2026" in page


def test_an_agent_scoped_to_a_client_sees_only_that_clients_holds(agent, dpo, client_for):
    from registre.web.accounts.models import StaffScope

    StaffScope.objects.create(user=agent, clients=["tenant-001"])
    place_hold(dpo, reason="litigation", reference="OURS-1", tenant="tenant-001")
    theirs = place_hold(dpo, reason="litigation", reference="THEIRS-2", tenant="tenant-002")
    place_hold(dpo, reason="authority", reference="PERSON-3", identities=[Identity("email", "ada@example.org")])
    page = client_for(agent).get(reverse("retention:overview")).content.decode()
    assert "OURS-1" in page and "tenant-001" in page
    assert "THEIRS-2" not in page and "tenant-002" not in page and "PERSON-3" not in page
    assert "THEIRS-2" in client_for(dpo).get(reverse("retention:overview")).content.decode()
    assert client_for(agent).post(reverse("retention:hold_lift", args=[theirs.pk])).status_code in (403, 404)


def test_hold_audit_details_name_no_empty_tenant(dpo):
    from registre.web.audit.models import AuditEntry

    place_hold(dpo, reason="authority", reference="CNIL-1", identities=[Identity("email", "ada@example.org")])
    assert "tenant" not in AuditEntry.objects.get(action="case_hold.placed").details
