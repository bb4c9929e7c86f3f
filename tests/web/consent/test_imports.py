"""Bulk imports into the ledger (`consent/imports.py`): checked like single events, one audit entry per batch."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from tests.web.consent.conftest import subscriber

from registre.core.consent import ConsentError
from registre.web.audit.actions import verify_chain
from registre.web.audit.models import AuditEntry
from registre.web.consent import actions
from registre.web.consent.imports import Imported, import_events
from registre.web.consent.models import ConsentEvent

pytestmark = pytest.mark.django_db


def imported(email, state="withdrawn", purpose="call-quality", days_ago=30):
    return Imported(email, purpose, state, timezone.now() - dt.timedelta(days=days_ago))


def test_an_import_appends_in_batches_with_one_audit_entry_each(workspace):
    events = [imported(f"p{number}@example.org") for number in range(5)]
    assert import_events("system", events, batch=2) == 5
    assert ConsentEvent.objects.filter(method="import").count() == 5
    entries = list(AuditEntry.objects.filter(action="consent.imported").order_by("sequence"))
    assert [entry.counts for entry in entries] == [{"call-quality.withdrawn": 2}] * 2 + [{"call-quality.withdrawn": 1}]
    assert verify_chain() == []


def test_an_import_executes_nothing_on_the_target_database(workspace):
    email = subscriber(workspace)
    before = workspace.query("SELECT count(*) FROM newsletter")[0][0]
    import_events("system", [imported(email, purpose="prospecting")])
    assert workspace.query("SELECT count(*) FROM newsletter")[0][0] == before
    assert ConsentEvent.objects.get().execution is None


def test_an_import_stops_at_a_refused_event_keeping_the_batches_before(workspace):
    events = [imported("a@example.org"), imported("b@example.org"), imported("c@example.org", purpose="billing")]
    with pytest.raises(ConsentError):
        import_events("system", events, batch=2)
    assert sorted(ConsentEvent.objects.values_list("email", flat=True)) == ["a@example.org", "b@example.org"]


def test_an_imported_history_gives_the_state_of_its_last_event(workspace):
    history = [imported("a@example.org", "withdrawn", days_ago=20), imported("a@example.org", "given", days_ago=10)]
    import_events("system", history)
    standing = {item.purpose: item for item in actions.person_standing("a@example.org")}["call-quality"]
    assert (standing.state, standing.allowed) == ("given", True)


def test_staff_import_only_with_the_right_to_record(workspace, auditor):
    with pytest.raises(PermissionDenied):
        import_events(auditor, [imported("a@example.org")])
