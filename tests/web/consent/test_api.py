"""The consent operations of the REST API: tokens scoped to them, and what they answer."""

from __future__ import annotations

import pytest
from tests.web.api.conftest import ApiClient
from tests.web.consent.conftest import subscriber

from registre.web.accounts.actions import create_token
from registre.web.consent import actions
from registre.web.consent.models import ConsentEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def mailer(dpo, db):
    return ApiClient(create_token(dpo, "mailer", ["consent.suppressions", "consent.links"])[1])


def test_a_mailers_token_reads_the_suppression_list_and_nothing_else(workspace, mailer):
    actions.record_consent("system", email="ada@example.org", purpose="call-quality", state="withdrawn", method="form")
    page = mailer.get("/api/v1/suppressions").json()
    assert [(item["email"], item["purpose"]) for item in page["items"]] == [("ada@example.org", "call-quality")]
    assert page["next"] is None
    assert mailer.get("/api/v1/requests").status_code == 403
    assert (
        mailer.post(
            "/api/v1/consents", {"email": "a@example.org", "purpose": "prospecting", "state": "given"}
        ).status_code
        == 403
    )


def test_a_token_without_the_scope_is_refused(workspace, dpo):
    other = ApiClient(create_token(dpo, "other", ["requests.view"])[1])
    assert other.get("/api/v1/suppressions").status_code == 403


def test_the_suppression_list_pages(workspace, mailer):
    for name in ("a", "b", "c"):
        actions.record_consent(
            "system", email=f"{name}@example.org", purpose="call-quality", state="withdrawn", method="form"
        )
    first = mailer.get("/api/v1/suppressions", {"limit": 2}).json()
    second = mailer.get("/api/v1/suppressions", {"limit": 2, "after": first["next"]}).json()
    assert [i["email"] for i in first["items"] + second["items"]] == ["a@example.org", "b@example.org", "c@example.org"]
    assert second["next"] is None


def test_a_malformed_since_is_invalid_input(workspace, mailer):
    response = mailer.get("/api/v1/suppressions", {"since": "yesterday"})
    assert response.status_code == 422


def test_a_mailer_gets_a_link_and_headers_per_recipient(workspace, mailer):
    body = {"recipients": [{"email": "a@example.org", "purpose": "prospecting", "lang": "en"}]}
    [link] = mailer.post("/api/v1/unsubscribe-links", body).json()
    assert link["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link["headers"]["List-Unsubscribe"] == f"<{link['url']}>"


def test_a_link_for_an_unknown_purpose_is_refused(workspace, mailer):
    body = {"recipients": [{"email": "a@example.org", "purpose": "billing"}]}
    response = mailer.post("/api/v1/unsubscribe-links", body)
    assert response.status_code == 400
    assert "billing" in response.json()["detail"]


def test_a_product_records_a_consent_with_the_hashed_address(workspace, dpo):
    product = ApiClient(create_token(dpo, "signup", ["consent.record", "consent.view"])[1])
    body = {
        "email": "a@example.org",
        "purpose": "prospecting",
        "state": "given",
        "method": "form",
        "ip_address": "203.0.113.7",
    }
    response = product.post("/api/v1/consents", body)
    assert response.status_code == 201
    event = ConsentEvent.objects.get()
    assert "203.0.113.7" not in str(event.evidence) and len(event.evidence["ip_hash"]) == 64
    assert event.recorded_by_name == "api:signup"
    standing = product.post("/api/v1/consents/standing", {"email": "a@example.org"}).json()["purposes"]
    assert {item["purpose"]: item["state"] for item in standing}["prospecting"] == "given"


def test_an_opt_out_through_the_api_reaches_the_target_database(workspace, dpo):
    email = subscriber(workspace)
    product = ApiClient(create_token(dpo, "signup", ["consent.record"])[1])
    body = {"email": email, "purpose": "prospecting", "state": "withdrawn"}
    assert product.post("/api/v1/consents", body).status_code == 201
    assert workspace.query("SELECT count(*) FROM newsletter WHERE lower(email) = lower(:e)", e=email)[0][0] == 0


def test_the_standing_of_someone_never_recorded_follows_each_purposes_basis(workspace, dpo):
    reader = ApiClient(create_token(dpo, "reader", ["consent.view"])[1])
    purposes = reader.post("/api/v1/consents/standing", {"email": "new@example.org"}).json()["purposes"]
    allowed = {item["purpose"]: (item["state"], item["allowed"]) for item in purposes}
    assert allowed["prospecting"] == ("none", True)  # an opt-out: nobody objected
    assert allowed["cookies:www"] == ("none", False)  # a consent: nobody gave it


def test_a_refused_consent_is_a_problem_with_its_reason(workspace, dpo):
    product = ApiClient(create_token(dpo, "signup", ["consent.record"])[1])
    body = {"email": "a@example.org", "purpose": "prospecting", "state": "given", "wording_version": "v9"}
    response = product.post("/api/v1/consents", body)
    assert response.status_code == 400
    assert response.json()["type"] == "urn:registre:problem:refused-input"
    assert "v9" in response.json()["detail"]
    assert not ConsentEvent.objects.exists()
