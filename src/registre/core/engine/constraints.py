"""What the columns' constraints accept when rows are anonymised: a unique value where the column is UNIQUE.

A sweep anonymises every due row of a dataset in one `UPDATE`, and the
erasures of several people leave their rows side by side. A constant
(`redact`, `constant`, zero, a year) in a UNIQUE column is refused by the
database from the second row on. A column that declares no method gets, by
default, a value unique to the row instead: `anonymised-<key>` for text,
the key's negative for numbers (keys are positive by convention, so it
cannot meet a real value of the column). A declared method that the
constraint would refuse is kept as declared (the policy is the authority)
and reported: by the plan, by `registre check --live`, and per row by the
sweep that meets the refusal.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from registre.core.engine.anonymisation import anonymised_columns
from registre.core.policy.model import Dataset

_ROW_UNIQUE_METHODS = frozenset({"hash"})
MARKER = "anonymised-"


def row_marker(table: sa.Table, dataset: Dataset) -> sa.ColumnElement[Any]:
    """`anonymised-<key>`: a text unique to the row, that names nobody."""
    return sa.literal(MARKER) + sa.cast(table.c[dataset.key], sa.String)


def unique_columns(table: sa.Table) -> set[str]:
    """The columns that are UNIQUE on their own (a constraint, a unique index, or the column's flag)."""
    found = {column.name for column in table.columns if column.unique}
    for constraint in table.constraints:
        if isinstance(constraint, sa.UniqueConstraint) and len(constraint.columns) == 1:
            found.update(column.name for column in constraint.columns)
    for index in table.indexes:
        if index.unique and len(index.columns) == 1:
            found.update(column.name for column in index.columns)
    return found


def fit_unique_columns(
    table: sa.Table, dataset: Dataset, values: Mapping[str, sa.ColumnElement[Any]], marker: sa.ColumnElement[Any]
) -> tuple[dict[str, sa.ColumnElement[Any]], list[str]]:
    """`values` with a row-unique value in each UNIQUE column that declares no method; and the declared
    methods that the column's UNIQUE constraint would refuse, as sentences."""
    fitted = dict(values)
    refused = []
    declared = anonymised_columns(dataset)
    key = table.c[dataset.key]
    for name in sorted(unique_columns(table) & set(values)):
        method = declared[name].anonymize if name in declared else None
        if method in _ROW_UNIQUE_METHODS:
            continue
        if method is not None:
            refused.append(
                f"column {name} is UNIQUE: `anonymize: {method}` gives every row the same value and the database "
                "refuses the second; remove the method (a unique value is the default) or use hash"
            )
            continue
        column = table.c[name]
        if isinstance(column.type, sa.String):
            fitted[name] = marker
        elif isinstance(column.type, sa.Integer | sa.Numeric):
            fitted[name] = sa.cast(-key, column.type)
    return fitted, refused
