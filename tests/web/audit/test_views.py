"""The audit log page (filters, pages) and its CSV export."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from registre.web.audit.actions import Actor, record

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries(admin):
    record(admin, "token.created")
    record("system", "request.created", request_id=7, counts={"rows": 3})
    record(Actor("user", 99, "=HYPERLINK(1)"), "request.executed", request_id=7)


def test_the_list_shows_the_newest_entries_first(dpo, client_for, entries):
    page = client_for(dpo).get(reverse("audit:list")).context["page"]
    assert [entry.sequence for entry in page.object_list] == [3, 2, 1]


@pytest.mark.parametrize(
    ("query", "sequences"),
    [
        ({"action": "request."}, [3, 2]),
        ({"actor": "ADM"}, [1]),
        ({"since": "2000-01-01", "until": "2999-12-31"}, [3, 2, 1]),
    ],
)
def test_the_list_filters_by_action_actor_and_date(dpo, client_for, entries, query, sequences):
    page = client_for(dpo).get(reverse("audit:list"), query).context["page"]
    assert [entry.sequence for entry in page.object_list] == sequences


def test_the_list_is_paginated(dpo, client_for):
    for _ in range(51):
        record("system", "request.created")
    response = client_for(dpo).get(reverse("audit:list"), {"page": 2, "action": "request."})
    assert [entry.sequence for entry in response.context["page"].object_list] == [1]
    assert "action=request." in response.content.decode()


def test_the_export_is_a_csv_of_every_entry_in_order(auditor, client_for, entries):
    response = client_for(auditor).get(reverse("audit:export"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="registre-audit-')
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row["sequence"] for row in rows] == ["1", "2", "3"]
    assert rows[1]["counts"] == '{"rows": 3}'
    assert rows[2]["actor_name"] == "'=HYPERLINK(1)", "a formula is defused"
    assert len(rows[0]["hash"]) == 64


def test_the_export_keeps_the_filters(auditor, client_for, entries):
    response = client_for(auditor).get(reverse("audit:export"), {"action": "token."})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row["action"] for row in rows] == ["token.created"]
