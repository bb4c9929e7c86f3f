"""Product intake: POST /api/v1/requests files a request for a person logged in to the product; GET reads it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client

from registre.core.engine.subjects import identity_kinds
from registre.core.policy import load_policy
from registre.web.accounts.actions import revoke_token
from registre.web.accounts.models import ApiToken
from registre.web.api.models import Intake
from registre.web.audit.models import AuditEntry
from registre.web.requests import actions
from registre.web.requests.models import DataRequest
from registre.web.requests.tasks import perform_execution
from registre.web.requests.workflow import State

pytestmark = pytest.mark.django_db
URL = "/api/v1/requests"


def intake(workspace, kind="access", sample=1, **fields):
    return {"kind": kind, "identities": {"email": workspace.sample(sample)["email"]}, "lang": "en", **fields}


def test_a_product_token_files_a_request_and_the_person_is_asked_to_confirm_their_email(workspace, agent, api_as):
    response = api_as(agent, ["requests.create"]).post(URL, intake(workspace))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "verifying" and body["verified"] is False and body["status_url"] is None
    assert re.fullmatch(r"R-\d{4}-\d{4}", body["reference"])
    request = DataRequest.objects.get(public_id=body["id"])
    assert request.channel == "api" and body["due_on"] == request.due_on.isoformat()
    assert Intake.objects.get(request=request).token.name == "test"
    assert mail.outbox[-1].to == [workspace.sample(1)["email"]]
    assert "/privacy/confirm/" in mail.outbox[-1].body


def test_a_token_that_vouches_for_the_identity_skips_the_email_and_gets_the_status_link(workspace, dpo, api_as):
    response = api_as(dpo, ["requests.create", "requests.create_verified"]).post(URL, intake(workspace))
    body = response.json()
    assert response.status_code == 201 and body["verified"] is True
    assert body["state"] == "review"  # verified, then planned
    assert not mail.outbox
    page = Client().get(body["status_url"].removeprefix("http://testserver"))
    assert page.status_code == 200 and body["reference"] in page.content.decode()
    request = DataRequest.objects.get(public_id=body["id"])
    assert all(identity["verified"] for identity in request.identities)
    assert request.plan is not None


def test_other_identities_that_the_policy_declares_are_kept(workspace, dpo, api_as):
    sample = workspace.sample(1)
    body = intake(workspace, identities={"email": sample["email"], "phone": "+33 6 00 00 00 00"})
    response = api_as(dpo, ["requests.create"]).post(URL, body)
    assert response.status_code == 201
    request = DataRequest.objects.get(public_id=response.json()["id"])
    assert {item["type"] for item in request.identities} == {"email", "phone"}


def test_an_identity_type_the_policy_does_not_declare_is_refused(workspace, dpo, api_as):
    body = intake(workspace, identities={"email": "ada@example.org", "passport": "X"})
    response = api_as(dpo, ["requests.create"]).post(URL, body)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["type"] == "urn:registre:problem:refused-input"
    assert not DataRequest.objects.exists()


def test_an_undeclared_identity_type_is_refused_even_empty(workspace, dpo, api_as):
    body = intake(workspace, identities={"email": "ada@example.org", "passport": ""})
    response = api_as(dpo, ["requests.create"]).post(URL, body)
    assert response.status_code == 400 and "passport" in response.json()["detail"]
    assert not DataRequest.objects.exists()


def test_the_schema_names_the_identity_types_of_the_policy_in_force_and_no_other(workspace):
    identities = Client().get("/api/openapi.json").json()["components"]["schemas"]["Identities"]
    declared = identity_kinds(load_policy(Path(settings.REGISTRE_POLICY)))
    assert "phone" in declared and "passport" not in declared
    assert set(identities["properties"]) == {"email", *declared}
    assert identities["required"] == ["email"] and identities["additionalProperties"] is False
    assert identities["properties"]["email"]["pattern"] == "@"


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "access", "identities": {"phone": "+33600000000"}},
        {"kind": "access", "identities": {"email": "not an address"}},
        {"kind": "teleportation", "identities": {"email": "ada@example.org"}},
        {"kind": "access", "identities": {"email": "ada@example.org"}, "unknown": 1},
        {"kind": "access", "identities": {"email": "ada@example.org"}, "lang": "de"},
    ],
)
def test_invalid_bodies_are_problems_naming_the_fields(workspace, dpo, api_as, body):
    response = api_as(dpo, ["requests.create"]).post(URL, body)
    assert response.status_code == 422
    problem = response.json()
    assert problem["type"] == "urn:registre:problem:invalid-input" and problem["status"] == 422
    assert problem["errors"] and all("loc" in item for item in problem["errors"])


def test_a_rectification_carries_its_changes_and_an_objection_its_scope(workspace, dpo, api_as):
    client = api_as(dpo, ["requests.create"])
    response = client.post(URL, intake(workspace, "objection", details={"scope": "situation", "grounds": "moved"}))
    assert response.status_code == 201
    request = DataRequest.objects.get(public_id=response.json()["id"])
    assert request.details == {"scope": "situation", "grounds": "moved"}
    refused = client.post(URL, intake(workspace, "rectification", details={"changes": {"no_such_field": "x"}}))
    assert refused.status_code == 400


def test_an_unknown_client_tenant_is_refused(workspace, dpo, api_as):
    response = api_as(dpo, ["requests.create"]).post(URL, intake(workspace, client="tenant-nope"))
    assert response.status_code == 400 and "tenant-nope" in response.json()["detail"]


def test_a_request_filed_for_a_client_is_forwarded_once_verified(workspace, demo_clients, dpo, api_as):
    tenant = demo_clients[0].tenant
    body = intake(workspace, client=tenant)
    response = api_as(dpo, ["requests.create", "requests.create_verified"]).post(URL, body)
    assert response.status_code == 201 and response.json()["state"] == "forwarded"


def test_the_token_needs_requests_create(workspace, dpo, api_as):
    response = api_as(dpo, ["requests.view"]).post(URL, intake(workspace))
    assert response.status_code == 403
    assert response.json()["type"] == "urn:registre:problem:forbidden"


def test_an_auditor_token_cannot_file_requests(workspace, auditor, api_as):
    # An auditor may not be given requests.create at all; a token of theirs with other actions is refused.
    response = api_as(auditor, ["requests.view"]).post(URL, intake(workspace))
    assert response.status_code == 403


def test_without_a_token_or_with_a_revoked_one_the_answer_is_401(workspace, dpo, api_as, token_of):
    assert api_as(None).post(URL, intake(workspace)).status_code == 401
    client = api_as(dpo, ["requests.create"])
    revoke_token(ApiToken.objects.get(), dpo)
    response = client.post(URL, intake(workspace))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["type"] == "urn:registre:problem:unauthenticated"


def test_the_token_of_an_inactive_owner_does_nothing(workspace, dpo, api_as):
    client = api_as(dpo, ["requests.create"])
    dpo.is_active = False
    dpo.save()
    assert client.post(URL, intake(workspace)).status_code == 401


def test_too_many_verification_emails_for_one_address_is_a_429_that_records_nothing(workspace, agent, api_as):
    client = api_as(agent, ["requests.create"])
    for _ in range(3):
        assert client.post(URL, intake(workspace)).status_code == 201
    response = client.post(URL, intake(workspace))
    assert response.status_code == 429 and response["Retry-After"] == "3600"
    assert DataRequest.objects.count() == 3


def test_the_filer_reads_the_status_and_timeline_without_personal_data(workspace, agent, api_as):
    client = api_as(agent, ["requests.create"])
    created = client.post(URL, intake(workspace, name="Marie Curie")).json()
    response = client.get(f"{URL}/{created['id']}")
    assert response.status_code == 200
    body = response.json()
    assert body["reference"] == created["reference"] and body["state"] == "verifying"
    assert [(step["from"], step["to"]) for step in body["timeline"]] == [("", "received"), ("received", "verifying")]
    assert body["plan"] is None and body["steps"] is None
    assert all(step["note"] is None and step["actor"] is None for step in body["timeline"])
    text = response.content.decode()
    assert workspace.sample(1)["email"] not in text and "Marie" not in text


def test_the_filer_downloads_the_export_of_a_completed_access(workspace, dpo, api_as):
    client = api_as(dpo, ["requests.create", "requests.create_verified"])
    created = client.post(URL, intake(workspace)).json()
    request = DataRequest.objects.get(public_id=created["id"])
    actions.execute_request(request, "system")
    perform_execution(request.pk)
    body = client.get(f"{URL}/{created['id']}").json()
    assert body["state"] == "completed" and body["results_url"] == f"http://testserver{URL}/{created['id']}/export"
    download = client.get(body["results_url"].removeprefix("http://testserver"))
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    assert b"".join(download.streaming_content)[:2] == b"PK"
    assert AuditEntry.objects.filter(action="request.export_downloaded", actor_name="api:test").exists()


def test_another_token_learns_nothing_of_the_request(workspace, agent, dpo, api_as):
    created = api_as(agent, ["requests.create"]).post(URL, intake(workspace)).json()
    other = api_as(agent, ["requests.create"], name="other product")
    assert other.get(f"{URL}/{created['id']}").status_code == 404
    assert other.get(f"{URL}/{created['id']}/export").status_code == 404


def test_a_staff_token_reads_the_request_with_its_plan_and_steps(workspace, dpo, api_as):
    created = api_as(dpo, ["requests.create", "requests.create_verified"]).post(URL, intake(workspace)).json()
    body = api_as(dpo, ["requests.view"]).get(f"{URL}/{created['reference']}").json()
    assert body["plan"] is not None and "execute" in body["steps"]
    assert body["timeline"][0]["actor"] == "api:test"


def test_the_filer_loses_the_status_when_its_token_loses_requests_create(workspace, agent, api_as):
    client = api_as(agent, ["requests.create"])
    created = client.post(URL, intake(workspace)).json()
    token = ApiToken.objects.get()
    token.actions = ["requests.view"]
    token.save()
    # It reads it as staff now (an agent may view every request of its scope).
    assert client.get(f"{URL}/{created['id']}").json()["steps"] is not None
    token.actions = ["console.view"]
    token.save()
    assert client.get(f"{URL}/{created['id']}").status_code == 403


def test_the_creation_is_audited_with_the_token_as_actor(workspace, agent, api_as):
    api_as(agent, ["requests.create"]).post(URL, intake(workspace))
    entry = AuditEntry.objects.get(action="request.created")
    assert entry.actor_kind == "api" and entry.actor_name == "api:test"
    assert State.VERIFYING in {step.to_state for step in DataRequest.objects.get().transitions.all()}
