"""Erasure (Art. 17): delete or anonymise a subject's rows, except those the law requires to keep.

For each system, in one transaction:

0. Cut the subject's mentions on rows that others own (see `mentions`),
   while the subject's rows still exist to find them by, and redact their
   written forms in free text (see `freetext`).

Then for each dataset that the subject's identities reach, children before
parents (so that foreign keys hold and children are still found through
their parents):

1. Count the held rows and their latest anchor dates (one census statement;
   skipped for one subject when the dataset has no hold).
2. Restrict the held rows (Art. 18(1)(c)) where a `restrict` column is
   declared; they are not erased (Art. 17(3)(b)).
3. `erase: delete`: delete the other rows, except those that rows kept
   elsewhere still reference; anonymise (and restrict) those instead.
   `erase: anonymize`: anonymise the other rows that still hold personal data.

A subject that a case hold covers (`case_holds`; Art. 17(3)(e)) is left out
of the request: none of their rows is touched, and the result names them
with the hold (`held`). When every subject is held, no system is opened.

Every statement only touches rows that still need it, so running the same
erasure again changes nothing and reports nothing erased. Held rows found
again are reported as kept again; held rows reached only through a parent
row that the first run anonymised are no longer linked to the person and are
not reported again (the first result gave their date).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import sqlalchemy as sa

from registre.core.engine.anonymisation import AnonymisationError, anonymised_values, pseudonym_key, still_personal
from registre.core.engine.case_holds import CaseHold, HeldSubject, separate_held
from registre.core.engine.census import Census, Censuses, Tally, take_census
from registre.core.engine.constraints import fit_unique_columns, row_marker
from registre.core.engine.freetext import FreeTextField, redaction_statements, text_condition
from registre.core.engine.holds import HoldRule, held_condition, rule_condition, rule_parameter, until_of
from registre.core.engine.mentions import cut_statement
from registre.core.engine.request import RESTRICT_FLAG, Progress, make_request
from registre.core.engine.subjects import Subject, check_subjects
from registre.core.engine.systems import SystemWork, open_system, policy_kinds, systems_reached
from registre.core.engine.texthits import redact_subjects, text_hits
from registre.core.policy.model import Policy
from registre.core.sources.connection import (
    RETRY_ATTEMPTS,
    SourceError,
    describe_write_error,
    pause_before_retry,
)

Condition = sa.ColumnElement[bool]


@dataclass(frozen=True)
class KeptRows:
    """Rows kept under one hold rule, and the day the last of them becomes erasable."""

    rule: HoldRule
    rows: int
    until: dt.date | None

    def reason(self) -> str:
        return "kept: " + self.rule.describe(self.until)

    def to_dict(self) -> dict[str, Any]:
        until = self.until.isoformat() if self.until else None
        return {**self.rule.to_dict(), "rows": self.rows, "until": until, "reason": self.reason()}


class SubjectErasure(NamedTuple):
    """One subject's rows in a dataset: found, erased (deleted or anonymised), kept under a hold."""

    rows: int
    erased: int
    kept: int


@dataclass(frozen=True)
class DatasetErasure:
    """What an erasure did in one dataset: rows deleted, anonymised, kept (and why), restricted.

    `per_subject` (batches) gives, for each subject with rows in the dataset,
    its rows found, erased and kept.
    """

    system: str
    dataset: str
    strategy: str
    deleted: int = 0
    anonymised: int = 0
    kept: int = 0
    restricted: int = 0
    cut: int = 0
    holds: tuple[KeptRows, ...] = ()
    per_subject: dict[str, SubjectErasure] = field(default_factory=dict)

    @property
    def reference(self) -> str:
        return f"{self.system}.{self.dataset}"

    @property
    def erased(self) -> int:
        return self.deleted + self.anonymised

    @property
    def until(self) -> dt.date | None:
        dates = [kept.until for kept in self.holds if kept.rows and kept.until]
        return max(dates) if dates else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "system": self.system,
            "dataset": self.dataset,
            "strategy": self.strategy,
            "deleted": self.deleted,
            "anonymised": self.anonymised,
            "kept": self.kept,
            "restricted": self.restricted,
            "cut": self.cut,
            "until": self.until.isoformat() if self.until else None,
            "holds": [kept.to_dict() for kept in self.holds if kept.rows],
            "per_subject": {ref: counts._asdict() for ref, counts in self.per_subject.items()},
        }


