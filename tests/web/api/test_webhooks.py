"""Webhooks: managed through the API, a signed event POSTed by a background job at each change of state, retried."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import time

import pytest
from django.db import connection, transaction
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from registre.web.api import signing
from registre.web.api.deliveries import RETRY_DELAYS, attempt_delivery
from registre.web.api.models import Delivery, Webhook
from registre.web.api.webhooks import check_url, create_webhook
from registre.web.audit.models import AuditEntry
from registre.web.jobs.worker import run_worker
from registre.web.requests import actions
from registre.web.requests.workflow import TransitionError

pytestmark = pytest.mark.django_db
URL = "/api/v1/webhooks"


def new_request(workspace, sample=1):
    return actions.create_request(
        kind="access", channel="email", email=workspace.sample(sample)["email"], actor="system"
    )


def a_webhook(dpo, receiver, **options):
    return create_webhook(dpo, url=receiver.url, **options)


# --- Managing webhooks ----------------------------------------------------------------------------------------


def test_a_webhook_is_created_with_a_secret_shown_once_and_kept_encrypted(workspace, dpo, api_as, receiver):
    client = api_as(dpo, ["webhooks.manage"])
    response = client.post(URL, {"url": receiver.url, "description": "ops"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["secret"].startswith("whsec_") and body["events"] == ["request.state_changed"]
    hook = Webhook.objects.get(public_id=body["id"])
    assert hook.secret == body["secret"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM api_webhook")
        assert body["secret"] not in cursor.fetchone()[0]
    listed = client.get(URL).json()
    assert [item["id"] for item in listed] == [body["id"]] and "secret" not in listed[0]
    assert AuditEntry.objects.filter(action="webhook.created").exists()


def test_a_webhook_is_changed_rotated_and_deleted(workspace, dpo, api_as, receiver):
    client = api_as(dpo, ["webhooks.manage"])
    hook_id = client.post(URL, {"url": receiver.url}).json()["id"]
    changed = client.patch(f"{URL}/{hook_id}", {"active": False, "description": "paused"}).json()
    assert changed["active"] is False and changed["description"] == "paused" and changed["url"] == receiver.url
    old = Webhook.objects.get().secret
    new = client.post(f"{URL}/{hook_id}/rotate-secret").json()["secret"]
    assert new != old and Webhook.objects.get().secret == new
    assert client.delete(f"{URL}/{hook_id}").status_code == 204
    assert client.get(f"{URL}/{hook_id}").status_code == 404
    assert not Webhook.objects.exists()


@pytest.mark.parametrize(
    "url", ["http://example.com/hook", "ftp://127.0.0.1/x", "https://", "http://10.0.0.1/hook", "javascript:alert(1)"]
)
def test_a_webhook_url_is_https_or_loopback_http(url):
    with pytest.raises(ValueError):
        check_url(url)


def test_loopback_and_https_urls_are_accepted_where_private_addresses_are_allowed(settings):
    settings.REGISTRE_WEBHOOK_PRIVATE_ADDRESSES = True
    for url in ("https://ops.example.com/hook", "http://127.0.0.1:9000/x", "http://localhost/x", "http://[::1]/x"):
        assert check_url(url) == url


@pytest.mark.parametrize(
    "url",
    [
        "https://169.254.169.254/latest/meta-data/",
        "http://127.0.0.2/x",
        "https://127.0.0.1/x",
        "https://10.0.0.7/hook",
        "https://192.168.1.1/hook",
        "https://172.16.0.1/hook",
        "https://[::1]/x",
        "https://[fe80::1]/x",
        "https://[::ffff:169.254.169.254]/x",
        "https://100.64.0.1/x",
        "https://0.0.0.0/x",
        "https://localhost/x",
    ],
)
def test_loopback_private_and_link_local_destinations_are_refused_by_default(url):
    with pytest.raises(ValueError, match="public address"):
        check_url(url)


def test_a_name_that_resolves_to_a_private_address_is_refused():
    # "localhost." and names of /etc/hosts resolve without a DNS server.
    with pytest.raises(ValueError):
        check_url("https://localhost./hook")


def test_a_public_address_is_accepted():
    assert check_url("https://93.184.215.14/hook") == "https://93.184.215.14/hook"


def test_a_delivery_to_an_address_that_became_private_is_not_sent(workspace, dpo, receiver, settings):
    a_webhook(dpo, receiver)
    new_request(workspace)
    settings.REGISTRE_WEBHOOK_PRIVATE_ADDRESSES = False  # as if the name now resolved to the loopback
    delivery = attempt_delivery(Delivery.objects.get().pk)
    assert delivery.status == "failed" and "public address" in delivery.error
    assert receiver.received == []


def test_an_invalid_webhook_is_refused(workspace, dpo, api_as):
    client = api_as(dpo, ["webhooks.manage"])
    assert client.post(URL, {"url": "http://example.com/hook"}).status_code == 400
    assert client.post(URL, {"url": "https://example.com/hook", "events": ["request.deleted"]}).status_code == 422
    assert client.patch(f"{URL}/not-a-uuid", {"active": True}).status_code == 404


def test_managing_webhooks_needs_webhooks_manage(workspace, dpo, agent, api_as, token_of, receiver):
    assert api_as(dpo, ["requests.view"]).get(URL).status_code == 403
    assert api_as(agent, ["requests.view"]).post(URL, {"url": receiver.url}).status_code == 403
    with pytest.raises(ValueError):  # an agent cannot even be given the action
        token_of(agent, ["webhooks.manage"])


# --- Events -----------------------------------------------------------------------------------------------------


def test_each_change_of_state_is_posted_signed_by_a_background_job(workspace, dpo, receiver, in_test_transaction):
    hook, secret = a_webhook(dpo, receiver)
    request = new_request(workspace)
    actions.cancel_request(request, "system", "duplicate")
    assert Delivery.objects.count() == 2
    run_worker(batch=True, interval=0)
    assert len(receiver.received) == 2
    created, cancelled = receiver.received
    assert created.headers["Registre-Event"] == "request.state_changed"
    assert signing.verify_webhook_signature(secret, cancelled.headers["Registre-Signature"], cancelled.body)
    assert not signing.verify_webhook_signature("whsec_other", cancelled.headers["Registre-Signature"], cancelled.body)
    event = cancelled.json()
    assert event["type"] == "request.state_changed"
    assert event["data"] == {
        "request_id": str(request.public_id),
        "reference": request.reference,
        "kind": "access",
        "from": "received",
        "to": "cancelled",
        "at": event["data"]["at"],
    }
    assert created.json()["data"]["from"] is None
    assert workspace.sample(1)["email"] not in created.body.decode() + cancelled.body.decode()
    hook.refresh_from_db()
    assert hook.last_delivery_status == "delivered" and hook.last_response_code == 200
    assert DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL).count() == 2


def test_the_signature_is_hmac_sha256_of_the_timestamp_and_the_body(workspace, dpo, receiver):
    _hook, secret = a_webhook(dpo, receiver)
    new_request(workspace)
    attempt_delivery(Delivery.objects.get().pk)
    received = receiver.received[0]
    fields = dict(part.split("=", 1) for part in received.headers["Registre-Signature"].split(","))
    expected = hmac.new(secret.encode(), f"{fields['t']}.".encode() + received.body, hashlib.sha256).hexdigest()
    assert fields["v1"] == expected and abs(int(fields["t"]) - time.time()) < 60
    assert received.headers["Registre-Delivery"] == str(Delivery.objects.get().public_id)
    assert json.loads(received.body) == Delivery.objects.get().payload


def test_an_old_signature_is_refused_as_a_replay():
    body = b'{"a":1}'
    header = signing.webhook_signature("whsec_x", body, timestamp=int(time.time()) - 3600)
    assert not signing.verify_webhook_signature("whsec_x", header, body)
    assert not signing.verify_webhook_signature("whsec_x", "v1=abc", body)
    assert signing.verify_webhook_signature("whsec_x", signing.webhook_signature("whsec_x", body), body)


def test_a_failed_delivery_is_retried_with_backoff_then_given_up(workspace, dpo, receiver):
    hook, _secret = a_webhook(dpo, receiver)
    new_request(workspace)
    delivery = Delivery.objects.get()
    receiver.answers = [500] * (len(RETRY_DELAYS) + 1)
    before = dt.datetime.now(dt.UTC)
    delivery = attempt_delivery(delivery.pk)
    assert delivery.status == "retrying" and delivery.response_code == 500 and delivery.attempts == 1
    assert delivery.next_attempt_at - before >= dt.timedelta(seconds=RETRY_DELAYS[0])
    # The next attempt is a job scheduled for then.
    retry = DBTaskResult.objects.get(pk=delivery.job_id)
    assert retry.run_after is not None and retry.run_after >= before + dt.timedelta(seconds=RETRY_DELAYS[0])
    for _ in RETRY_DELAYS:
        delivery = attempt_delivery(delivery.pk)
    assert delivery.status == "failed" and delivery.attempts == len(RETRY_DELAYS) + 1
    hook.refresh_from_db()
    assert hook.last_delivery_status == "failed" and hook.last_response_code == 500
    assert len(receiver.received) == len(RETRY_DELAYS) + 1


def test_a_retry_that_succeeds_is_delivered(workspace, dpo, receiver):
    a_webhook(dpo, receiver)
    new_request(workspace)
    receiver.answers = [503]
    delivery = attempt_delivery(Delivery.objects.get().pk)
    assert delivery.status == "retrying"
    delivery = attempt_delivery(delivery.pk)
    assert delivery.status == "delivered" and delivery.delivered_at is not None and delivery.attempts == 2


def test_an_unreachable_endpoint_is_retried_with_the_error(workspace, dpo, receiver):
    a_webhook(dpo, receiver)
    new_request(workspace)
    Delivery.objects.update(url="http://127.0.0.1:9/nothing-listens")
    delivery = attempt_delivery(Delivery.objects.get().pk)
    assert delivery.status == "retrying" and delivery.response_code is None and delivery.error


def test_inactive_webhooks_receive_nothing(workspace, dpo, receiver):
    a_webhook(dpo, receiver, active=False)
    new_request(workspace)
    assert not Delivery.objects.exists()


def test_a_step_that_rolls_back_sends_nothing(workspace, dpo, receiver):
    a_webhook(dpo, receiver)
    request = new_request(workspace)
    count = Delivery.objects.count()
    with pytest.raises(TransitionError), transaction.atomic():
        actions.cancel_request(request, "system")
        actions.cancel_request(request, "system")  # refused: the whole block rolls back
    assert Delivery.objects.count() == count


def test_plans_and_letters_are_not_state_changes(workspace, dpo, receiver):
    a_webhook(dpo, receiver)
    request = new_request(workspace)
    actions.verify_identity(request, "system", method="manual")  # verified, then planned
    assert [d.payload["data"]["to"] for d in Delivery.objects.order_by("pk")] == ["received", "review"]


def test_a_ping_tests_the_endpoint_and_deliveries_are_listed(workspace, dpo, api_as, receiver):
    client = api_as(dpo, ["webhooks.manage"])
    hook_id = client.post(URL, {"url": receiver.url}).json()["id"]
    ping = client.post(f"{URL}/{hook_id}/ping")
    assert ping.status_code == 202 and ping.json()["event"] == "webhook.ping"
    attempt_delivery(Delivery.objects.get().pk)
    assert receiver.received[0].headers["Registre-Event"] == "webhook.ping"
    listed = client.get(f"{URL}/{hook_id}/deliveries").json()
    assert listed[0]["status"] == "delivered" and listed[0]["attempts"] == 1
    assert client.get(f"{URL}/{hook_id}").json()["last_delivery_status"] == "delivered"
