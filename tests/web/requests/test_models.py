"""A request's small behaviour: deadlines and their urgency, the subject the engine looks for, its scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from registre.web.requests import actions
from registre.web.requests.models import RequestActivity
from registre.web.requests.workflow import State

pytestmark = pytest.mark.django_db


def new_request(workspace, **options):
    return actions.create_request(
        kind="access", channel="email", email=workspace.sample(1)["email"], actor="system", **options
    )


@pytest.mark.parametrize(
    ("days_ago", "urgency"),
    [(0, "ok"), (24, "close"), (60, "overdue")],
)
def test_the_urgency_of_a_deadline(workspace, days_ago, urgency):
    request = new_request(workspace, received_at=timezone.now() - dt.timedelta(days=days_ago))
    assert request.urgency == urgency


def test_a_closed_request_has_no_urgency_and_no_lateness_shown(workspace):
    request = new_request(workspace, received_at=timezone.now() - dt.timedelta(days=60))
    assert request.days_late > 0
    actions.cancel_request(request, "system")
    request.refresh_from_db()
    assert request.urgency == "closed"


def test_the_engine_looks_only_for_verified_identities(workspace):
    request = new_request(workspace, identities={"phone": "+33 6 00 00 00 00"})
    with pytest.raises(ValueError):
        request.engine_subject()  # nothing verified yet
    request.identities = [{**item, "verified": item["type"] == "email"} for item in request.identities]
    subject = request.engine_subject()
    assert [identity.type for identity in subject.identities] == ["email"]
    assert workspace.sample(1)["email"] not in subject.reference


def test_the_scope_of_a_request_is_its_activities_and_its_client(workspace, demo_clients):
    request = new_request(workspace, client=demo_clients[0])
    RequestActivity.objects.create(request=request, activity="support")
    keys = request.scope_keys()
    assert keys.activities == frozenset({"support"}) and keys.client == demo_clients[0].tenant
    assert request.tenant == demo_clients[0].tenant


def test_a_new_request_is_open_and_received(workspace):
    request = new_request(workspace)
    assert request.is_open and request.state == State.RECEIVED
    assert request.received_on == timezone.localdate()
