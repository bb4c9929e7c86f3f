"""Webhooks in the console: add one (secret shown once), pause, test, delete; refused destinations on the form."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from registre.web.api.models import Delivery, Webhook
from registre.web.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_a_dpo_adds_a_webhook_and_sees_its_secret_once(dpo, client_for):
    client = client_for(dpo)
    page = client.post(
        reverse("webhooks:list"), {"url": "https://93.184.215.14/hooks", "events": ["request.state_changed"]}
    )
    assert page.status_code == 200
    secret = re.search(r'id="secret-value"[^>]*value="([^"]+)"', page.content.decode()).group(1)
    hook = Webhook.objects.get()
    assert hook.secret == secret and hook.events == ["request.state_changed"]
    listing = client.get(reverse("webhooks:list")).content.decode()
    assert "https://93.184.215.14/hooks" in listing and secret not in listing
    assert AuditEntry.objects.filter(action="webhook.created", actor_name="dpo").exists()


def test_a_private_destination_is_refused_on_the_form(dpo, client_for):
    page = client_for(dpo).post(
        reverse("webhooks:list"), {"url": "https://169.254.169.254/latest", "events": ["request.state_changed"]}
    )
    assert page.status_code == 400 and not Webhook.objects.exists()
    assert "public address" in page.content.decode()


def test_pause_ping_and_delete(dpo, client_for, settings):
    settings.REGISTRE_WEBHOOK_PRIVATE_ADDRESSES = True
    client = client_for(dpo)
    client.post(reverse("webhooks:list"), {"url": "http://127.0.0.1:9/x", "events": ["request.state_changed"]})
    hook = Webhook.objects.get()
    client.post(reverse("webhooks:toggle", args=[hook.pk]))
    hook.refresh_from_db()
    assert not hook.active
    client.post(reverse("webhooks:ping", args=[hook.pk]))
    assert Delivery.objects.filter(webhook=hook, event="webhook.ping").count() == 1
    client.post(reverse("webhooks:delete", args=[hook.pk]))
    assert not Webhook.objects.exists()


def test_an_agent_may_not_manage_webhooks(agent, client_for):
    assert client_for(agent).get(reverse("webhooks:list")).status_code == 403
