"""Grouping a table's rows by the conditions a census counts: each condition evaluated once per row.

A census (`census`) counts many figures that combine the same conditions (a
row released now, in 30 days, held, referenced...), and the conditions share
their parts (a date compared with the same day). `RowGroups` evaluates each
condition once per row, as part of one small integer per row, groups the
rows by those integers, and reads the figures from the few groups:

- a comparison of a date column with a day (`column IS NOT NULL AND column
  < day`, `>= day`, `IS NULL`, or `certainly(...)` of a comparison, on a
  table's date or on the latest date of related rows) becomes a *bucket* of
  the date: with the days `b1 < ... < bk` the column is compared with, 0 for
  no date, `i` for `b(i-1) <= date < bi`. One CASE per row, which stops at
  the first day after the date;
- any other condition is a bit of a *mask* (one integer per 30 conditions);
- a condition made of conditions already counted (NOT, AND, OR of them) is
  read from theirs, and costs nothing per row.

The conditions given must be two-valued (never NULL), as `due` builds them.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql import elements
from sqlalchemy.sql import operators as sql_operators
from sqlalchemy.sql.visitors import iterate, replacement_traverse

Condition = sa.ColumnElement[bool]


class RowGroups:
    """The conditions and values of a census over one table's rows, and the statement that reads them per group.

    `flag` takes a condition on a row and returns it as read from a group;
    `value` takes an expression and returns its least value in a group;
    `count` and `select` build the statement: an inner query of the buckets,
    masks and values per row (fenced by `OFFSET 0` on the dialects other
    than PostgreSQL, so that no planner evaluates a condition twice), the
    rows grouped by buckets and masks with their number (`rows_in`) and the
    least of each value, and an outer query that sums the rows of the groups
    each count's condition holds for. A value is therefore read only as
    `MIN(CASE WHEN <conditions> AND value IS NOT NULL THEN value END)`: the
    least of a group is not NULL exactly when some row of it has one.

    Only a few groups leave the scan (PostgreSQL hashes a few integers per
    row), where a query of the conditions fenced by `OFFSET 0` handed every
    row to the aggregate above it.
    """

    BITS = 30  # conditions per mask: a sum that fits a 32-bit integer on every database

    def __init__(self) -> None:
        self.conditions: dict[str, Condition] = {}
        self.values: dict[str, sa.ColumnElement[Any]] = {}
        self.bounded: dict[str, _Bound] = {}  # the conditions that compare a date column with days
        self._known: dict[Any, Condition] = {}
        self._lists: dict[Any, list[tuple[frozenset[Any], Condition]]] = {}  # flagged ANDs and ORs, by operator

    def flag(self, condition: Condition | None) -> Condition | None:
        """`condition` (two-valued, as `due` builds them), read from the groups; None stays None.

        A condition already flagged, or a NOT, AND or OR of conditions
        already flagged, is read from their flags: no new bit per row.
        """
        if condition is None:
            return None
        known = self._from_known(condition)
        if known is not None:
            return known
        bound = _Bound.of(condition)
        if bound is None and self._splits(condition):
            self._flag_bounds(condition)
            split = self._from_known(condition)
            assert split is not None
            return split
        label = f"f_{len(self.conditions) + len(self.values)}"
        self.conditions[label] = condition
        if bound is not None:
            self.bounded[label] = bound
        self._known[_identity(condition)] = flagged = sa.column(label, sa.Integer) == 1
        if isinstance(condition, elements.BooleanClauseList):
            members = frozenset(_identity(clause) for clause in condition.clauses)
            self._lists.setdefault(condition.operator, []).append((members, flagged))
        return flagged

    def _splits(self, condition: Any) -> bool:
        """Whether `condition` is an AND, OR and NOT of conditions already flagged and of bounds on dates.

        Such a condition costs no bit of its own: each bound is read from
        the bucket of its date (`_bucket_keys`), computed once per row.
        """
        if isinstance(condition, elements.Grouping):
            return self._splits(condition.element)
        if self._known.get(_identity(condition)) is not None or _Bound.of(condition) is not None:
            return True
        if isinstance(condition, elements.UnaryExpression) and condition.operator is operator.inv:
            return self._splits(condition.element)
        if isinstance(condition, elements.BooleanClauseList) and condition.operator in (operator.and_, operator.or_):
            return all(self._splits(clause) for clause in condition.clauses)
        return False

    def _flag_bounds(self, condition: Any) -> None:
        """Flag every bound on a date in `condition` (see `_splits`)."""
        if _Bound.of(condition) is not None:
            self.flag(condition)
        elif isinstance(condition, elements.Grouping | elements.UnaryExpression):
            self._flag_bounds(condition.element)
        elif isinstance(condition, elements.BooleanClauseList):
            for clause in condition.clauses:
                self._flag_bounds(clause)

    def _from_known(self, condition: Any) -> Condition | None:
        found = self._known.get(_identity(condition))
        if found is not None:
            return found
        if isinstance(condition, elements.Grouping):
            return self._from_known(condition.element)
        if isinstance(condition, elements.UnaryExpression) and condition.operator is operator.inv:
            inner = self._from_known(condition.element)
            return None if inner is None else sa.not_(inner)
        if isinstance(condition, elements.BooleanClauseList) and condition.operator in (operator.and_, operator.or_):
            return self._from_known_clauses(condition.operator, list(condition.clauses))
        if isinstance(condition, elements.BinaryExpression) and condition.negate is not None:
            # A comparison whose negation is flagged (`x != 1` of `x = 1`): never NULL, as that one.
            negated = self._known.get(_identity(sa.not_(condition)))
            return None if negated is None else sa.not_(negated)
        return None

    def _from_known_clauses(self, combined: Any, clauses: list[Any]) -> Condition | None:
        """AND (or OR) of `clauses` from flags: each clause's own, or that of an AND (OR) of some of them.

        SQLAlchemy flattens an AND of ANDs into one list: a rule's condition
        is a run of clauses in the dataset's, which its flag stands for.
        """
        parts, missing = [], set()
        for clause in clauses:
            known = self._from_known(clause)
            if known is None:
                missing.add(_identity(clause))
            else:
                parts.append(known)
        present = {_identity(clause) for clause in clauses}
        for members, flagged in self._lists.get(combined, []):
            if missing & members and members <= present:
                parts.append(flagged)
                missing -= members
        if missing:
            return None
        return sa.and_(*parts) if combined is operator.and_ else sa.or_(*parts)

    def value(self, expression: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
        """`expression`'s least value in each group (see the class for how it may be read)."""
        identity = ("value", _identity(expression))
        if identity not in self._known:
            label = f"v_{len(self.conditions) + len(self.values)}"
            self.values[label] = expression
            self._known[identity] = sa.column(label, expression.type)
        return self._known[identity]

    def count(self, condition: Condition | None = None) -> sa.ColumnElement[Any]:
        """The rows that meet `condition` (a condition on flags), all rows when None; NULL for none."""
        rows = sa.column("rows_in", sa.Integer)
        return sa.func.sum(rows if condition is None else sa.case((condition, rows)))

    def select(self, columns: Sequence[sa.ColumnElement[Any]], table: sa.FromClause, fenced: bool) -> sa.Select[Any]:
        """`columns` (counts and minima of flags and values) over the rows of `table` grouped by the flags read."""
        read = {found.name for column in columns for found in iterate(column) if isinstance(found, sa.ColumnClause)}
        used = [label for label in self.conditions if label in read]
        keys, flags = self._bucket_keys([label for label in used if label in self.bounded])
        masks, mask_flags = self._mask_keys([label for label in used if label not in self.bounded])
        keys.update(masks)
        flags.update(mask_flags)
        values = {label: found for label, found in self.values.items() if label in read}
        per_row = [expression.label(label) for label, expression in {**keys, **values}.items()]
        rows = sa.select(*(per_row or [sa.literal(1).label("one")])).select_from(table)
        row = (rows.offset(0) if fenced else rows).subquery("census_rows")
        group_keys = [row.c[label] for label in keys]
        least = [sa.func.min(row.c[label]).label(label) for label in values]
        grouped = sa.select(*group_keys, sa.func.count().label("rows_in"), *least).select_from(row)
        groups = grouped.group_by(*group_keys).subquery("census")

        def read_flag(element: Any, **_: Any) -> Any:
            if isinstance(element, sa.ColumnClause) and element.table is None:
                return flags.get(element.name)
            return None

        return sa.select(*(replacement_traverse(column, {}, read_flag) for column in columns)).select_from(groups)

    def _mask_keys(self, used: list[str]) -> tuple[dict[str, sa.ColumnElement[Any]], dict[str, Condition]]:
        """The masks of the conditions `used` (per row), and each condition read from its bit (per group)."""
        masks: dict[str, sa.ColumnElement[Any]] = {}
        flags: dict[str, Condition] = {}
        for start in range(0, len(used), self.BITS):
            mask = sa.column(f"mask_{start // self.BITS}", sa.Integer)
            chunk = list(enumerate(used[start : start + self.BITS]))
            terms = [sa.case((self.conditions[label], 1 << bit), else_=0) for bit, label in chunk]
            masks[mask.name] = functools.reduce(operator.add, terms)
            flags.update({label: sa.case((mask.bitwise_and(1 << bit) != 0, 1), else_=0) for bit, label in chunk})
        return masks, flags

    def _bucket_keys(
        self, used: list[str]
    ) -> tuple[dict[str, sa.ColumnElement[Any]], dict[str, sa.ColumnElement[Any]]]:
        """Per date column compared with days, the bucket of each row's date, and each comparison read from it.

        With the days `b1 < b2 < ... < bk` a column is compared with, a row's
        bucket is 0 for no date, `i` for `b(i-1) <= date < bi` (1 before b1,
        k + 1 from bk on): one CASE per row, which stops at the first day
        after the date, instead of a comparison per day.
        """
        keys: dict[str, sa.ColumnElement[Any]] = {}
        flags: dict[str, Condition] = {}
        by_column: dict[Any, list[str]] = {}
        for label in used:
            by_column.setdefault(self.bounded[label].column, []).append(label)
        for number, (column, labels) in enumerate(by_column.items()):
            days = {
                self.bounded[label].key: self.bounded[label].day
                for label in labels
                if self.bounded[label].day is not None
            }
            order = sorted(days)
            bucket = sa.column(f"bucket_{number}", sa.Integer)
            after = [(column < days[key], index + 1) for index, key in enumerate(order)]
            keys[bucket.name] = sa.case((column.is_(None), 0), *after, else_=len(order) + 1)
            for label in labels:
                bound = self.bounded[label]
                position = order.index(bound.key) + 1 if bound.day is not None else 0
                test = {
                    "null": bucket == 0,
                    "before": sa.and_(bucket >= 1, bucket <= position),
                    "from": bucket > position,
                }[bound.comparison]
                flags[label] = sa.case((test, 1), else_=0)
        return keys, flags