@dataclass(frozen=True)
class SystemErasure:
    """One system's part of an erasure: committed as a whole, or not at all (`error` says why)."""

    system: str
    datasets: tuple[DatasetErasure, ...] = ()
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"system": self.system, "error": self.error, "datasets": [d.to_dict() for d in self.datasets]}


@dataclass(frozen=True)
class ErasureResult:
    """The outcome of an erasure, per system and dataset, with what was kept and until when.

    `held` are the subjects a case hold covers: nothing of theirs was erased.
    """

    subjects: tuple[str, ...]
    tenant: str | None
    today: dt.date
    systems: tuple[SystemErasure, ...]
    held: tuple[HeldSubject, ...] = ()

    @property
    def ok(self) -> bool:
        return all(system.error is None for system in self.systems)

    @property
    def datasets(self) -> list[DatasetErasure]:
        return [dataset for system in self.systems for dataset in system.datasets]

    @property
    def erased(self) -> int:
        """Rows deleted or anonymised by this run: 0 when a previous run left nothing to erase."""
        return sum(dataset.erased for dataset in self.datasets)

    @property
    def kept(self) -> int:
        return sum(dataset.kept for dataset in self.datasets)

    @property
    def cut(self) -> int:
        """Mentions of the subjects cut on rows that others own."""
        return sum(dataset.cut for dataset in self.datasets)

    def to_dict(self) -> dict[str, Any]:
        return {
            "action": "erase",
            "subjects": list(self.subjects),
            "tenant": self.tenant,
            "today": self.today.isoformat(),
            "ok": self.ok,
            "erased": self.erased,
            "kept": self.kept,
            "cut": self.cut,
            "held": [held.to_dict() for held in self.held],
            "systems": [system.to_dict() for system in self.systems],
        }


def execute_erasure(
    policy: Policy,
    subjects: Subject | Sequence[Subject],
    *,
    tenant: str | None = None,
    today: dt.date | None = None,
    key: str | bytes | None = None,
    progress: Progress | None = None,
    case_holds: Sequence[CaseHold] = (),
) -> ErasureResult:
    """Erase the subjects' data in every system, one transaction per system.

    `key` is the secret of pseudonyms (default `$REGISTRE_PSEUDONYM_KEY`),
    needed when a reached dataset anonymises a field by `hash`. A system
    that fails is rolled back and reported with its error; the others are
    still erased. Subjects that one of `case_holds` covers are not erased
    (`ErasureResult.held`). Raises SubjectError for an identity type the
    policy does not declare.
    """
    request = make_request("erase", subjects, tenant=tenant, today=today)
    check_subjects(policy_kinds(policy), request.subjects)
    free, held = separate_held(policy, request.subjects, case_holds, request.tenant)
    refs = tuple(subject.reference for subject in request.subjects)
    if not free:
        return ErasureResult(refs, request.tenant, request.today, (), tuple(held))
    request = dataclasses.replace(request, subjects=tuple(free))
    secret = pseudonym_key(key)
    outcomes = []
    for name in systems_reached(policy, request):
        for attempt in range(RETRY_ATTEMPTS):  # a deadlock with a concurrent sweep: rolled back, run again
            try:
                with open_system(policy, name, request, write=True, progress=progress, key=secret) as work:
                    cuts = cut_mentions(work)
                    datasets = [erase_dataset(work, dataset) for dataset in work.template.order]
                    outcomes.append(SystemErasure(name, with_cuts(work, datasets, cuts)))
            except (SourceError, AnonymisationError) as error:
                outcomes.append(SystemErasure(name, error=str(error)))
            except sa.exc.SQLAlchemyError as error:
                if pause_before_retry(error, attempt):
                    continue
                outcomes.append(SystemErasure(name, error=describe_write_error(error, policy.systems[name].url)))
            break
    return ErasureResult(refs, request.tenant, request.today, tuple(outcomes), tuple(held))


