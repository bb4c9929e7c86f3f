"""The Discovery page: findings with accept and dismiss, in French and English."""

from __future__ import annotations

import pytest
from django.urls import reverse

from registre.web.discovery.models import ScanRun

pytestmark = pytest.mark.django_db

FINDING = {
    "system": "crm",
    "table": "contacts",
    "dataset": "contacts",
    "column": "rib_perso",
    "personal": True,
    "kind": "iban",
    "category": "economic.bank_account",
    "confidence": 1.0,
    "sampled": 40,
    "evidence": {"iban": 40},
    "declared": None,
    "undeclared": True,
    "contradicted": False,
}


def a_scan() -> ScanRun:
    return ScanRun.objects.create(rows=100, status="done", report={"columns": [FINDING], "snippet": ""})


@pytest.mark.parametrize(
    ("language", "title", "accept"), [("fr", "Découverte", "Accepter"), ("en", "Discovery", "Accept")]
)
def test_the_page_lists_the_findings_in_both_languages(dpo, client_for, language, title, accept):
    a_scan()
    client = client_for(dpo)
    client.cookies["django_language"] = language
    page = client.get(reverse("discovery:overview"), headers={"accept-language": language}).content.decode()
    assert f"<h1>{title}</h1>" in page
    assert "crm.contacts.rib_perso" in page and f">{accept}</button>" in page


def test_the_dpo_accepts_a_finding_and_sees_the_snippet(dpo, client_for):
    scan = a_scan()
    client = client_for(dpo)
    response = client.post(
        reverse("discovery:decision", args=[scan.pk]), {"finding": "crm.contacts.rib_perso", "decision": "accepted"}
    )
    assert response.status_code == 302
    page = client.get(reverse("discovery:overview")).content.decode()
    assert "rib_perso:" in page and "economic.bank_account" in page


def test_an_auditor_reads_but_cannot_decide_or_scan(auditor, client_for):
    scan = a_scan()
    client = client_for(auditor)
    page = client.get(reverse("discovery:overview")).content.decode()
    assert "crm.contacts.rib_perso" in page and "Dismiss" not in page and "Scan now" not in page
    decision = client.post(reverse("discovery:decision", args=[scan.pk]), {"finding": "x", "decision": "accepted"})
    assert decision.status_code == 403


def test_a_run_is_queued_as_a_job(dpo, client_for):
    from django_tasks_db.models import DBTaskResult

    assert client_for(dpo).post(reverse("discovery:run"), {"rows": "200"}).status_code == 302
    assert DBTaskResult.objects.filter(task_path__endswith="scan_now").count() == 1
