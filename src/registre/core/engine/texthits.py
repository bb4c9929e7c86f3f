"""Free-text hits of a batch: which rows of a free-text field name which subject, in one statement per field.

See `freetext`: the written forms of every subject of the batch are rows of
its temporary table; one join per field finds the rows and the subjects they
name. Access discloses them per subject; erasure redacts them subject by
subject, with the statements of a one-subject request.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import sqlalchemy as sa

from registre.core.engine.freetext import (
    FreeTextField,
    batch_hits,
    redaction_statements,
    searched_values,
    text_parameters,
)
from registre.core.engine.holds import HoldRule, held_condition
from registre.core.engine.scope import BatchIdentities
from registre.core.engine.systems import SystemWork, policy_kinds


class TextHit(NamedTuple):
    """A row whose free text names a subject of the batch."""

    subject: str
    key: Any
    text: Any
    held: bool


def text_hits(work: SystemWork, found: FreeTextField, rules: Sequence[HoldRule] = ()) -> list[TextHit]:
    """The rows of `found` that name each subject of the batch; `held` for rows that `rules` keep."""
    identities = work.scope.identities
    assert isinstance(identities, BatchIdentities), "a batch request"

    def build() -> sa.Select[Any]:
        table, dataset = work.table(found.dataset), work.dataset(found.dataset)
        held = held_condition(table, list(rules), found.dataset)
        tenant = work.scope.tenant_condition(found.dataset)
        return batch_hits(table, dataset.key, found, identities.table, tenant, held)

    statement = work.template.statement(("text-hits", found.dataset, found.field, bool(rules)), build)
    rows = work.execute(statement, f"searched free text of {found.dataset}").all()
    found_rows: list[tuple[Any, ...]] = [tuple(row) for row in rows]
    return [TextHit(str(row[0]), row[1], row[2], bool(row[3])) for row in found_rows]


def redact_subjects(work: SystemWork, found: FreeTextField, subjects: Sequence[str]) -> None:
    """Redact the written forms of each of `subjects` (references of the batch) in `found`, one subject at a time."""
    by_reference = {subject.reference: subject for subject in work.request.subjects}
    kinds, country = policy_kinds(work.policy), work.policy.organisation.country
    for reference in subjects:
        values = searched_values([by_reference[reference]], kinds, country)
        parameters = {**work.parameters, **text_parameters(values)}
        for statement in _redactions(work, found, len(values)):
            work.connection.execute(statement, parameters)
    if subjects and work.progress is not None:
        work.progress(f"{work.name}: redacted free text of {found.dataset}")


def _redactions(work: SystemWork, found: FreeTextField, count: int) -> list[sa.Update]:
    """The one-subject redaction statements for `count` written forms, built once per template."""

    def build() -> list[sa.Update]:
        table, tenant = work.table(found.dataset), work.scope.tenant_condition(found.dataset)
        return redaction_statements(table, found, count, work.rules(found.dataset), tenant)

    return work.template.statement(("redact-batch", found.dataset, found.field, count), build)