@dataclass(frozen=True)
class ErasureSteps:
    """The conditions and statements that erase the subject's rows of one dataset.

    `held` and `erasable` are row predicates (the census adds the subject's
    condition); the statements include it. `erasable` is true for the rows
    the erasure deletes or anonymises: rows not held (that still hold
    personal data, in an anonymised dataset); None when that is every row.
    """

    name: str
    rules: list[HoldRule]
    held: Condition | None
    erasable: Condition | None
    restrict: sa.Update | None
    delete: sa.Delete | None
    anonymise: sa.Update | None
    # Rows not held that still hold personal data (None: the dataset's rows are deleted, never anonymised).
    personal: Condition | None = None

    def statements(self) -> list[sa.Update | sa.Delete]:
        return [step for step in (self.restrict, self.delete, self.anonymise) if step is not None]


def erasure_steps(work: SystemWork, name: str) -> ErasureSteps:
    """The statements of steps 2 and 3 for dataset `name` (see the module's docstring), built once per template."""
    return work.template.statement(("erasure", name), lambda: _build_steps(work, name))


def _build_steps(work: SystemWork, name: str) -> ErasureSteps:
    dataset, table = work.dataset(name), work.table(name)
    condition = work.scope.condition(name)
    assert condition is not None, f"{name} is not reached"
    rules = work.rules(name)
    held = held_condition(table, rules, name)
    not_held = sa.true() if held is None else sa.not_(held)
    flag = {dataset.restrict: sa.bindparam(RESTRICT_FLAG, type_=sa.Boolean())} if dataset.restrict else {}
    restrict = None
    # Rows kept by law are restricted (Art. 18(1)(c)); rows a running contract keeps are not: it still uses them.
    legal = [rule_condition(table, rule, rule_parameter(name, i)) for i, rule in enumerate(rules, 1) if rule.legal]
    if legal and dataset.restrict:
        unrestricted = table.c[dataset.restrict].is_distinct_from(flag[dataset.restrict])
        restrict = sa.update(table).where(condition, sa.or_(*legal), unrestricted).values(flag)
    children = referencing_rows(work, name) if dataset.erase == "delete" else []
    delete = None
    if dataset.erase == "delete":
        # One NOT EXISTS per child: databases run each as an anti-join.
        delete = sa.delete(table).where(condition, not_held, *(sa.not_(child) for child in children))
    if dataset.erase == "delete" and not children:
        # Every row not held is deleted: the census need not count them apart.
        return ErasureSteps(name, rules, held, None if held is None else not_held, restrict, delete, None)
    pseudonym = work.scope.pseudonym(name) if work.request.batch else sa.bindparam("pseudonym", type_=sa.String())
    # A UNIQUE column without a declared method gets a value unique to the row: the constant its type would
    # take is refused by the database at the second person erased.
    values, _refused = fit_unique_columns(
        table, dataset, anonymised_values(table, dataset, pseudonym), row_marker(table, dataset)
    )
    pending = sa.and_(not_held, still_personal(table, values))
    # A row to delete that kept rows still reference is anonymised instead, and restricted.
    anonymise = sa.update(table).where(condition, pending).values({**values, **(flag if delete is not None else {})})
    # Such a row counts as erased whether deleted or anonymised; an anonymised dataset's rows, when still personal.
    erasable = pending if delete is None else None if held is None else not_held
    return ErasureSteps(name, rules, held, erasable, restrict, delete, anonymise, pending)


def referencing_rows(
    work: SystemWork, name: str, survivors_only: bool = False, seen: frozenset[str] = frozenset()
) -> list[Condition]:
    """`EXISTS` conditions, one per child dataset: true for rows of `name` that a row of that child references.

    With `survivors_only`, only rows that will still exist after the
    erasure count (held rows, anonymised rows, rows the request cannot
    touch): a plan uses it to predict which parents are anonymised instead
    of deleted. Self-references are left to the database's foreign keys.
    """
    table, graph = work.table(name), work.scope.graph
    exists: list[Condition] = []
    for link in [*graph.links, *graph.cut]:
        if link.parent != name or link.child == name or link.child not in work.scope.tables:
            continue
        child = work.table(link.child)
        survives = _survives(work, link.child, seen | {name}) if survivors_only else None
        rows = sa.select(child.c[link.column]).where(child.c[link.column] == table.c[link.target])
        exists.append(sa.exists(rows.where(*([] if survives is None else [survives])).correlate(table)))
    for mention in work.template.mentions:
        # Rows naming the subject that keep the link (held, or cut by `keep`) keep the subject's row too.
        if mention.person != name or mention.target is None:
            continue
        naming: Any = work.table(mention.dataset)
        naming = naming.alias() if mention.dataset == name else naming  # a manager named on a colleague's row
        held = held_condition(naming, work.rules(mention.dataset), mention.dataset)
        kept = None if mention.mention.erase == "keep" else held if held is not None else sa.false()
        rows = sa.select(naming.c[mention.column]).where(naming.c[mention.column] == table.c[mention.target])
        exists.append(sa.exists(rows.where(*([kept] if survivors_only and kept is not None else [])).correlate(table)))
    return exists


