"""Audits: 30 days' notice (or the agreement's), one routine on-site audit within any 12 months."""

from __future__ import annotations

import datetime as dt

import pytest

from registre.core.inspections import (
    AuditRefused,
    AuditTerms,
    PastAudit,
    check_audit,
    notice_date,
    reminder_dates,
)
from registre.core.policy.durations import Duration
from registre.core.policy.model import ClientAgreement

D = dt.date
ONCE = AuditTerms()


def schedule(requested_on, onsite_on, past=(), *, by="client", trigger="routine", terms=ONCE):
    return check_audit(
        by=by, trigger=trigger, requested_on=requested_on, onsite_on=onsite_on, past=list(past), terms=terms
    )


def test_the_notice_date_is_30_days_before_the_onsite_date():
    assert notice_date(D(2027, 3, 31), 30) == D(2027, 3, 1)
    assert schedule(D(2027, 3, 1), D(2027, 3, 31)).notice_on == D(2027, 3, 1)


def test_29_days_of_notice_are_refused_with_the_earliest_date():
    with pytest.raises(AuditRefused) as refused:
        schedule(D(2027, 3, 2), D(2027, 3, 31))
    assert refused.value.code == "short_notice"
    assert refused.value.params == {"days": 30, "earliest": D(2027, 4, 1)}


def test_the_agreement_declares_its_own_notice():
    terms = AuditTerms.of(ClientAgreement(audit_notice_days=45))
    with pytest.raises(AuditRefused):
        schedule(D(2027, 3, 1), D(2027, 3, 31), terms=terms)
    assert schedule(D(2027, 2, 14), D(2027, 3, 31), terms=terms).notice_on == D(2027, 2, 14)


def test_a_second_routine_audit_within_12_months_is_refused_before_or_after():
    past = [PastAudit(D(2027, 3, 31))]
    for onsite_on in (D(2028, 3, 30), D(2026, 4, 1)):
        with pytest.raises(AuditRefused) as refused:
            schedule(onsite_on - dt.timedelta(days=60), onsite_on, past)
        assert refused.value.code == "yearly_limit" and refused.value.params["previous"] == D(2027, 3, 31)


def test_twelve_months_later_the_next_audit_is_allowed():
    assert schedule(D(2028, 1, 1), D(2028, 3, 31), [PastAudit(D(2027, 3, 31))]).notice_on == D(2028, 3, 1)


def test_the_agreement_may_allow_two_a_year():
    terms = AuditTerms.of(ClientAgreement(onsite_audits_per_year=2))
    past = [PastAudit(D(2027, 3, 31))]
    schedule(D(2027, 6, 1), D(2027, 9, 30), past, terms=terms)
    with pytest.raises(AuditRefused):
        schedule(D(2027, 6, 1), D(2027, 9, 30), [*past, PastAudit(D(2027, 6, 30))], terms=terms)


@pytest.mark.parametrize("trigger", ["breach", "authority"])
def test_an_audit_after_a_breach_or_a_demand_is_outside_the_limit_and_not_counted(trigger):
    past = [PastAudit(D(2027, 3, 31))]
    schedule(D(2027, 4, 1), D(2027, 5, 15), past, trigger=trigger)
    # ...and a routine audit is still judged against the routine ones only.
    schedule(D(2028, 2, 1), D(2028, 4, 1), [*past, PastAudit(D(2027, 5, 15), trigger)])


def test_an_audit_after_a_breach_still_needs_its_notice():
    with pytest.raises(AuditRefused):
        schedule(D(2027, 4, 1), D(2027, 4, 10), trigger="breach")


def test_the_authority_needs_no_notice_and_has_no_limit():
    found = schedule(D(2027, 3, 31), D(2027, 3, 31), [PastAudit(D(2027, 3, 1))], by="authority")
    assert found.notice_on is None and found.reminders == reminder_dates(D(2027, 3, 31))


def test_the_onsite_date_cannot_come_before_the_request():
    with pytest.raises(AuditRefused) as refused:
        schedule(D(2027, 3, 31), D(2027, 3, 30), by="authority")
    assert refused.value.code == "date_order"


def test_the_dpo_is_reminded_30_and_7_days_before():
    assert reminder_dates(D(2027, 3, 31)) == (D(2027, 3, 1), D(2027, 3, 24))


def test_months_are_added_as_the_calendar_counts_them():
    assert Duration(months=12).add_to(D(2028, 2, 29)) == D(2029, 2, 28)
    assert Duration(months=1).add_to(D(2027, 1, 31)) == D(2027, 2, 28)


@pytest.mark.parametrize(("requested_on", "onsite_on"), [(D(1, 1, 1), D(1, 1, 1)), (D(2027, 1, 1), D(9999, 12, 31))])
def test_dates_out_of_any_calendar_an_audit_could_have_are_refused(requested_on, onsite_on):
    with pytest.raises(AuditRefused) as refused:
        schedule(requested_on, onsite_on)
    assert refused.value.code == "date_range"
