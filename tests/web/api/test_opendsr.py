"""The OpenGDPR (OpenDSR) intake: discovery, submit, status, cancel; signed responses and status callbacks."""

from __future__ import annotations

import base64
import datetime as dt
import json
import uuid

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import Client
from django.utils import timezone

from registre.core.deadlines import response_deadline
from registre.web.api import signing
from registre.web.api.deliveries import attempt_delivery
from registre.web.api.models import Delivery, OpenGdprRequest
from registre.web.requests import actions
from registre.web.requests.models import DataRequest
from registre.web.requests.tasks import perform_execution

pytestmark = pytest.mark.django_db
BASE = "/opengdpr/v1"


def submission(workspace, kind="erasure", callbacks=(), **fields):
    return {
        "subject_request_id": str(uuid.uuid4()),
        "subject_request_type": kind,
        "submitted_time": timezone.now().isoformat(),
        "subject_identities": [
            {"identity_type": "email", "identity_value": workspace.sample(1)["email"], "identity_format": "raw"}
        ],
        "api_version": "1.0",
        "status_callback_urls": list(callbacks),
        **fields,
    }


def certificate() -> bytes:
    return Client().get(f"{BASE}/certificate.pem").content


def assert_signed(response) -> None:
    assert response["X-OpenGDPR-Processor-Domain"] == "testserver"
    assert signing.verify_opengdpr_signature(certificate(), response["X-OpenGDPR-Signature"], response.content)


def test_discovery_says_what_is_supported_and_is_public_and_signed(workspace):
    response = Client().get(f"{BASE}/discovery")
    assert response.status_code == 200
    body = response.json()
    assert body["api_version"] == "1.0"
    assert body["supported_subject_request_types"] == ["erasure", "access", "portability"]
    assert {"identity_type": "email", "identity_format": "raw"} in body["supported_identities"]
    assert body["processor_certificate"] == "http://testserver/opengdpr/v1/certificate.pem"
    assert_signed(response)


def test_the_certificate_is_a_pem_x509_certificate_of_the_signing_key(workspace):
    loaded = x509.load_pem_x509_certificate(certificate())
    assert loaded.public_key().public_numbers() == signing.signing_key().public_key().public_numbers()


def test_the_round_trip_submit_status_cancel(workspace, agent, api_as, receiver):
    client = api_as(agent, ["requests.create"])
    body = submission(workspace, "access", callbacks=[receiver.url])
    created = client.post(f"{BASE}/requests", body)
    assert created.status_code == 201, created.content
    assert_signed(created)
    answer = created.json()
    assert answer["subject_request_id"] == body["subject_request_id"]
    assert json.loads(base64.b64decode(answer["encoded_request"])) == body
    record = OpenGdprRequest.objects.get()
    request = record.request
    assert request.kind == "access" and request.channel == "api" and request.state == "verifying"
    assert answer["controller_id"] == record.controller_id
    expected = dt.datetime.fromisoformat(answer["expected_completion_time"])
    assert timezone.localdate(expected) == request.due_on

    status = client.get(f"{BASE}/requests/{body['subject_request_id']}")
    assert status.status_code == 200
    assert_signed(status)
    assert status.json()["request_status"] == "pending" and status.json()["results_url"] is None

    cancelled = client.delete(f"{BASE}/requests/{body['subject_request_id']}")
    assert cancelled.status_code == 202
    assert_signed(cancelled)
    assert cancelled.json()["subject_request_id"] == body["subject_request_id"]
    assert client.get(f"{BASE}/requests/{body['subject_request_id']}").json()["request_status"] == "cancelled"
    assert DataRequest.objects.get().state == "cancelled"

    # pending -> cancelled: one signed callback to the controller.
    delivery = Delivery.objects.get(opengdpr=record)
    assert attempt_delivery(delivery.pk).status == "delivered"
    callback = receiver.received[0]
    assert signing.verify_opengdpr_signature(certificate(), callback.headers["X-OpenGDPR-Signature"], callback.body)
    assert callback.json() == {
        "controller_id": record.controller_id,
        "expected_completion_time": callback.json()["expected_completion_time"],
        "status_callback_url": receiver.url,
        "subject_request_id": body["subject_request_id"],
        "request_status": "cancelled",
    }


def test_a_verified_request_runs_to_completion_with_callbacks_and_results(workspace, dpo, api_as, receiver):
    client = api_as(dpo, ["requests.create", "requests.create_verified"])
    body = submission(workspace, "access", callbacks=[receiver.url])
    assert client.post(f"{BASE}/requests", body).status_code == 201
    record = OpenGdprRequest.objects.get()
    assert client.get(f"{BASE}/requests/{body['subject_request_id']}").json()["request_status"] == "in_progress"
    actions.execute_request(record.request, "system")
    perform_execution(record.request.pk)
    status = client.get(f"{BASE}/requests/{body['subject_request_id']}").json()
    assert status["request_status"] == "completed"
    public_id = record.request.public_id
    assert status["results_url"] == f"http://testserver/api/v1/requests/{public_id}/export"
    download = client.get(status["results_url"].removeprefix("http://testserver"))
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    for delivery in Delivery.objects.filter(opengdpr=record).order_by("pk"):
        attempt_delivery(delivery.pk)
    assert [item.json()["request_status"] for item in receiver.received] == ["completed"]
    assert receiver.received[-1].json()["results_url"] == status["results_url"]


