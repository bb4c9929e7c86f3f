"""The Jobs pages: the list by status, and one job with its log and its (redacted) error."""

from __future__ import annotations

import pytest
from django.urls import reverse

from registre.web.audit.actions import record
from registre.web.jobs.tasks import verify_audit_chain
from registre.web.jobs.worker import run_worker

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_test_transaction")]


def test_jobs_are_listed_and_filtered_by_status(dpo, client_for):
    verify_audit_chain.enqueue()
    run_worker(batch=True, interval=0)
    verify_audit_chain.enqueue()
    client = client_for(dpo)
    assert len(client.get(reverse("jobs:list")).context["page"].object_list) == 2
    ready = client.get(reverse("jobs:list"), {"status": "READY"})
    assert len(ready.context["page"].object_list) == 1
    assert "En attente" in ready.content.decode()


def test_a_failed_job_shows_its_log_and_its_error(dpo, client_for, tamper):
    record("system", "request.created")
    tamper("UPDATE audit_auditentry SET action = 'x.y' WHERE sequence = 1")
    result = verify_audit_chain.enqueue()
    run_worker(batch=True, interval=0)
    html = client_for(dpo).get(reverse("jobs:detail", args=[result.id])).content.decode()
    assert "entry 1 was modified" in html
    assert "AuditChainBroken" in html
