"""Anonymising a row in place: each personal field by its declared method, in one UPDATE.

Methods (`anonymize:` of a field):

- `null`: NULL;
- `constant`: the field's `value`;
- `hash`: a pseudonym, HMAC-SHA256 of the person's canonical identity keyed
  by a secret (`REGISTRE_PSEUDONYM_KEY`), computed in Python and bound as a
  parameter: the same person gets the same pseudonym in every table and
  every system, and nobody without the key can link it back. Truncated to
  the column's length;
- `year` / `month`: a date generalised to the first day of its year / month,
  in SQL;
- `redact`: a fixed marker, cut to the column's length.

A field without a method gets `null` when its column accepts NULL, else
`redact` (text), its year (dates), 0 (numbers) or false (booleans). Identity
columns are always anonymised, declared personal or not: no identity value
survives the erasure of a row. Keys, reference, tenant and restrict columns
are never changed (the row must stay linked and filterable).
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from registre.core.policy.model import Dataset, FieldSpec
from registre.core.sources.generalisation import month_start, year_start

PSEUDONYM_KEY_VARIABLE = "REGISTRE_PSEUDONYM_KEY"
REDACTED = "[redacted]"
PSEUDONYM_DIGITS = 64


class AnonymisationError(ValueError):
    """A field cannot be anonymised as declared (a NOT NULL column set to null, a missing key...)."""


def pseudonym_key(explicit: str | bytes | None = None, environ: Mapping[str, str] | None = None) -> bytes | None:
    """The secret key of pseudonyms: `explicit`, else `$REGISTRE_PSEUDONYM_KEY`, else None."""
    if explicit is not None:
        return explicit.encode() if isinstance(explicit, str) else explicit
    value = (os.environ if environ is None else environ).get(PSEUDONYM_KEY_VARIABLE)
    return value.encode() if value else None


def pseudonym_of(canonical_identity: str, key: bytes) -> str:
    """The pseudonym of a person: 64 hex digits of HMAC-SHA256(key, canonical identity)."""
    return hmac.new(key, canonical_identity.encode(), hashlib.sha256).hexdigest()


def anonymised_columns(dataset: Dataset) -> dict[str, FieldSpec]:
    """The columns an anonymisation changes, with their declaration (empty for an undeclared identity column)."""
    untouchable = {dataset.key, *dataset.references, dataset.tenant, dataset.restrict}
    columns = {name: spec for name, spec in dataset.personal_fields().items() if name not in untouchable}
    for column in dataset.identity.values():
        if column not in untouchable:
            columns.setdefault(column, dataset.fields.get(column, FieldSpec()))
    return columns


def uses_pseudonyms(dataset: Dataset) -> bool:
    return any(spec.anonymize == "hash" for spec in anonymised_columns(dataset).values())


def anonymised_values(
    table: sa.Table, dataset: Dataset, pseudonym: sa.ColumnElement[Any]
) -> dict[str, sa.ColumnElement[Any]]:
    """The new value of each anonymised column, as SQL expressions for `UPDATE ... SET`.

    `pseudonym` is the person's pseudonym: the bound parameter `pseudonym`
    (one subject), or an SQL expression giving it per row (batches).
    Raises AnonymisationError for a NOT NULL column anonymised to null.
    """
    values = {}
    for name, spec in anonymised_columns(dataset).items():
        column = table.c[name]
        method = spec.anonymize or _default_method(column)
        values[name] = _value(column, method, spec, pseudonym)
    return values


def still_personal(table: sa.Table, values: Mapping[str, sa.ColumnElement[Any]]) -> sa.ColumnElement[bool]:
    """True for rows where some anonymised column still differs from its anonymised value.

    Anonymising only those rows makes a second run change nothing.
    """
    return sa.or_(*(table.c[name].is_distinct_from(value) for name, value in values.items()))


def _default_method(column: sa.Column[Any]) -> str:
    if column.nullable:
        return "null"
    if isinstance(column.type, sa.String):
        return "redact"
    if isinstance(column.type, sa.Date | sa.DateTime):
        return "year"
    return "zero"


def _value(
    column: sa.Column[Any], method: str, spec: FieldSpec, pseudonym: sa.ColumnElement[Any]
) -> sa.ColumnElement[Any]:
    if method == "null":
        if not column.nullable:
            raise AnonymisationError(f"column {column.name} is NOT NULL: it cannot be anonymised to null")
        return sa.null()
    if method == "constant":
        return sa.bindparam(f"{column.name}_constant", spec.value, type_=column.type)
    if method == "hash":
        return _pseudonym_value(column, pseudonym)
    if method in ("year", "month"):
        return year_start(column) if method == "year" else month_start(column)
    if method == "redact":
        return sa.bindparam(f"{column.name}_redacted", REDACTED[: _length(column)], type_=column.type)
    zero: object = False if isinstance(column.type, sa.Boolean) else 0
    return sa.bindparam(f"{column.name}_zero", zero, type_=column.type)


def _pseudonym_value(column: sa.Column[Any], pseudonym: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
    length = _length(column)
    return pseudonym if length >= PSEUDONYM_DIGITS else sa.func.substr(pseudonym, 1, length)


def _length(column: sa.Column[Any]) -> int:
    length = getattr(column.type, "length", None)
    return int(length) if length else PSEUDONYM_DIGITS
