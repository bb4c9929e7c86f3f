"""What a change of a request's state sets off in the API: webhook events and OpenGDPR status callbacks."""

from __future__ import annotations

from typing import Any

from registre.web.api.callbacks import queue_status_callbacks
from registre.web.api.webhooks import queue_webhook_events
from registre.web.requests.models import Transition


def queue_events(sender: type[Transition], instance: Transition, created: bool, raw: bool = False, **_: Any) -> None:
    """`post_save` of a Transition: a change of state (not a letter, a plan...) queues its deliveries."""
    if not created or raw or instance.event != Transition.Event.STATE:
        return
    request = instance.request
    queue_webhook_events(request, instance)
    queue_status_callbacks(request)
