"""Rectification (Art. 16): new values for declared personal fields, checked against their declaration.

Every dataset that declares a rectified field as personal (with a category)
gets it updated for the subject's rows; the other datasets are not
concerned. Values are checked before anything is written, against the
field's `type` (email, phone, date, datetime, integer, decimal, boolean) and
`required` (a required field cannot be emptied): an invalid value changes
nothing anywhere.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa

from registre.core.engine.census import Tally, take_census
from registre.core.engine.changes import ChangeResult, DatasetChange, execute_changes
from registre.core.engine.request import Progress, make_request, rectified_parameter
from registre.core.engine.subjects import Subject
from registre.core.engine.systems import SystemWork
from registre.core.policy.model import FieldSpec, Policy

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# E.164: a country code and up to 15 digits; a leading + is optional, separators are removed.
_PHONE = re.compile(r"^\+?[1-9]\d{6,14}$")
_PHONE_SEPARATORS = re.compile(r"[\s.\-()]")
_INTEGER = re.compile(r"^[+-]?\d+$")
_BOOLEANS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}


class RectificationError(ValueError):
    """A rectified value does not fit its field's declaration; nothing was changed."""


def validate_changes(policy: Policy, changes: Mapping[str, object]) -> dict[str, object]:
    """The changes as typed values (a date for a date field...), checked against every declaration.

    Raises RectificationError naming each problem: a field that no dataset
    declares as personal, a value of the wrong form, an emptied required field.
    """
    if not changes:
        raise RectificationError("nothing to rectify: give at least one FIELD=VALUE")
    problems, typed = [], {}
    for name, value in changes.items():
        specs = declared_specs(policy, name)
        if not specs:
            problems.append(f"{name} is not a declared personal field (rectifiable: {', '.join(rectifiable(policy))})")
            continue
        try:
            # Checked against every declaration of the field; the first one gives the value.
            converted = [convert_value(name, value, spec) for spec in specs]
            typed[name] = converted[0]
        except RectificationError as error:
            problems.append(str(error))
    if problems:
        raise RectificationError("; ".join(problems))
    return typed


def rectifiable(policy: Policy) -> list[str]:
    """The names of the personal fields declared anywhere, sorted."""
    return sorted({name for _, _, _, dataset in policy.iter_datasets() for name in dataset.personal_fields()})


def declared_specs(policy: Policy, name: str) -> list[FieldSpec]:
    return [dataset.fields[name] for _, _, _, dataset in policy.iter_datasets() if name in dataset.personal_fields()]


def convert_value(name: str, value: object, spec: FieldSpec) -> object:
    """`value` as the Python value of a field declared by `spec`; RectificationError when it does not fit."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if spec.required:
            raise RectificationError(f"{name} is required: it cannot be emptied")
        return None
    if not isinstance(value, str):
        return value
    text = value.strip()
    try:
        return _CONVERTERS.get(spec.type or "string", _as_text)(text)
    except (ValueError, InvalidOperation):
        raise RectificationError(f"{name}: {text!r} is not a valid {spec.type}") from None


def _as_text(text: str) -> str:
    return text


def _as_email(text: str) -> str:
    if not _EMAIL.match(text):
        raise ValueError(text)
    return text


def _as_phone(text: str) -> str:
    compact = _PHONE_SEPARATORS.sub("", text)
    if not _PHONE.match(compact):
        raise ValueError(text)
    return compact


def _as_integer(text: str) -> int:
    if not _INTEGER.match(text):
        raise ValueError(text)
    return int(text)


def _as_decimal(text: str) -> Decimal:
    number = Decimal(text)
    if not number.is_finite():
        raise ValueError(text)
    return number


def _as_boolean(text: str) -> bool:
    if text.lower() not in _BOOLEANS:
        raise ValueError(text)
    return _BOOLEANS[text.lower()]


_CONVERTERS: dict[str, Any] = {
    "string": _as_text,
    "email": _as_email,
    "phone": _as_phone,
    "date": dt.date.fromisoformat,
    "datetime": dt.datetime.fromisoformat,
    "integer": _as_integer,
    "decimal": _as_decimal,
    "boolean": _as_boolean,
}


def execute_rectification(
    policy: Policy,
    subjects: Subject | Sequence[Subject],
    changes: Mapping[str, object],
    *,
    tenant: str | None = None,
    progress: Progress | None = None,
) -> ChangeResult:
    """Set the rectified fields of the subjects' rows in every dataset declaring them.

    Raises RectificationError (nothing written) when a value does not fit,
    SubjectError for an unknown identity type. Rows that already hold the
    new values are left alone.
    """
    typed = validate_changes(policy, changes)
    request = make_request("rectify", subjects, tenant=tenant, changes=typed)
    return execute_changes(policy, request, rectify_dataset, progress)


def rectified_values(work: SystemWork, name: str) -> dict[str, sa.BindParameter[Any]]:
    """The new values this dataset takes: the rectified fields it declares as personal (parameters `rectified_*`)."""
    table, personal = work.table(name), work.dataset(name).personal_fields()
    return {
        field: sa.bindparam(rectified_parameter(field), type_=table.c[field].type)
        for field in work.request.changes
        if field in personal and field in table.c
    }


def pending_condition(work: SystemWork, name: str) -> sa.ColumnElement[bool]:
    """True for rows where some rectified field differs from its new value."""
    table = work.table(name)
    return sa.or_(*(table.c[f].is_distinct_from(value) for f, value in rectified_values(work, name).items()))


def rectification_statement(work: SystemWork, name: str) -> sa.Update | None:
    """`UPDATE dataset SET field = :rectified_field ... WHERE <subject> AND <some field differs>`."""
    values, condition = rectified_values(work, name), work.scope.condition(name)
    if not values or condition is None:
        return None

    def build() -> sa.Update:
        return sa.update(work.table(name)).where(condition, pending_condition(work, name)).values(values)

    return work.template.statement(("rectify", name, *sorted(values)), build)


def pending_tally(work: SystemWork, name: str) -> Tally:
    return Tally({"pending": pending_condition(work, name)})


def rectify_dataset(work: SystemWork, name: str) -> DatasetChange | None:
    statement = rectification_statement(work, name)
    if statement is None:
        return None
    per_subject = {}
    if work.request.batch:
        key = "rectify " + " ".join(sorted(work.request.changes))
        censuses = take_census(work, name, key, lambda: pending_tally(work, name), overall=False)
        per_subject = {ref: census.count("pending") for ref, census in censuses.per_subject.items()}
    changed = work.execute(statement, f"rectified rows of {name}").rowcount
    return DatasetChange(work.name, name, changed=changed, per_subject=per_subject)
