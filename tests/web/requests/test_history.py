"""Each step of a request: a timeline row and an audit entry, written together; refused steps change nothing."""

from __future__ import annotations

import pytest

from registre.web.audit.models import AuditEntry
from registre.web.requests import actions
from registre.web.requests.history import add_event, apply_step
from registre.web.requests.models import DataRequest, Transition
from registre.web.requests.workflow import State, TransitionError

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_(workspace):
    return actions.create_request(kind="erasure", channel="email", email="ada@example.org", actor="system")


def test_a_step_moves_the_request_and_records_who_and_why(request_, dpo):
    apply_step(request_, "start_verification", dpo, "asked for an ID card")
    row = request_.transitions.last()
    assert (row.from_state, row.to_state, row.actor, row.note) == ("received", "verifying", dpo, "asked for an ID card")
    entry = AuditEntry.objects.get(action="request.verification_started")
    assert entry.details == {"kind": "erasure", "from": "received", "to": "verifying"}
    assert entry.request_id == request_.reference and entry.actor_name == "dpo"
    assert "ID card" not in str(entry.details)  # notes stay in the timeline


def test_a_refused_step_changes_nothing(request_):
    with pytest.raises(TransitionError):
        apply_step(request_, "approve", "system")
    assert DataRequest.objects.get(pk=request_.pk).state == State.RECEIVED
    assert not AuditEntry.objects.filter(action="request.approved").exists()


def test_the_state_is_read_again_under_lock(request_):
    stale = DataRequest.objects.get(pk=request_.pk)
    apply_step(request_, "cancel", "system")
    with pytest.raises(TransitionError):
        apply_step(stale, "start_verification", "system")  # the copy in memory still says received


def test_an_event_leaves_the_state_as_it_is(request_):
    add_event(request_, "request.planned", "system", event=Transition.Event.PLANNED, counts={"rows": 3})
    row = request_.transitions.last()
    assert row.from_state == row.to_state == "received"
    assert AuditEntry.objects.get(action="request.planned").counts == {"rows": 3}
