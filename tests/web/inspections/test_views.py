"""The console's audits: schedule one, keep its package, download it as it was kept, in French and English."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.utils import timezone

from registre.web.clients.actions import ensure_client
from registre.web.inspections.models import Inspection

pytestmark = pytest.mark.django_db


def test_the_dpo_schedules_an_audit_keeps_its_package_and_downloads_it(workspace, dpo, client_for):
    client = ensure_client("Acme SAS", workspace.report.tenant_ids[0], "dpo@acme.example")
    today = timezone.localdate()
    data = {
        "by": "client",
        "client": str(client.pk),
        "trigger": "routine",
        "auditor": "Audit & Co",
        "requested_on": f"{today:%Y-%m-%d}",
        "onsite_on": f"{today + dt.timedelta(days=45):%Y-%m-%d}",
    }
    console = client_for(dpo)
    response = console.post("/console/inspections/new/", data)
    found = Inspection.objects.get()
    assert response.status_code == 302 and found.notice_on == today + dt.timedelta(days=15)
    assert console.post(f"/console/inspections/{found.pk}/package/", {"lang": "fr"}).status_code == 302
    found.refresh_from_db()
    download = console.get(f"/console/inspections/{found.pk}/package/download/")
    content = b"".join(download.streaming_content)
    assert hashlib.sha256(content).hexdigest() == found.package_sha256
    page = console.get(f"/console/inspections/{found.pk}/", headers={"accept-language": "fr"}).content.decode()
    assert found.package_sha256 in page and "Dossier d’audit" in page and "instructions-fr.csv" in page
    english = console.get(f"/console/inspections/{found.pk}/", headers={"accept-language": "en"}).content.decode()
    assert "Audit package" in english


def test_a_second_routine_audit_comes_back_with_the_reason_in_french(dpo, client_for):
    client = ensure_client("Acme SAS", "acme", "dpo@acme.example")
    data = {
        "by": "client",
        "client": str(client.pk),
        "trigger": "routine",
        "auditor": "Audit & Co",
        "requested_on": "2027-01-01",
        "onsite_on": "2027-03-31",
    }
    console = client_for(dpo)
    assert console.post("/console/inspections/new/", data).status_code == 302
    again = console.post(
        "/console/inspections/new/", {**data, "onsite_on": "2027-06-30"}, headers={"accept-language": "fr"}
    )
    assert again.status_code == 400 and "31 mars 2027" in again.content.decode()
    assert Inspection.objects.count() == 1
