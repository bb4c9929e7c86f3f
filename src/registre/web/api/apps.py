from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


def queue_events(sender: Any, **kwargs: Any) -> None:
    """`post_save` of a Transition: the webhook and callback machinery loads on the first one, not at start-up."""
    from registre.web.api.events import queue_events as queue

    queue(sender, **kwargs)


class ApiConfig(AppConfig):
    name = "registre.web.api"
    label = "api"
    verbose_name = _("REST API")

    def ready(self) -> None:
        # Every change of a request's state is a `Transition` row written by requests.history: its creation
        # queues the webhook events and OpenGDPR callbacks, in the same transaction (a rolled-back step sends
        # nothing, a committed one cannot lose its events).
        from registre.web.requests.models import Transition

        post_save.connect(queue_events, sender=Transition, dispatch_uid="registre.api.queue_events")
