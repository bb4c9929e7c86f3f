"""The register of authorised staff through the REST API: designate, record the dates, end the mission."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from registre.web.accounts.actions import create_token
from registre.web.accounts.models import ApiToken
from registre.web.audit.models import AuditEntry
from registre.web.authorised.models import AuthorisedPerson

pytestmark = pytest.mark.django_db
MANAGE = ["authorised.view", "authorised.manage"]
PATH = "/api/v1/authorised-staff"


def a_person(**changes):
    body = {"full_name": "Inès Martin", "job_title": "Support", "designated_on": "2026-01-05"}
    body.update(changes)
    return body


def test_a_dpo_token_designates_a_person_with_the_policys_scopes(db, dpo, api_as):
    api = api_as(dpo, MANAGE)
    created = api.post(PATH, a_person(activities=["support"], systems=["crm"]))
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["activities"] == ["support"] and body["training_due"] == "2026-01-05"
    assert body["training_status"] == "overdue"  # never trained: due at the designation
    assert AuditEntry.objects.filter(action="authorised.designated", actor_kind="api").exists()
    assert api.post(PATH, a_person(activities=["nothing"])).status_code == 400


def test_the_dates_are_recorded_in_one_patch_and_each_is_audited(db, dpo, api_as):
    api = api_as(dpo, MANAGE)
    person = api.post(PATH, a_person()).json()["id"]
    body = {"designation_signed_on": "2026-01-06", "confidentiality_signed_on": "2026-01-06"}
    response = api.patch(f"{PATH}/{person}", {**body, "last_trained_on": "2026-02-01"})
    assert response.status_code == 200, response.content
    assert response.json()["training_due"] == "2027-02-01"
    actions = set(AuditEntry.objects.filter(actor_kind="api").values_list("action", flat=True))
    assert {"authorised.designation_signed", "authorised.confidentiality_signed", "authorised.trained"} <= actions


def test_a_future_date_refuses_the_whole_patch(db, dpo, api_as):
    api = api_as(dpo, MANAGE)
    person = api.post(PATH, a_person()).json()["id"]
    response = api.patch(f"{PATH}/{person}", {"designation_signed_on": "2026-01-06", "last_trained_on": "2999-01-01"})
    assert response.status_code == 400
    assert AuthorisedPerson.objects.get(pk=person).designation_signed_on is None


def test_ending_the_mission_deactivates_the_account_and_revokes_its_tokens(db, dpo, agent, api_as):
    api = api_as(dpo, MANAGE)
    person = api.post(PATH, a_person(console_account="agent")).json()["id"]
    create_token(agent, "laptop", ["requests.view"])
    ended = api.patch(f"{PATH}/{person}", {"mission_ended_on": "2026-06-30"}).json()
    assert ended["mission_ended_on"] == "2026-06-30" and ended["training_status"] == "ended"
    assert not User.objects.get(pk=agent.pk).is_active
    assert not ApiToken.objects.filter(owner=agent, revoked_at__isnull=True).exists()
    assert api.patch(f"{PATH}/{person}", {"mission_ended_on": "2026-07-01"}).status_code == 400
    assert api.get(PATH, {"active": "true"}).json()["count"] == 0


def test_an_unknown_console_account_or_person_is_refused(db, dpo, api_as):
    api = api_as(dpo, MANAGE)
    assert api.post(PATH, a_person(console_account="nobody")).status_code == 400
    assert api.get(f"{PATH}/999999").status_code == 404


def test_an_auditor_token_reads_but_cannot_designate(db, dpo, auditor, agent, api_as):
    api_as(dpo, MANAGE).post(PATH, a_person())
    api = api_as(auditor, ["authorised.view"])
    assert api.get(PATH).json()["count"] == 1
    assert api.post(PATH, a_person()).status_code == 403
    assert api_as(agent, ["requests.view"]).get(PATH).status_code == 403
