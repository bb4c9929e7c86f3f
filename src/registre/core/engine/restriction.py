"""Restriction (Art. 18): flag the subject's rows as restricted, or lift the flag.

A dataset declares its flag with `restrict: column` (a boolean). A restricted
row is kept but no longer processed, except for storage, legal claims or
with the person's consent (Art. 18(2)); honouring the flag is the job of the
applications that read the table. A dataset without a flag column is
reported with its row count: the restriction cannot be recorded there.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from registre.core.engine.census import Tally, take_census
from registre.core.engine.changes import ChangeResult, DatasetChange, execute_changes
from registre.core.engine.request import RESTRICT_FLAG, Progress, make_request
from registre.core.engine.subjects import Subject
from registre.core.engine.systems import SystemWork
from registre.core.policy.model import Policy

NO_FLAG_NOTE = "cannot restrict: no restrict column"


def execute_restriction(
    policy: Policy,
    subjects: Subject | Sequence[Subject],
    *,
    lift: bool = False,
    tenant: str | None = None,
    progress: Progress | None = None,
) -> ChangeResult:
    """Set (or, with `lift`, clear) the restrict flag of the subjects' rows in every system.

    Rows already in the requested state are left alone, so a second run
    changes nothing. Raises SubjectError for an unknown identity type.
    """
    request = make_request("restrict", subjects, tenant=tenant, lift=lift)
    return execute_changes(policy, request, restrict_dataset, progress)


def _flag() -> sa.BindParameter[bool]:
    """The requested state of the flag: true to restrict, false to lift (the request's parameters say which)."""
    return sa.bindparam(RESTRICT_FLAG, type_=sa.Boolean())


def pending_condition(work: SystemWork, name: str) -> sa.ColumnElement[bool]:
    """True for rows whose flag is not yet in the requested state (the dataset must declare one)."""
    column = work.dataset(name).restrict
    assert column is not None
    return work.table(name).c[column].is_distinct_from(_flag())


def restriction_statement(work: SystemWork, name: str) -> sa.Update | None:
    """`UPDATE dataset SET flag = :restrict_flag WHERE <subject> AND flag IS DISTINCT FROM :restrict_flag`."""
    column = work.dataset(name).restrict
    condition = work.scope.condition(name)
    if column is None or condition is None:
        return None

    def build() -> sa.Update:
        pending = pending_condition(work, name)
        return sa.update(work.table(name)).where(condition, pending).values({column: _flag()})

    return work.template.statement(("restrict", name), build)


def pending_tally(work: SystemWork, name: str) -> Tally:
    return Tally({"pending": pending_condition(work, name)})


def restrict_dataset(work: SystemWork, name: str) -> DatasetChange:
    """Flag the subject's rows of one dataset, or count them when it has no flag column."""
    statement = restriction_statement(work, name)
    if statement is None:
        censuses = take_census(work, name, "rows", Tally)
        per_subject = {ref: c.rows for ref, c in censuses.per_subject.items()} if work.request.batch else {}
        rows = censuses.overall.rows
        return DatasetChange(work.name, name, rows=rows, note=NO_FLAG_NOTE, per_subject=per_subject)
    per_subject = {}
    if work.request.batch:
        censuses = take_census(work, name, "restrict", lambda: pending_tally(work, name), overall=False)
        per_subject = {ref: census.count("pending") for ref, census in censuses.per_subject.items()}
    verb = "lifted the restriction of" if work.request.lift else "restricted"
    changed = work.execute(statement, f"{verb} rows of {name}").rowcount
    return DatasetChange(work.name, name, changed=changed, per_subject=per_subject)