@dataclass(frozen=True)
class _Bound:
    """A condition on a date column alone: `column IS NULL`, or not NULL and before (`<`) or from (`>=`) a day."""

    column: Any
    comparison: str  # null, before, from
    day: Any = None  # the bound parameter of the day
    key: Any = None  # its value

    @classmethod
    def of(cls, condition: Any) -> _Bound | None:
        """The bound `condition` states, or None when it is anything else.

        Also `certainly(column < day)` (or `>=`, see `due.certainly`), on any column (an aggregate's).
        """
        if _is_null(condition, sql_operators.is_):
            return cls(condition.left, "null")
        certain = _certain(condition)
        if certain is not None:
            return cls._compared(certain)
        if not isinstance(condition, elements.BooleanClauseList) or condition.operator is not operator.and_:
            return None
        clauses = list(condition.clauses)
        if len(clauses) != 2 or not _is_null(clauses[0], sql_operators.is_not):
            return None
        bound = cls._compared(clauses[1])
        return bound if bound is not None and bound.column is clauses[0].left else None

    @classmethod
    def _compared(cls, comparison: Any) -> _Bound | None:
        """`column < day` or `column >= day` (a parameter), read as not NULL and before or from the day."""
        if not (
            isinstance(comparison, elements.BinaryExpression)
            and comparison.operator in (operator.lt, operator.ge)
            and isinstance(comparison.left, sa.ColumnClause)
            and isinstance(comparison.right, elements.BindParameter)
        ):
            return None
        kind = "before" if comparison.operator is operator.lt else "from"
        return cls(comparison.left, kind, comparison.right, comparison.right.effective_value)


