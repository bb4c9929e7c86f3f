"""The register of authorised staff in the console."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from registre.web.authorised import actions
from registre.web.authorised.models import AuthorisedPerson

pytestmark = pytest.mark.django_db


def test_the_dpo_designates_a_person_with_scopes_from_the_policy(dpo, agent, client_for):
    response = client_for(dpo).post(
        "/console/authorised-staff/new/",
        {
            "full_name": "Inès Moreau",
            "job_title": "Support engineer",
            "designated_on": "2026-01-05",
            "activities": ["support"],
            "systems": ["crm"],
            "user": str(agent.pk),
        },
    )
    person = AuthorisedPerson.objects.get()
    assert response.status_code == 302 and person.user == agent and person.activities == ["support"]


def test_ending_the_mission_from_the_console_logs_the_person_out(dpo, agent, client_for):
    person = actions.designate(
        dpo,
        full_name="I",
        job_title="J",
        designated_on=dt.date(2026, 1, 5),
        activities=[],
        systems=[],
        user=agent,
    )
    browser = client_for(agent)
    client_for(dpo).post(f"/console/authorised-staff/{person.pk}/end/", {"on": "2026-11-30"})
    assert browser.get("/console/").status_code == 302


def test_the_designation_downloads_in_french(dpo, client_for):
    person = actions.designate(
        dpo,
        full_name="Inès Moreau",
        job_title="ingénieure support",
        designated_on=dt.date(2026, 1, 5),
        activities=["support"],
        systems=["crm"],
    )
    response = client_for(dpo).get(f"/console/authorised-staff/{person.pk}/designation/?lang=fr")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Inès Moreau" in text and "Assistance aux clients" in " ".join(text.split())


def test_an_invalid_date_is_refused_with_a_message(dpo, client_for):
    person = actions.designate(
        dpo, full_name="I", job_title="J", designated_on=dt.date(2026, 1, 5), activities=[], systems=[]
    )
    client_for(dpo).post(f"/console/authorised-staff/{person.pk}/trained/", {"on": "not a date"})
    person.refresh_from_db()
    assert person.last_trained_on is None
