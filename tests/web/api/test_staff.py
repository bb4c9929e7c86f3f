"""The staff API: list requests within the token owner's scope, read one with its plan, take each step."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from registre.web.accounts.actions import revoke_token
from registre.web.accounts.models import ApiToken, StaffScope
from registre.web.audit.models import AuditEntry
from registre.web.requests import actions
from registre.web.requests.models import DataRequest, RequestActivity
from registre.web.requests.tasks import perform_execution

pytestmark = pytest.mark.django_db
URL = "/api/v1/requests"


def new_request(workspace, kind="access", sample=1, **options):
    return actions.create_request(
        kind=kind, channel="email", email=workspace.sample(sample)["email"], actor="system", **options
    )


def in_review(workspace, kind="access", sample=1):
    request = new_request(workspace, kind, sample)
    actions.verify_identity(request, "system", method="manual")
    request.refresh_from_db()
    return request


# --- Listing ----------------------------------------------------------------------------------------------------


def test_the_inbox_lists_requests_soonest_deadline_first_with_their_count(workspace, agent, api_as):
    late = new_request(workspace, received_at=timezone.now() - dt.timedelta(days=60))
    recent = new_request(workspace, sample=2)
    body = api_as(agent, ["requests.view"]).get(URL).json()
    assert [item["reference"] for item in body["items"]] == [late.reference, recent.reference]
    assert body["count"] == 2 and body["items"][0]["urgency"] == "overdue" and body["items"][0]["days_left"] < 0


def test_the_inbox_filters_by_state_kind_and_overdue_and_pages(workspace, agent, api_as):
    late = new_request(workspace, received_at=timezone.now() - dt.timedelta(days=60))
    erasure = new_request(workspace, "erasure", sample=2)
    reviewed = in_review(workspace, sample=0)
    client = api_as(agent, ["requests.view"])

    def references(**params):
        return [item["reference"] for item in client.get(URL, params).json()["items"]]

    assert references(kind="erasure") == [erasure.reference]
    assert references(state="review") == [reviewed.reference]
    assert set(references(state=["review", "received"])) == {late.reference, erasure.reference, reviewed.reference}
    assert references(overdue="true") == [late.reference]
    assert late.reference not in references(overdue="false")
    page = client.get(URL, {"limit": 1, "offset": 1}).json()
    assert page["count"] == 3 and len(page["items"]) == 1 and page["offset"] == 1
    assert client.get(URL, {"limit": 0}).status_code == 422
    assert client.get(URL, {"state": "lost"}).status_code == 422


def test_the_inbox_is_scoped_like_the_console(workspace, agent, api_as):
    visible, hidden = in_review(workspace), in_review(workspace, sample=2)
    RequestActivity.objects.filter(request=hidden).delete()
    RequestActivity.objects.create(request=hidden, activity="elsewhere")
    activity = RequestActivity.objects.filter(request=visible).values_list("activity", flat=True).first()
    StaffScope.objects.create(user=agent, activities=[activity])
    client = api_as(agent, ["requests.view", "requests.handle"])
    assert [item["reference"] for item in client.get(URL).json()["items"]] == [visible.reference]
    # Out of scope reads as unknown, for reading as for acting.
    assert client.get(f"{URL}/{hidden.reference}").status_code == 404
    assert client.post(f"{URL}/{hidden.reference}/cancel", {}).status_code == 404


def test_listing_needs_requests_view(workspace, agent, api_as):
    response = api_as(agent, ["requests.create"]).get(URL)
    assert response.status_code == 403 and response.json()["detail"] == "Not allowed: requests.view."


# --- Steps --------------------------------------------------------------------------------------------------------


def test_verify_moves_a_request_to_review_with_its_plan(workspace, agent, api_as):
    request = new_request(workspace)
    response = api_as(agent).post(f"{URL}/{request.reference}/verify", {"note": "passport seen"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "review" and body["plan"]["parts"]
    verified = next(step for step in body["timeline"] if step["to"] == "review" and step["event"] == "state")
    assert verified["note"] == "passport seen" and verified["actor"] == "api:test"


def test_the_steps_a_request_allows_are_named_by_their_paths(workspace, agent, api_as):
    erasure = in_review(workspace, "erasure")
    body = api_as(agent).get(f"{URL}/{erasure.reference}").json()
    assert set(body["steps"]) == {"request-approval", "forward", "refuse", "cancel"}


def test_refreshing_the_plan_records_a_planned_event(workspace, agent, api_as):
    request = in_review(workspace)
    body = api_as(agent).post(f"{URL}/{request.public_id}/plan").json()
    assert [step["event"] for step in body["timeline"]].count("planned") == 2


def test_an_access_is_executed_in_the_background(workspace, agent, api_as):
    request = in_review(workspace)
    body = api_as(agent).post(f"{URL}/{request.reference}/execute", {}).json()
    assert body["state"] == "executing" and body["job_id"]
    perform_execution(request.pk)
    assert DataRequest.objects.get(pk=request.pk).state == "completed"


def test_an_erasure_needs_an_approval_that_an_agents_token_cannot_give(workspace, agent, dpo, api_as):
    request = in_review(workspace, "erasure")
    agent_api = api_as(agent, ["requests.view", "requests.handle", "requests.approve_erasure"][:2])
    assert agent_api.post(f"{URL}/{request.reference}/execute", {}).status_code == 409
    body = agent_api.post(f"{URL}/{request.reference}/request-approval", {"note": "ok"}).json()
    assert body["state"] == "awaiting_approval" and "approve" in body["steps"]
    refused = agent_api.post(f"{URL}/{request.reference}/approve", {})
    assert refused.status_code == 403 and refused.json()["detail"] == "Not allowed: requests.approve_erasure."
    # A DPO's token without the action is refused too; with it, the erasure runs.
    assert (
        api_as(dpo, ["requests.view", "requests.handle"]).post(f"{URL}/{request.reference}/approve", {}).status_code
        == 403
    )
    approved = api_as(dpo, ["requests.view", "requests.approve_erasure"]).post(f"{URL}/{request.reference}/approve", {})
    assert approved.status_code == 200 and approved.json()["state"] == "executing"
    assert DataRequest.objects.get(pk=request.pk).approved_by == dpo


def test_a_refusal_needs_a_reason_and_tells_the_person(workspace, agent, api_as):
    request = new_request(workspace)
    client = api_as(agent)
    assert client.post(f"{URL}/{request.reference}/refuse", {"reason": ""}).status_code == 422
    body = client.post(f"{URL}/{request.reference}/refuse", {"reason": "Manifestly unfounded."}).json()
    assert body["state"] == "refused" and body["refusal_reason"] == "Manifestly unfounded."
    assert mail.outbox


def test_an_extension_moves_the_deadline(workspace, agent, api_as):
    request = new_request(workspace)
    body = api_as(agent).post(f"{URL}/{request.reference}/extend", {"months": 2, "reason": "Many systems."}).json()
    assert body["extension_months"] == 2 and body["due_on"] > request.due_on.isoformat()
    assert api_as(agent).post(f"{URL}/{request.reference}/extend", {"months": 3, "reason": "x"}).status_code == 422


def test_a_cancelled_request_refuses_every_other_step_with_409(workspace, agent, api_as):
    request = new_request(workspace)
    client = api_as(agent)
    assert client.post(f"{URL}/{request.reference}/cancel", {"reason": "duplicate"}).json()["state"] == "cancelled"
    response = client.post(f"{URL}/{request.reference}/verify", {})
    assert response.status_code == 409
    assert response.json()["type"] == "urn:registre:problem:transition-not-allowed"


def test_a_request_is_forwarded_to_a_client_and_executed_on_its_instruction(workspace, demo_clients, dpo, api_as):
    request = in_review(workspace)
    client = api_as(dpo)
    tenant = demo_clients[0].tenant
    assert client.post(f"{URL}/{request.reference}/forward", {"client": "nope"}).status_code == 400
    assert client.post(f"{URL}/{request.reference}/forward", {"client": tenant}).json()["state"] == "forwarded"
    body = client.post(
        f"{URL}/{request.reference}/instruction", {"instruction": "Please erase.", "given_by": "Their DPO"}
    ).json()
    assert body["state"] == "executing"


def test_each_step_needs_its_action_on_the_token(workspace, agent, api_as):
    request = new_request(workspace)
    response = api_as(agent, ["requests.view"]).post(f"{URL}/{request.reference}/verify", {})
    assert response.status_code == 403
    assert DataRequest.objects.get(pk=request.pk).state == "received"


def test_an_auditors_token_reads_but_cannot_act(workspace, auditor, api_as):
    request = new_request(workspace)
    client = api_as(auditor)
    assert client.get(f"{URL}/{request.reference}").status_code == 200
    assert client.post(f"{URL}/{request.reference}/cancel", {}).status_code == 403


def test_a_revoked_token_is_refused_with_401(workspace, agent, api_as):
    request = new_request(workspace)
    client = api_as(agent)
    revoke_token(ApiToken.objects.get(), agent)
    assert client.get(URL).status_code == 401
    assert client.post(f"{URL}/{request.reference}/cancel", {}).status_code == 401


def test_a_malformed_authorization_header_is_401(workspace, api_as):
    client = api_as(None)
    client.token = "not-a-registre-token"
    assert client.get(URL).status_code == 401


def test_an_unknown_request_is_404(workspace, agent, api_as):
    assert api_as(agent).get(f"{URL}/R-1999-0001").status_code == 404
    assert api_as(agent).post(f"{URL}/00000000-0000-4000-8000-000000000000/verify", {}).status_code == 404


def test_every_step_is_audited_with_the_token_as_actor(workspace, agent, api_as):
    request = new_request(workspace)
    api_as(agent).post(f"{URL}/{request.reference}/cancel", {})
    entry = AuditEntry.objects.get(action="request.cancelled")
    assert entry.actor_name == "api:test" and entry.actor_id == agent.pk


def test_the_token_endpoint_says_what_the_token_may_do(workspace, agent, api_as):
    body = api_as(agent, ["requests.view", "requests.handle"]).get("/api/v1/token").json()
    assert body["actions"] == ["requests.handle", "requests.view"]
    assert body["allowed"] == ["requests.view", "requests.handle"]
    assert body["prefix"].startswith("rgt_")


def test_an_error_is_in_english_title_and_detail_alike(workspace, agent, api_as):
    request = new_request(workspace)
    client = api_as(agent)
    client.post(f"{URL}/{request.reference}/cancel", {"reason": "duplicate"})
    problem = client.post(f"{URL}/{request.reference}/verify", {}).json()
    assert "not possible" in problem["detail"] and "Cancelled" in problem["detail"]
    assert "Annulée" not in problem["detail"] and "n’est pas possible" not in problem["detail"]
