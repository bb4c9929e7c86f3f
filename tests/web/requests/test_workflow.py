"""The steps the workflow allows from each state."""

from __future__ import annotations

import pytest

from registre.web.requests.workflow import CLOSED, Kind, State, step_allowed


@pytest.mark.parametrize(
    ("step", "state", "kind", "allowed"),
    [
        ("verify", State.RECEIVED, Kind.ACCESS, True),
        ("verify", State.VERIFYING, Kind.ACCESS, True),
        ("verify", State.REVIEW, Kind.ACCESS, False),
        ("execute", State.REVIEW, Kind.ACCESS, True),
        ("execute", State.REVIEW, Kind.ERASURE, False),
        ("request_approval", State.REVIEW, Kind.ERASURE, True),
        ("request_approval", State.REVIEW, Kind.ACCESS, False),
        ("approve", State.AWAITING_APPROVAL, Kind.ERASURE, True),
        ("instruct", State.FORWARDED, Kind.ERASURE, True),
        ("instruct", State.REVIEW, Kind.ERASURE, False),
        ("refuse", State.EXECUTING, Kind.ACCESS, False),
        ("cancel", State.FORWARDED, Kind.ACCESS, True),
        ("complete", State.EXECUTING, Kind.ACCESS, True),
        ("fail", State.EXECUTING, Kind.ACCESS, True),
    ],
)
def test_steps_from_states(step, state, kind, allowed):
    assert step_allowed(step, state, kind) is allowed


@pytest.mark.parametrize("state", sorted(CLOSED))
@pytest.mark.parametrize("step", ["verify", "execute", "refuse", "cancel", "forward", "approve"])
def test_nothing_leaves_a_closed_state(step, state):
    assert not step_allowed(step, state, Kind.ERASURE)
