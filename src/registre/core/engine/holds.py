"""Legal holds: rows that the law requires to keep, whatever the person asks.

Art. 17(3)(b) GDPR: the right to erasure does not apply where processing is
necessary for compliance with a legal obligation. A dataset's rows are held
by:

1. each entry of its `holds:` (the period `keep`, else the `keep` of its
   legal reference in the taxonomy), counted from its `from` column;
2. each activity on the legal basis `legal_obligation` whose retention is
   anchored on one of its columns (`retention: {keep, from: system.dataset.column}`).

A row is held through the whole day its period ends (anchor date plus the
period, the last day of a shorter month when the day is missing there): a
minimum legal period ends at the end of its last day (Code de procédure
civile arts. 641-642; Regulation 1182/71 art. 3(2)(c)), so the row is
released the day after. A hold declared with `start: financial_year_end`
counts from the close of the financial year that contains the anchor date
(Code de commerce L123-22; `organisation.financial_year_end`, else
31 December). The test runs in SQL as `anchor >= first day still held`,
computed in Python for the day and bound as a date, which uses an index on
the anchor and gives the same answer on every database. A row whose
anchor is NULL is not held: the event the period runs from has not been
recorded, so nothing shows that the obligation applies
(`registre check` asks for anchors to be dates; make them NOT NULL where the
law requires keeping). A hold with no period at all holds every row that has
an anchor, with no end date.

A running contract keeps rows too (`contract_rules`): an activity on the
legal basis `contract` that declares `contract_end: system.dataset.column`
keeps the rows of that dataset whose end date is NULL (no end agreed yet) or
not past: they are still necessary for the contract (Art. 6(1)(b)), so
erasure does not apply to them (Art. 17(1)(a)); the plan says "kept under
the running contract until <end>". Such rows are not restricted: the
contract still uses them. Retention sweeps do not read these rules: the
activity's own retention, counted from the end of the contract, decides.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from registre.core.engine.request import parameter_name
from registre.core.i18n import Localized
from registre.core.policy.durations import Duration
from registre.core.policy.model import Dataset, Hold, Policy
from registre.core.taxonomy import load_taxonomy

_UNITS = (("years", "year"), ("months", "month"), ("weeks", "week"), ("days", "day"))


@dataclass(frozen=True)
class HoldRule:
    """A legal obligation to keep a dataset's rows for `keep` after the date in column `anchor`.

    `basis` is the key of a legal reference (`fr.commerce.L123-22`) or the
    stated basis of the hold; `citation` the text of the law, when known;
    `source` says where the rule is declared. `keep` None: no end.
    """

    anchor: str
    keep: Duration | None
    basis: str
    citation: str | None
    label: Localized | None
    source: str
    year_end: tuple[int, int] | None = None
    running: bool = False  # a running contract: held while `anchor` (its end) is NULL or not past

    @property
    def legal(self) -> bool:
        """A legal obligation (rows restricted while kept), not a running contract."""
        return not self.running

    def first_held_day(self, today: dt.date) -> dt.date | None:
        """The earliest anchor date still held on `today` (None: every dated row is held).

        With a financial year end, a row is held when the close of its year is
        still held: its anchor comes after the last year end before that day.
        A running contract holds through its last day: an end on `today` or later.
        """
        if self.running:
            return today
        if self.keep is None:
            return None
        first = self.keep.first_start_running(today)
        if self.year_end is None:
            return first
        return _year_end_before(first, self.year_end) + dt.timedelta(days=1)

    def until(self, anchor: dt.date) -> dt.date | None:
        """The last day a row anchored on `anchor` is held (None: never ends); it is released the day after."""
        if self.running:
            return anchor
        if self.keep is None:
            return None
        start = anchor if self.year_end is None else _year_end_from(anchor, self.year_end)
        return self.keep.add_to(start)

    def describe(self, until: dt.date | None) -> str:
        """`fr.commerce.L123-22, Code de commerce art. L123-22, 10 years from issued_at, until 2034-05-12`."""
        if self.running:
            end = f"until {until.isoformat()}" if until else "until it ends"
            return f"the running contract of {self.basis} ({self.anchor}), {end}"
        parts = [self.basis, *([self.citation] if self.citation else [])]
        start = self.anchor if self.year_end is None else f"the close of the financial year of {self.anchor}"
        period = f"{describe_duration(self.keep)} from {start}" if self.keep else f"no end, from {start}"
        parts.append(period + (f", until {until.isoformat()}" if until else ""))
        return ", ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "basis": self.basis,
            "citation": self.citation,
            "label": self.label.model_dump() if self.label else None,
            "keep": str(self.keep) if self.keep else None,
            "from": self.anchor,
            "start": "date" if self.year_end is None else "financial_year_end",
            "source": self.source,
            "running": self.running,
        }


def _year_end_from(day: dt.date, year_end: tuple[int, int]) -> dt.date:
    """The close of the financial year that contains `day`: the first year end on or after it."""
    close = dt.date(day.year, *year_end)
    return close if close >= day else dt.date(day.year + 1, *year_end)


def _year_end_before(day: dt.date, year_end: tuple[int, int]) -> dt.date:
    """The last year end strictly before `day`."""
    close = dt.date(day.year, *year_end)
    return close if close < day else dt.date(day.year - 1, *year_end)


def describe_duration(duration: Duration) -> str:
    """`P10Y` -> `10 years`, `P1Y6M` -> `1 year 6 months`."""
    parts = []
    for attribute, unit in _UNITS:
        count = getattr(duration, attribute)
        if count:
            parts.append(f"{count} {unit}{'s' if count > 1 else ''}")
    return " ".join(parts) or "0 days"


def hold_rules(policy: Policy, system_name: str, dataset_name: str, dataset: Dataset) -> list[HoldRule]:
    """The rules that hold rows of `system_name.dataset_name`, without duplicates (same anchor, period and basis)."""
    year_end = policy.organisation.year_end()
    rules = [_rule_of_hold(hold, year_end) for hold in dataset.holds]
    anchor_prefix = f"{system_name}.{dataset_name}."
    for key, activity in policy.activities.items():
        retention = activity.retention
        if activity.legal_basis != "legal_obligation" or retention is None or retention.from_ is None:
            continue
        if retention.from_.startswith(anchor_prefix):
            rules.append(_rule_of_activity(key, activity.legal_obligation, activity.name, retention))
    # The same obligation on the same date, declared twice (a hold, and an activity of legal obligation): one
    # rule; counted from the close of the financial year if either says so, since that day comes later.
    unique: dict[tuple[str, str, str], HoldRule] = {}
    for rule in rules:
        same = (rule.anchor, str(rule.keep), rule.basis)
        if same not in unique or (rule.year_end is not None and unique[same].year_end is None):
            unique[same] = rule
    return list(unique.values())


def contract_rules(policy: Policy, system_name: str, dataset_name: str) -> list[HoldRule]:
    """The running contracts that keep rows of `system_name.dataset_name` (activities declaring `contract_end`)."""
    prefix = f"{system_name}.{dataset_name}."
    return [
        HoldRule(
            anchor=activity.contract_end.rsplit(".", 1)[1],
            keep=None,
            basis=key,
            citation=None,
            label=activity.name,
            source=f"activity {key}",
            running=True,
        )
        for key, activity in policy.activities.items()
        if activity.legal_basis == "contract" and activity.contract_end and activity.contract_end.startswith(prefix)
    ]


def _rule_of_hold(hold: Hold, year_end: tuple[int, int]) -> HoldRule:
    reference = load_taxonomy().legal_references.get(hold.reference or "")
    keep = hold.keep or (Duration.parse(reference.keep) if reference else None)
    basis = hold.reference or (hold.basis.get("en") if hold.basis else "legal hold")
    return HoldRule(
        anchor=hold.from_,
        keep=keep,
        basis=basis,
        citation=reference.citation if reference else None,
        label=reference.label if reference else hold.basis,
        source="holds",
        year_end=year_end if hold.start == "financial_year_end" else None,
    )


def _rule_of_activity(key: str, obligation: str | None, name: Localized, retention: Any) -> HoldRule:
    reference = load_taxonomy().legal_references.get(obligation or "")
    return HoldRule(
        anchor=retention.from_.rsplit(".", 1)[1],
        keep=retention.keep,
        basis=obligation or key,
        citation=reference.citation if reference else None,
        label=reference.label if reference else name,
        source=f"activity {key}",
    )


def rule_condition(table: sa.Table, rule: HoldRule, name: str) -> sa.ColumnElement[bool]:
    """True for the rows of `table` that `rule` still holds; the first day held is the parameter `name`.

    `hold_parameters` gives the parameter's value for a given day.
    """
    anchor = table.c[rule.anchor]
    if rule.running:
        # No end date yet: the contract runs. Still two-valued: NULL is tested apart.
        return sa.or_(anchor.is_(None), anchor >= sa.bindparam(parameter_name(name), type_=anchor.type))
    if rule.keep is None:
        return anchor.is_not(None)
    # IS NOT NULL keeps the test two-valued: NOT (held) must be true for a row without an anchor.
    return sa.and_(anchor.is_not(None), anchor >= sa.bindparam(parameter_name(name), type_=anchor.type))


def rule_parameter(prefix: str, index: int) -> str:
    """The name of the first day held by the `index`-th rule (from 1) of dataset `prefix`."""
    return parameter_name(f"{prefix}_held_{index}")


def held_condition(table: sa.Table, rules: list[HoldRule], prefix: str) -> sa.ColumnElement[bool] | None:
    """True for the rows that any of `rules` holds; None when the dataset has no hold."""
    conditions = [rule_condition(table, rule, rule_parameter(prefix, i)) for i, rule in enumerate(rules, 1)]
    return sa.or_(*conditions) if conditions else None


def hold_parameters(table: sa.Table, rules: list[HoldRule], today: dt.date, prefix: str) -> dict[str, dt.date]:
    """The first day held by each rule on `today`, as the anchor column's type wants it (a date, or midnight)."""
    parameters: dict[str, dt.date] = {}
    for index, rule in enumerate(rules, 1):
        first_day = rule.first_held_day(today)
        if first_day is not None:
            midnight = dt.datetime.combine(first_day, dt.time())
            parameters[rule_parameter(prefix, index)] = midnight if _has_time(table.c[rule.anchor]) else first_day
    return parameters


def until_of(rule: HoldRule, latest_anchor: dt.date | None) -> dt.date | None:
    """The day the held rows whose latest anchor is `latest_anchor` become erasable."""
    if latest_anchor is None:
        return None
    day = latest_anchor.date() if isinstance(latest_anchor, dt.datetime) else latest_anchor
    return rule.until(day)


def _has_time(column: sa.ColumnElement[Any]) -> bool:
    return isinstance(column.type, sa.DateTime)
