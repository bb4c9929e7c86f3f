"""Audits of the processor (inspections): their notice, the yearly limit, and what follows a breach.

The promises (SOURCES 20; 004 Art. 6, 000 §11): the client may audit the processor, on site, at most once
a year, by an independent auditor, with the terms agreed at least 30 days before the start date. A client's
agreement may declare its own notice and limit (`agreement: {audit_notice_days, onsite_audits_per_year}`).
An audit that follows a breach or a supervisory authority's demand is outside the yearly limit; the
authority's own inspections (Art. 58(1)(b) GDPR) are bound by neither rule.

    terms = AuditTerms(notice_days=30, per_year=1)
    notice_on = check_audit(by="client", trigger="routine", requested_on=..., onsite_on=..., past=[...], terms=terms)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from registre.core.policy.durations import Duration
from registre.core.policy.model import ClientAgreement

NOTICE_DAYS = 30  # 004 Art. 6: "at least 30 days before the desired start date"
LIMIT_MONTHS = 12  # 004 Art. 6: "limited to once per year"
REMINDER_DAYS = (30, 7)  # the DPO is reminded this many days before the on-site date
Auditor = Literal["client", "authority"]
Trigger = Literal["routine", "breach", "authority"]
RefusalCode = Literal["short_notice", "yearly_limit", "date_order", "date_range"]
FIRST_DAY, LAST_DAY = dt.date(1970, 1, 1), dt.date(9000, 12, 31)  # the dates an audit may have


@dataclass(frozen=True)
class AuditTerms:
    """What the client's agreement allows: the notice in days, the on-site audits within any 12 months."""

    notice_days: int = NOTICE_DAYS
    per_year: int = 1

    @classmethod
    def of(cls, agreement: ClientAgreement | None) -> AuditTerms:
        if agreement is None:
            return cls()
        return cls(notice_days=agreement.audit_notice_days, per_year=agreement.onsite_audits_per_year)


@dataclass(frozen=True)
class PastAudit:
    """An on-site audit already scheduled or done for the same client."""

    onsite_on: dt.date
    trigger: Trigger = "routine"


class AuditRefused(ValueError):
    """The audit cannot be scheduled as asked: a code and its parameters, rendered in each language."""

    def __init__(self, code: RefusalCode, **params: dt.date | int) -> None:
        super().__init__(f"{code}: {', '.join(f'{key}={value}' for key, value in sorted(params.items()))}")
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Schedule:
    """The dates the rules give: the last day the terms may be agreed, and when to remind the DPO."""

    notice_on: dt.date | None
    reminders: tuple[dt.date, ...] = field(default_factory=tuple)


def reminder_dates(onsite_on: dt.date) -> tuple[dt.date, ...]:
    """The days the DPO is reminded of an on-site audit: REMINDER_DAYS before it."""
    return tuple(onsite_on - dt.timedelta(days=days) for days in REMINDER_DAYS)


def notice_date(onsite_on: dt.date, notice_days: int) -> dt.date:
    """The last day the audit may be notified and its terms agreed: `notice_days` before the on-site date."""
    return onsite_on - dt.timedelta(days=notice_days)


def check_audit(
    *,
    by: Auditor,
    trigger: Trigger,
    requested_on: dt.date,
    onsite_on: dt.date,
    past: list[PastAudit],
    terms: AuditTerms,
) -> Schedule:
    """The schedule of an audit, or AuditRefused.

    0. Both dates lie between FIRST_DAY and LAST_DAY (`date_range`): the others are typing errors.
    1. The on-site date cannot come before the request (`date_order`).
    2. The authority's inspections: no notice, no limit.
    3. A client's audit is requested at least `notice_days` before the on-site date (`short_notice`).
    4. A routine audit is refused when the client already has `per_year` routine on-site audits within
       12 months of this one, before or after it (`yearly_limit`); one after a breach or an authority's
       demand is not counted and not limited.
    """
    if not (FIRST_DAY <= requested_on <= LAST_DAY and FIRST_DAY <= onsite_on <= LAST_DAY):
        raise AuditRefused("date_range", first=FIRST_DAY, last=LAST_DAY)
    if onsite_on < requested_on:
        raise AuditRefused("date_order", requested_on=requested_on, onsite_on=onsite_on)
    reminders = reminder_dates(onsite_on)
    if by == "authority":
        return Schedule(None, reminders)
    due = notice_date(onsite_on, terms.notice_days)
    if requested_on > due:
        raise AuditRefused("short_notice", days=terms.notice_days, earliest=requested_on + (onsite_on - due))
    if trigger == "routine":
        close = sorted(
            item.onsite_on for item in past if item.trigger == "routine" and _within_year(item.onsite_on, onsite_on)
        )
        if len(close) >= terms.per_year:
            raise AuditRefused("yearly_limit", per_year=terms.per_year, previous=close[-1])
    return Schedule(due, reminders)


def _within_year(one: dt.date, other: dt.date) -> bool:
    first, last = sorted((one, other))
    return Duration(months=LIMIT_MONTHS).add_to(first) > last
