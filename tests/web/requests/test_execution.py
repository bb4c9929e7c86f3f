"""What an execution keeps: counts by dataset, never the exported rows."""

from __future__ import annotations

import datetime as dt

from registre.core.engine import AccessResult, DatasetExport
from registre.web.requests.execution import failure_of, summarise


def access_result(errors=None):
    dataset = DatasetExport(
        system="crm",
        dataset="contacts",
        label=None,
        key="id",
        fields=(),
        rows=({"id": 1, "email": "ada@example.org"},),
        activities=("support",),
        portable=True,
    )
    return AccessResult("r-1", None, dt.date(2026, 11, 23), False, (dataset,), errors or {})


def test_the_summary_of_an_access_has_counts_and_no_rows():
    summary = summarise(access_result())
    assert summary == {
        "action": "access",
        "portability": False,
        "rows": 1,
        "datasets": {"crm.contacts": 1},
        "errors": {},
    }
    assert "ada@example.org" not in str(summary)


def test_a_failure_names_the_systems_not_read():
    assert failure_of(access_result({"platform": "unable to open database file"})) == (
        "platform: unable to open database file"
    )