def _survives(work: SystemWork, name: str, seen: frozenset[str]) -> Condition | None:
    """True for rows of `name` that the erasure keeps; None: all of them are kept.

    Rows of a dataset the request does not reach all stay; on a cycle of
    references (`seen`), the rows are taken to stay, so the plan predicts an
    anonymisation rather than a delete that foreign keys would refuse.
    """
    dataset = work.dataset(name)
    if name in seen or name not in work.reached or not work.scope.included(name) or dataset.erase == "anonymize":
        return None
    held = held_condition(work.table(name), work.rules(name), name)
    deeper = referencing_rows(work, name, survivors_only=True, seen=seen)
    kept = [*([] if held is None else [held]), *deeper]
    return sa.or_(*kept) if kept else sa.false()


def hold_census(work: SystemWork, steps: ErasureSteps, *, overall: bool = True, referenced: bool = False) -> Censuses:
    """Per subject: rows, held rows (by rule), erasable rows and each rule's latest anchor.

    With `referenced` (plans), also the erasable rows that kept rows still
    reference: they will be anonymised instead of deleted.
    """

    def tally() -> Tally:
        table = work.table(steps.name)
        counts: dict[str, Condition] = {} if steps.erasable is None else {"erasable": steps.erasable}
        maxima: dict[str, sa.ColumnElement[Any]] = {}
        if len(steps.rules) > 1:
            counts["held"] = steps.held  # type: ignore[assignment]
        for index, rule in enumerate(steps.rules, 1):
            held_by_rule = rule_condition(table, rule, rule_parameter(steps.name, index))
            counts[f"held_{index}"] = held_by_rule
            maxima[f"max_anchor_{index}"] = sa.case((held_by_rule, table.c[rule.anchor]))
            if rule.running:
                # A contract without an end date runs on: its rows are kept until it ends, not to a date.
                counts[f"open_{index}"] = table.c[rule.anchor].is_(None)
        survivors = referencing_rows(work, steps.name, survivors_only=True) if referenced else []
        if survivors and work.dataset(steps.name).erase == "delete":
            linked = sa.and_(steps.erasable if steps.erasable is not None else sa.true(), sa.or_(*survivors))
            counts["referenced"] = linked
            if steps.personal is not None:
                # Referenced rows an earlier erasure already anonymised (found again by their pseudonym).
                counts["referenced_done"] = sa.and_(linked, sa.not_(steps.personal))
        return Tally(counts, maxima)

    return take_census(work, steps.name, "plan" if referenced else "erasure", tally, overall=overall)


def erasable_rows(census: Census) -> int:
    """The rows a census found to erase (every row when the census did not need to count them)."""
    return census.count("erasable") if census.has("erasable") else census.rows


def held_rows(census: Census) -> int:
    """The held rows of a census (with one rule, the census counts them once, as `held_1`)."""
    return census.count("held") if census.has("held") else census.count("held_1")


def kept_rows(steps: ErasureSteps, census: Census) -> tuple[KeptRows, ...]:
    """The held rows of a census, rule by rule, with the day each rule lets them go."""
    return tuple(
        KeptRows(rule, census.count(f"held_{i}"), _until(rule, census, i)) for i, rule in enumerate(steps.rules, 1)
    )


def _until(rule: HoldRule, census: Census, index: int) -> dt.date | None:
    if rule.running and census.has(f"open_{index}") and census.count(f"open_{index}"):
        return None
    return until_of(rule, census.maximum(f"max_anchor_{index}"))