def test_the_same_submission_again_gets_the_same_answer(workspace, agent, api_as):
    client = api_as(agent, ["requests.create"])
    body = submission(workspace)
    first, second = client.post(f"{BASE}/requests", body), client.post(f"{BASE}/requests", body)
    assert second.status_code == 201 and second.json() == first.json()
    assert DataRequest.objects.count() == 1
    other = api_as(agent, ["requests.create"], name="other controller").post(f"{BASE}/requests", body)
    assert other.status_code == 400 and other.json()["error"]["code"] == 400


def test_another_controller_learns_nothing_of_the_request(workspace, agent, api_as):
    body = submission(workspace)
    api_as(agent, ["requests.create"]).post(f"{BASE}/requests", body)
    other = api_as(agent, ["requests.create"], name="other controller")
    assert other.get(f"{BASE}/requests/{body['subject_request_id']}").status_code == 404
    assert other.delete(f"{BASE}/requests/{body['subject_request_id']}").status_code == 404
    assert DataRequest.objects.get().state == "verifying"


def test_the_specifications_noun_answers_too(workspace, agent, api_as):
    client = api_as(agent, ["requests.create"])
    body = submission(workspace, "portability")
    assert client.post(f"{BASE}/opengdpr_requests", body).status_code == 201
    assert client.get(f"{BASE}/opengdpr_requests/{body['subject_request_id']}").status_code == 200
    assert client.delete(f"{BASE}/opengdpr_requests/{body['subject_request_id']}").status_code == 202


def test_the_deadline_runs_from_when_the_person_asked(workspace, agent, api_as):
    asked = timezone.now() - dt.timedelta(days=10)
    body = submission(workspace, submitted_time=asked.isoformat())
    api_as(agent, ["requests.create"]).post(f"{BASE}/requests", body)
    request = DataRequest.objects.get()
    assert request.due_on == response_deadline(timezone.localdate(asked), country="FR")


def test_hashed_and_undeclared_identities_are_left_aside_but_a_raw_email_is_required(workspace, agent, api_as):
    client = api_as(agent, ["requests.create"])
    body = submission(workspace)
    body["subject_identities"] += [
        {"identity_type": "email", "identity_value": "0" * 64, "identity_format": "sha256"},
        {"identity_type": "ios_advertising_id", "identity_value": "A-B", "identity_format": "raw"},
    ]
    assert client.post(f"{BASE}/requests", body).status_code == 201
    assert [item["type"] for item in DataRequest.objects.get().identities] == ["email"]
    hashed_only = submission(workspace)
    hashed_only["subject_identities"][0]["identity_format"] = "sha256"
    response = client.post(f"{BASE}/requests", hashed_only)
    assert response.status_code == 400 and "email" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    "change",
    [
        {"subject_request_type": "rectification"},
        {"subject_request_id": "not-a-uuid"},
        {"subject_identities": []},
        {"submitted_time": "yesterday"},
        {"status_callback_urls": ["http://controller.example.com/callbacks"]},
    ],
)
def test_invalid_submissions_are_400_in_the_specifications_error_shape(workspace, agent, api_as, change):
    response = api_as(agent, ["requests.create"]).post(f"{BASE}/requests", {**submission(workspace), **change})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == 400 and error["message"] and error["errors"][0]["domain"]
    assert_signed(response)
    assert not DataRequest.objects.exists()


def test_authentication_and_permissions(workspace, agent, auditor, api_as):
    body = submission(workspace)
    anonymous = api_as(None).post(f"{BASE}/requests", body)
    assert anonymous.status_code == 401 and anonymous.json()["error"]["code"] == 401
    assert api_as(agent, ["requests.view"]).post(f"{BASE}/requests", body).status_code == 403
    assert api_as(auditor, ["requests.view"]).post(f"{BASE}/requests", body).status_code == 403
    assert api_as(agent, ["requests.create"]).get(f"{BASE}/requests/{uuid.uuid4()}").status_code == 404


def test_a_staff_token_reads_the_status_of_any_opengdpr_request_in_scope(workspace, agent, dpo, api_as):
    body = submission(workspace)
    api_as(agent, ["requests.create"]).post(f"{BASE}/requests", body)
    staff = api_as(dpo, ["requests.view"])
    assert staff.get(f"{BASE}/requests/{body['subject_request_id']}").json()["request_status"] == "pending"
    assert staff.delete(f"{BASE}/requests/{body['subject_request_id']}").status_code == 404
    handler = api_as(dpo, ["requests.handle"], name="handler")
    assert handler.delete(f"{BASE}/requests/{body['subject_request_id']}").status_code == 202


def test_a_request_that_cannot_be_cancelled_any_more_is_400(workspace, agent, api_as):
    client = api_as(agent, ["requests.create"])
    body = submission(workspace)
    client.post(f"{BASE}/requests", body)
    assert client.delete(f"{BASE}/requests/{body['subject_request_id']}").status_code == 202
    again = client.delete(f"{BASE}/requests/{body['subject_request_id']}")
    assert again.status_code == 400 and again.json()["error"]["errors"][0]["reason"] == "InvalidState"


def test_a_configured_key_and_certificate_are_used(workspace, settings, tmp_path):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    settings.REGISTRE_OPENGDPR_KEY = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    settings.DATA_DIR = tmp_path
    settings.REGISTRE_OPENGDPR_CERTIFICATE = signing._self_signed_pem()
    response = Client().get(f"{BASE}/discovery")
    loaded = x509.load_pem_x509_certificate(certificate())
    assert loaded.public_key().public_numbers() == key.public_key().public_numbers()
    assert signing.verify_opengdpr_signature(certificate(), response["X-OpenGDPR-Signature"], response.content)
    assert not (tmp_path / "opengdpr-key.pem").exists()
