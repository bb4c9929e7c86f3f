"""An authority's request: disclosure only when compelled; the client and the person told once no gag runs."""

from __future__ import annotations

import datetime as dt

import pytest

from registre.core.authority import (
    DisclosureRefused,
    NoticeForbidden,
    check_disclosure,
    check_notice,
    disclosure_summary,
    notice_allowed,
)
from registre.core.engine import DatasetPlan, Plan, SystemPlan


def test_nothing_is_disclosed_without_a_legal_obligation():
    with pytest.raises(DisclosureRefused):
        check_disclosure(compelled=False)
    check_disclosure(compelled=True)


def test_a_gag_covers_its_last_day_and_ends_the_day_after():
    until = dt.date(2027, 3, 1)
    assert not notice_allowed(gag_until=until, today=dt.date(2027, 2, 28))
    assert not notice_allowed(gag_until=until, today=until)
    assert notice_allowed(gag_until=until, today=dt.date(2027, 3, 2))
    assert notice_allowed(gag_until=None, today=until)


def test_a_notice_under_a_gag_names_the_date():
    with pytest.raises(NoticeForbidden) as raised:
        check_notice(gag_until=dt.date(2027, 3, 1), today=dt.date(2027, 1, 1))
    assert raised.value.until == dt.date(2027, 3, 1) and "2027-03-01" in str(raised.value)


def test_the_summary_keeps_the_datasets_with_rows_as_counts():
    datasets = (DatasetPlan("crm", "contacts", 2, ()), DatasetPlan("crm", "tickets", 0, ()))
    plan = Plan("access", ("s-1",), None, dt.date(2026, 12, 2), (SystemPlan("crm", "sqlite://", datasets),))
    assert [item.to_dict() for item in disclosure_summary(plan)] == [{"reference": "crm.contacts", "rows": 2}]