def erase_dataset(work: SystemWork, name: str) -> DatasetErasure:
    """Steps 1 to 3 of the module's docstring for one dataset, in the system's transaction."""
    steps = erasure_steps(work, name)
    # Counting is only needed for holds, or to report per subject in a batch.
    censuses = hold_census(work, steps, overall=bool(steps.rules)) if work.request.batch or steps.rules else None
    restricted = _run(work, steps.restrict, f"restricted held rows of {name}")
    deleted = _run(work, steps.delete, f"deleted rows of {name}")
    anonymised = _run(work, steps.anonymise, f"anonymised rows of {name}")
    overall = censuses.overall if censuses and steps.rules else Census()
    per_subject = {}
    if censuses and work.request.batch:
        held = None if not steps.rules else "held" if len(steps.rules) > 1 else "held_1"
        counts = censuses.counts("rows", "rows" if steps.erasable is None else "erasable", held)
        per_subject = {ref: SubjectErasure(*found) for ref, found in counts.items()}
    return DatasetErasure(
        system=work.name,
        dataset=name,
        strategy=work.dataset(name).erase,
        deleted=deleted,
        anonymised=anonymised,
        kept=held_rows(overall),
        restricted=restricted,
        holds=kept_rows(steps, overall),
        per_subject=per_subject,
    )


def cut_mentions(work: SystemWork) -> dict[str, int]:
    """Cut every mention of the subjects (before their rows go, as the conditions read them); rows cut by dataset."""
    cuts: dict[str, int] = {}
    for link in work.template.mentions:
        statement = work.template.statement(
            ("cut", link.dataset, link.column),
            lambda link=link: cut_statement(work.scope, work.dataset(link.dataset), link, work.rules(link.dataset)),  # type: ignore[misc]
        )
        cuts[link.dataset] = cuts.get(link.dataset, 0) + _run(work, statement, f"cut mentions in {link.dataset}")
    for found in work.template.free_text:
        # A row is counted once, however many of the person's written forms it held.
        if work.request.batch:
            hits = [hit for hit in text_hits(work, found, work.rules(found.dataset)) if not hit.held]
            redact_subjects(work, found, sorted({hit.subject for hit in hits}))
            redacted = len({hit.key for hit in hits})
        else:
            redacted = _free_text_hits(work, found)
            for redaction in redaction_of(work, found):
                _run(work, redaction, f"redacted free text of {found.dataset}")
        cuts[found.dataset] = cuts.get(found.dataset, 0) + redacted
    return cuts


def _free_text_hits(work: SystemWork, found: FreeTextField) -> int:
    table, rules = work.table(found.dataset), work.rules(found.dataset)
    held = held_condition(table, rules, found.dataset)
    condition = text_condition(table, found, work.template.searched, work.scope.tenant_condition(found.dataset))
    counted = sa.select(sa.func.count()).where(condition, *([] if held is None else [sa.not_(held)]))
    return int(work.execute(counted, f"counted free text of {found.dataset}").scalar_one())


def redaction_of(work: SystemWork, found: FreeTextField) -> list[sa.Update]:
    """The UPDATEs that redact the subject's written forms in one free-text field (see `freetext`)."""

    def build() -> list[sa.Update]:
        tenant = work.scope.tenant_condition(found.dataset)
        table, rules = work.table(found.dataset), work.rules(found.dataset)
        return redaction_statements(table, found, work.template.searched, rules, tenant)

    return work.template.statement(("redact", found.dataset, found.field), build)


def with_cuts(work: SystemWork, datasets: list[DatasetErasure], cuts: dict[str, int]) -> tuple[DatasetErasure, ...]:
    """The datasets' erasures with the mentions cut in each; a dataset only naming the subjects gets its own."""
    done = {dataset.dataset for dataset in datasets}
    merged = [dataclasses.replace(dataset, cut=cuts.get(dataset.dataset, 0)) for dataset in datasets]
    merged += [
        DatasetErasure(work.name, name, "mention", cut=count) for name, count in cuts.items() if name not in done
    ]
    return tuple(merged)


def _run(work: SystemWork, statement: sa.Update | sa.Delete | None, description: str) -> int:
    """Run a write statement if there is one; the number of rows it changed."""
    return 0 if statement is None else work.execute(statement, description).rowcount
