"""Free text that names a person: reports, notes, comments declared `free_text: true`.

A technician's report says "vu avec Paul Martin, rappeler au 06 12 34 56
78": the row is the customer's, the words are about someone else. For a
one-subject request, every free-text field of the systems reached is
searched, in the database, for each of the person's identity values as
given and in their normal forms (an e-mail, a phone in the written forms of
its number, a full name given as an identity such as `name=Paul Martin`):

    lower(field) LIKE lower(:text_1) ESCAPE '\\' OR ...

with the values bound as `%value%` patterns (wildcards in them escaped). A
pattern cannot use an index: each free-text field is scanned once per request.

- access lists each hit under "mentioned in": the row's key and the field;
- erasure redacts the spans, in one UPDATE per field, on rows that no legal
  hold keeps: each written form is replaced where it appears as written,
  then its first occurrence in any case (`PAUL MARTIN` for `Paul Martin`);
  the plan counts the rows ("redact").

A batch searches free text in one statement per field too: the written
forms of every subject go to the batch's temporary table (identity type
`FREE_TEXT_TYPE`, lower-cased), and each field is joined to them on
`position(form IN lower(field)) > 0`, which gives the rows found with the
subject they name. Access reports them per subject; erasure redacts them
subject by subject, with the statements of a one-subject request, only for
the subjects whose forms were found.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from registre.core.engine.anonymisation import REDACTED
from registre.core.engine.holds import HoldRule, held_condition
from registre.core.engine.subjects import Subject, match_values
from registre.core.policy.model import Dataset
from registre.core.sources.batches import IdentityRow
from registre.core.sources.comparison import text_length, text_position

Condition = sa.ColumnElement[bool]
_ESCAPE = "\\"
# The identity type of the written forms of a batch's subjects, in its temporary table (never a policy's type).
FREE_TEXT_TYPE = "~free-text"


@dataclass(frozen=True)
class FreeTextField:
    """A field of a dataset declared `free_text: true`."""

    dataset: str
    field: str


def free_text_fields(datasets: Mapping[str, Dataset], tenant: str | None) -> list[FreeTextField]:
    """The free-text fields a request may search (the tenant rule applies, as for the subject's rows)."""
    return [
        FreeTextField(name, field)
        for name, dataset in datasets.items()
        if (dataset.tenant is not None) == (tenant is not None)
        for field, spec in dataset.fields.items()
        if spec.free_text
    ]


def searched_values(subjects: Sequence[Subject], kinds: Mapping[str, str | None], country: str) -> list[str]:
    """The written forms to look for: each identity as given, then its normal forms, once each (3+ characters)."""
    values: dict[str, None] = {}
    for subject in subjects:
        for identity in subject.identities:
            values[identity.value] = None
            values.update(dict.fromkeys(match_values(identity, kinds.get(identity.type), country)))
    return [value for value in values if len(value) >= 3]


def text_rows(subjects: Sequence[Subject], kinds: Mapping[str, str | None], country: str) -> list[IdentityRow]:
    """The written forms of each subject of a batch, lower-cased, as rows of the batch's temporary table."""
    return [
        IdentityRow(subject.reference, FREE_TEXT_TYPE, value.lower())
        for subject in subjects
        for value in dict.fromkeys(searched_values([subject], kinds, country))
    ]


def batch_hits(
    table: sa.Table, key: str, found: FreeTextField, batch: sa.Table, tenant: Condition | None, held: Condition | None
) -> sa.Select[Any]:
    """`SELECT DISTINCT subject_ref, key, field, held` of the rows whose field holds a form of a batch's subject."""
    column = table.c[found.field]
    forms = sa.and_(batch.c.identity_type == FREE_TEXT_TYPE, text_position(sa.func.lower(column), batch.c.value) > 0)
    flag = sa.case((held, 1), else_=0) if held is not None else sa.literal(0)
    statement = sa.select(batch.c.subject_ref, table.c[key], column, flag.label("held")).select_from(
        table.join(batch, forms)
    )
    return statement.where(tenant).distinct() if tenant is not None else statement.distinct()


def text_parameters(values: Sequence[str]) -> dict[str, str]:
    """`text_<n>`: the LIKE pattern of each value; `span_<n>`: the value itself, for the redaction."""
    parameters = {}
    for n, value in enumerate(values, 1):
        escaped = value.replace(_ESCAPE, _ESCAPE * 2).replace("%", _ESCAPE + "%").replace("_", _ESCAPE + "_")
        parameters[f"text_{n}"] = f"%{escaped.lower()}%"
        parameters[f"span_{n}"] = value
    return parameters


def text_condition(table: sa.Table, found: FreeTextField, count: int, tenant: Condition | None) -> Condition:
    """True for rows whose field contains one of the `count` values (case-blind), in the tenant's rows."""
    column = sa.func.lower(table.c[found.field])
    hits = [column.like(sa.bindparam(f"text_{n}"), escape=_ESCAPE) for n in range(1, count + 1)]
    condition = sa.or_(*hits)
    return condition if tenant is None else sa.and_(tenant, condition)


def _redact_span(text: sa.ColumnElement[Any], span: sa.BindParameter[Any]) -> sa.ColumnElement[Any]:
    """Every occurrence of `span` as written, then its first occurrence in any case, replaced by the marker."""
    replaced = sa.func.replace(text, span, REDACTED)
    at = text_position(sa.func.lower(replaced), sa.func.lower(span))
    marker = sa.literal(REDACTED, type_=sa.String())
    spliced = sa.func.substr(replaced, 1, at - 1) + marker + sa.func.substr(replaced, at + text_length(span))
    return sa.case((at > 0, spliced), else_=replaced)


def redaction_statements(
    table: sa.Table, found: FreeTextField, count: int, rules: list[HoldRule], tenant: Condition | None
) -> list[sa.Update]:
    """One `UPDATE dataset SET field = <span n redacted> WHERE <hit> AND NOT <held>` per written form.

    One statement per span keeps each expression flat (nesting them would
    repeat the field in SQL exponentially).
    """
    column = table.c[found.field]
    held = held_condition(table, rules, found.dataset)
    kept = [] if held is None else [sa.not_(held)]
    condition = text_condition(table, found, count, tenant)
    statements = []
    for n in range(1, count + 1):
        value = _redact_span(column, sa.bindparam(f"span_{n}", type_=sa.String()))
        statements.append(
            sa.update(table).where(condition, *kept, column.is_distinct_from(value)).values({found.field: value})
        )
    return statements
