"""The ledger is append-only: an event is never changed or deleted."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connections, transaction

from registre.web.consent.models import AppendOnlyError, ConsentEvent

pytestmark = pytest.mark.django_db


def an_event():
    return ConsentEvent.objects.create(
        subject_ref="r" * 64, email="ada@example.org", purpose="prospecting", basis="opt_out", state="given",
        method="form", recorded_by_name="system",
    )  # fmt: skip


def test_an_event_cannot_be_changed():
    event = an_event()
    event.state = "withdrawn"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        ConsentEvent.objects.filter(pk=event.pk).update(state="withdrawn")
    assert ConsentEvent.objects.get(pk=event.pk).state == "given"


def test_an_event_cannot_be_deleted():
    event = an_event()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        ConsentEvent.objects.all().delete()
    assert ConsentEvent.objects.count() == 1


@pytest.mark.postgresql
@pytest.mark.django_db(databases=["postgresql"])
def test_postgresql_refuses_a_change_made_outside_registre():
    event = ConsentEvent.objects.using("postgresql").create(
        subject_ref="r" * 64, email="ada@example.org", purpose="prospecting", basis="opt_out", state="given",
        method="form", recorded_by_name="system",
    )  # fmt: skip
    for sql in ("UPDATE consent_consentevent SET state = 'withdrawn'", "DELETE FROM consent_consentevent"):
        refused = pytest.raises(DatabaseError, match="append-only")
        with refused, transaction.atomic(using="postgresql"), connections["postgresql"].cursor() as cursor:
            cursor.execute(sql)
    assert ConsentEvent.objects.using("postgresql").get(pk=event.pk).state == "given"
