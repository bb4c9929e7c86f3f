"""Webhooks: endpoints of the company's systems that receive a signed event at each change of a request's state.

    hook, secret = create_webhook(token, url="https://ops.example.com/registre", events=["request.state_changed"])
    # on each state change: POST {"id", "type", "created_at", "data": {request_id, reference, kind, from, to, at}}
    # with Registre-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>"> and Registre-Event: <type>

Events carry no personal data: the request's public id and reference, its kind and states. Managing
webhooks needs `webhooks.manage`; every change is in the audit log (without the URL or the secret).
"""

from __future__ import annotations

import ipaddress
import uuid
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone

from registre.web.accounts.permissions import Principal, require
from registre.web.api import signing
from registre.web.api.deliveries import queue_delivery
from registre.web.api.destinations import check_destination
from registre.web.api.models import EVENTS, STATE_CHANGED, Delivery, Webhook
from registre.web.audit.actions import record
from registre.web.requests.models import DataRequest, Transition

PING = "webhook.ping"
LOOPBACK_NAMES = frozenset({"localhost"})


def check_url(url: str) -> str:
    """`url` if it is https to a public address, or http on the loopback where private addresses are allowed
    (tests, a local relay); ValueError otherwise (see `destinations`)."""
    parts = urlsplit(url.strip())
    host = parts.hostname or ""
    if parts.scheme == "https" and host:
        check_destination(url.strip())
        return url.strip()
    if parts.scheme == "http" and _is_loopback(host):
        check_destination(url.strip())
        return url.strip()
    raise ValueError("a webhook URL is https (http only on the loopback: 127.0.0.1, [::1], localhost)")


def _is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _events(events: Iterable[str]) -> list[str]:
    chosen = sorted(set(events))
    unknown = [event for event in chosen if event not in EVENTS]
    if unknown or not chosen:
        raise ValueError(f"unknown events: {', '.join(unknown) or 'none given'}; choose among {', '.join(EVENTS)}")
    return chosen


@transaction.atomic
def create_webhook(
    actor: Principal,
    *,
    url: str,
    events: Iterable[str] = (STATE_CHANGED,),
    description: str = "",
    active: bool = True,
) -> tuple[Webhook, str]:
    """A new webhook; (the webhook, its signing secret). The secret is kept encrypted; show it once."""
    require(actor, "webhooks.manage")
    secret = signing.new_secret()
    owner = getattr(actor, "owner", actor)
    webhook = Webhook.objects.create(
        url=check_url(url),
        secret=secret,
        events=_events(events),
        description=description.strip(),
        active=active,
        created_by=owner if getattr(owner, "is_authenticated", False) else None,
    )
    record(actor, "webhook.created", details={"webhook": str(webhook.public_id), "events": webhook.events})
    return webhook, secret


@transaction.atomic
def update_webhook(webhook: Webhook, actor: Principal, **changes: Any) -> Webhook:
    """Change the webhook's `url`, `events`, `description` or `active` (None leaves a value as it is)."""
    require(actor, "webhooks.manage")
    cleaners = {"url": check_url, "events": _events, "description": str.strip, "active": bool}
    changed = {name: cleaners[name](value) for name, value in changes.items() if value is not None}
    for name, value in changed.items():
        setattr(webhook, name, value)
    webhook.save(update_fields=list(changed) or None)
    record(actor, "webhook.updated", details={"webhook": str(webhook.public_id), "fields": sorted(changed)})
    return webhook


@transaction.atomic
def rotate_secret(webhook: Webhook, actor: Principal) -> str:
    """A new signing secret for the webhook (the old one stops at once); returned to show once."""
    require(actor, "webhooks.manage")
    webhook.secret = signing.new_secret()
    webhook.save(update_fields=["secret"])
    record(actor, "webhook.secret_rotated", details={"webhook": str(webhook.public_id)})
    return webhook.secret


@transaction.atomic
def delete_webhook(webhook: Webhook, actor: Principal) -> None:
    require(actor, "webhooks.manage")
    record(actor, "webhook.deleted", details={"webhook": str(webhook.public_id)})
    webhook.delete()


def ping_webhook(webhook: Webhook, actor: Principal) -> Delivery:
    """Send a `webhook.ping` event to the webhook, to test the receiving side."""
    require(actor, "webhooks.manage")
    payload = _event(PING, {"webhook": str(webhook.public_id)})
    return queue_delivery(url=webhook.url, event=PING, payload=payload, webhook=webhook)


def state_changed_event(request: DataRequest, transition: Transition) -> dict[str, Any]:
    """The `request.state_changed` event of a transition: references and states, no personal data."""
    return _event(
        STATE_CHANGED,
        {
            "request_id": str(request.public_id),
            "reference": request.reference,
            "kind": request.kind,
            "from": transition.from_state or None,
            "to": transition.to_state,
            "at": transition.at.isoformat(),
        },
    )


def _event(event: str, data: dict[str, Any]) -> dict[str, Any]:
    return {"id": str(uuid.uuid4()), "type": event, "created_at": timezone.now().isoformat(), "data": data}


def queue_webhook_events(request: DataRequest, transition: Transition) -> list[Delivery]:
    """A delivery of the transition's event to each active webhook that listens to it."""
    hooks = [hook for hook in Webhook.objects.filter(active=True) if STATE_CHANGED in hook.events]
    if not hooks:
        return []
    event = state_changed_event(request, transition)
    return [queue_delivery(url=hook.url, event=STATE_CHANGED, payload=event, webhook=hook) for hook in hooks]