def _certain(condition: Any) -> Any:
    """The condition `x` of `CASE WHEN x THEN 1 ELSE 0 END = 1` (`due.certainly`), or None."""
    if not (isinstance(condition, elements.BinaryExpression) and condition.operator is operator.eq):
        return None
    case, one = condition.left, condition.right
    if not (isinstance(case, elements.Case) and isinstance(one, elements.BindParameter) and one.value == 1):
        return None
    if len(case.whens) != 1 or case.value is not None:
        return None
    when, then = case.whens[0]
    otherwise = case.else_
    if not (isinstance(then, elements.BindParameter) and then.value == 1):
        return None
    if not (isinstance(otherwise, elements.BindParameter) and otherwise.value == 0):
        return None
    return when.element if isinstance(when, elements.Grouping) else when


def _is_null(condition: Any, test: Any) -> bool:
    """Whether `condition` is `<column> IS NULL` (`test` is_) or `IS NOT NULL` (is_not), on a table's column."""
    return (
        isinstance(condition, elements.BinaryExpression)
        and condition.operator is test
        and isinstance(condition.left, sa.Column)
        and isinstance(condition.right, elements.Null)
    )


def _identity(condition: sa.ColumnElement[Any]) -> Any:
    """What tells two conditions apart: their structure and the values of their parameters."""
    cache = condition._generate_cache_key()
    if cache is None:
        return id(condition)
    return cache.key, tuple(repr(parameter.effective_value) for parameter in cache.bindparams)
