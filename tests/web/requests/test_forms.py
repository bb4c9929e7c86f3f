"""The console's forms: intake reads corrections and the day of receipt; the inbox filters."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from registre.web.policy import current_policy
from registre.web.requests.forms import IntakeForm, identity_label

pytestmark = pytest.mark.django_db


def intake(**data):
    base = {
        "kind": "access",
        "channel": "post",
        "received_on": timezone.localdate().isoformat(),
        "email": "a@b.example",
        "lang": "fr",
    }
    return IntakeForm({**base, **data}, policy=current_policy())


def test_corrections_are_read_one_per_line(workspace):
    form = intake(kind="rectification", changes="job_title = CTO\nnot a change\nphone=+33 6 00 00 00 00\n")
    assert form.is_valid(), form.errors
    assert form.details() == {"changes": {"job_title": "CTO", "phone": "+33 6 00 00 00 00"}}


def test_a_request_received_another_day_counts_from_noon_that_day(workspace):
    day = timezone.localdate() - dt.timedelta(days=5)
    form = intake(received_on=day.isoformat())
    assert form.is_valid()
    received = timezone.localtime(form.received_at())
    assert received.date() == day and received.hour == 12


def test_a_request_cannot_be_received_tomorrow(workspace):
    form = intake(received_on=(timezone.localdate() + dt.timedelta(days=1)).isoformat())
    assert not form.is_valid() and "received_on" in form.errors


def test_the_form_asks_the_policys_identity_types(workspace):
    form = intake()
    assert set(form.identity_types) == {"customer_number", "phone"}
    assert identity_label("customer_number") in ("Customer number", "Numéro client")
    assert identity_label("badge_id") == "Badge id"


def test_the_day_of_receipt_is_offered_in_the_format_of_date_inputs(workspace):
    html = str(intake()["received_on"])
    assert f'value="{timezone.localdate().isoformat()}"' in html
