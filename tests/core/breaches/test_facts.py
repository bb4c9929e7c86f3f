"""Which notifications a breach calls for, by role and risk (Art. 33(1), 33(2), 34(1))."""

from __future__ import annotations

import pytest

from registre.core.breaches import BreachScope, duties


def scope(controller: bool, processor: bool) -> BreachScope:
    return BreachScope(
        datasets=("crm.contacts",),
        systems=("crm",),
        controller_activities=("support",) if controller else (),
        processor_activities=("hosting",) if processor else (),
        subjects=(),
        categories=(),
        tenant_datasets=(),
    )


def test_a_controller_notifies_the_authority_unless_there_is_no_risk():
    assert duties("risk", scope(True, False)).authority
    assert not duties("none", scope(True, False)).authority


def test_only_a_high_risk_calls_for_informing_the_people():
    assert duties("high", scope(True, False)).people
    assert not duties("risk", scope(True, False)).people


def test_a_processor_notifies_its_clients_whatever_the_risk_and_never_the_authority():
    owed = duties("none", scope(False, True))
    assert owed.clients and not owed.authority and not owed.people


def test_an_unknown_risk_is_refused():
    with pytest.raises(ValueError, match="risk"):
        duties("medium", scope(True, False))  # type: ignore[arg-type]
