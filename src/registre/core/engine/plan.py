"""Plans: what a request would do, per system and dataset, without doing it.

A plan counts the subject's rows in each dataset (one read-only statement
per dataset, per subject in a batch) and states the decision for them with
its reason: export, delete, anonymise, keep under a hold (until when),
restrict, rectify, or skip. It shows the SQL that execution would run,
compiled for each system's database with the names of its bound parameters,
never their values. `registre dsr ... --dry-run` prints it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from registre.core.engine.access import access_statement, free_text_statement, is_portable, mention_statement
from registre.core.engine.anonymisation import AnonymisationError, anonymised_columns, pseudonym_key, still_personal
from registre.core.engine.case_holds import CaseHold, HeldSubject, separate_held
from registre.core.engine.census import Census, Censuses, Tally, take_census
from registre.core.engine.erasure import (
    ErasureSteps,
    KeptRows,
    erasable_rows,
    erasure_steps,
    held_rows,
    hold_census,
    kept_rows,
    redaction_of,
)
from registre.core.engine.freetext import FreeTextField, batch_hits, text_condition
from registre.core.engine.holds import HoldRule, held_condition
from registre.core.engine.mentions import (
    MentionLink,
    cut_statement,
    cut_values,
    disclosed_columns,
    mention_attribution,
    mention_condition,
)
from registre.core.engine.reasons import english_reason, render_reason
from registre.core.engine.rectification import pending_tally as rectification_tally
from registre.core.engine.rectification import rectification_statement, rectified_values, validate_changes
from registre.core.engine.request import Action, Progress, Request, make_request
from registre.core.engine.restriction import pending_tally as restriction_tally
from registre.core.engine.restriction import restriction_statement
from registre.core.engine.subjects import Subject, check_subjects
from registre.core.engine.systems import SystemWork, open_system, policy_kinds, require_pseudonym_key, systems_reached
from registre.core.engine.texthits import text_hits
from registre.core.policy.model import Dataset, Policy
from registre.core.sources.connection import SourceError, describe_error, display_url

# Plans count and show SQL; they never write, so a missing pseudonym key only stands in here.
_PLACEHOLDER_KEY = b"registre-plan-without-key"


@dataclass(frozen=True)
class Decision:
    """What happens to some of the subject's rows of a dataset, and why: a reason code and its parameters.

    `reason` is the English sentence (for the command line); `explain(lang)`
    renders it in any language of the catalogs (see `reasons`).
    """

    kind: str
    rows: int
    code: str
    params: Mapping[str, str] = field(default_factory=dict)
    until: dt.date | None = None

    @property
    def reason(self) -> str:
        return english_reason(self.code, self.params)

    def explain(self, lang: str) -> str:
        return render_reason(self.code, self.params, lang)

    def to_dict(self) -> dict[str, Any]:
        until = self.until.isoformat() if self.until else None
        return {
            "kind": self.kind,
            "rows": self.rows,
            "code": self.code,
            "params": dict(self.params),
            "reason": self.reason,
            "until": until,
        }


@dataclass(frozen=True)
class DatasetPlan:
    """One dataset in a plan: the subject's rows, the decisions, the SQL, and counts per subject (batches)."""

    system: str
    dataset: str
    rows: int
    decisions: tuple[Decision, ...]
    sql: tuple[str, ...] = ()
    per_subject: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def reference(self) -> str:
        return f"{self.system}.{self.dataset}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "system": self.system,
            "dataset": self.dataset,
            "rows": self.rows,
            "decisions": [decision.to_dict() for decision in self.decisions],
            "sql": list(self.sql),
            "per_subject": self.per_subject,
        }


@dataclass(frozen=True)
class SystemPlan:
    """One system in a plan; `url` has its password hidden, `error` says why it could not be counted."""

    system: str
    url: str
    datasets: tuple[DatasetPlan, ...]
    notes: tuple[str, ...] = ()
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "system": self.system,
            "url": self.url,
            "notes": list(self.notes),
            "error": self.error,
            "datasets": [dataset.to_dict() for dataset in self.datasets],
        }


@dataclass(frozen=True)
class Plan:
    """What a request would do in every system. Rectified values are not repeated, only the field names."""

    action: Action
    subjects: tuple[str, ...]
    tenant: str | None
    today: dt.date
    systems: tuple[SystemPlan, ...]
    fields: tuple[str, ...] = ()
    lift: bool = False
    portability: bool = False
    held: tuple[HeldSubject, ...] = ()  # subjects a case hold covers (erasure): nothing of theirs is erased

    @property
    def ok(self) -> bool:
        return all(system.error is None for system in self.systems)

    @property
    def datasets(self) -> list[DatasetPlan]:
        return [dataset for system in self.systems for dataset in system.datasets]

    def rows(self, kind: str | None = None) -> int:
        """The subject's rows found, or those of one decision (`delete`, `keep`...)."""
        if kind is None:
            return sum(dataset.rows for dataset in self.datasets)
        return sum(d.rows for dataset in self.datasets for d in dataset.decisions if d.kind == kind)

    def to_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "subjects": list(self.subjects),
            "tenant": self.tenant,
            "today": self.today.isoformat(),
            "fields": list(self.fields),
            "lift": self.lift,
            "portability": self.portability,
            "ok": self.ok,
            "held": [held.to_dict() for held in self.held],
            "systems": [system.to_dict() for system in self.systems],
        }

    def to_text(self, *, sql: bool = True) -> str:
        """The plan for people: systems, datasets, decisions with reasons, and (with `sql`) the statements."""
        count = len(self.subjects)
        who = self.subjects[0] if count == 1 else f"{count} subjects"
        tenant = f", tenant {self.tenant}" if self.tenant else ""
        lines = [f"Plan: {self.action} for {who}{tenant}, on {self.today.isoformat()}"]
        lines += [f"held: {held.subject}: case hold {hold_label(held.hold)} (Art. 17(3)(e))" for held in self.held]
        for system in self.systems:
            lines.append(f"{system.system} ({system.url})" + (f": ERROR {system.error}" if system.error else ""))
            lines += [f"  note: {note}" for note in system.notes]
            for dataset in system.datasets:
                lines += _dataset_lines(dataset, sql)
        return "\n".join(lines) + "\n"


def _dataset_lines(dataset: DatasetPlan, sql: bool) -> list[str]:
    plural = "" if dataset.rows == 1 else "s"
    lines = [f"  {dataset.reference}: {dataset.rows} row{plural}"]
    lines += [f"    {decision.kind} {decision.rows}: {decision.reason}" for decision in dataset.decisions]
    if sql:
        for statement in dataset.sql:
            lines += ["    | " + line for line in statement.splitlines()]
    return lines


def plan_request(
    policy: Policy,
    action: Action,
    subjects: Subject | Sequence[Subject],
    *,
    tenant: str | None = None,
    today: dt.date | None = None,
    changes: Mapping[str, object] | None = None,
    lift: bool = False,
    portability: bool = False,
    key: str | bytes | None = None,
    progress: Progress | None = None,
    case_holds: Sequence[CaseHold] = (),
) -> Plan:
    """Count and decide, per system and dataset, what `action` would do for the subjects; change nothing.

    Reads run in read-only transactions. An erasure leaves out the subjects
    that one of `case_holds` covers (`Plan.held`), as `execute_erasure`
    does; when every subject is held, their rows are counted and planned as
    kept under the case hold (`keep.case_hold`), with no statement to run.
    Raises SubjectError for an unknown identity type and RectificationError
    for invalid rectified values.
    """
    request = make_request(action, subjects, tenant=tenant, today=today, lift=lift, portability=portability)
    check_subjects(policy_kinds(policy), request.subjects)
    if action == "erase" and case_holds:
        free, held = separate_held(policy, request.subjects, case_holds, request.tenant)
        options = {"tenant": tenant, "today": request.today, "key": key, "progress": progress}
        planned = plan_request(policy, action, free or request.subjects, **options)  # type: ignore[arg-type]
        return dataclasses.replace(planned, held=tuple(held)) if free else held_plan(planned, held)
    if action == "rectify":
        request = dataclasses.replace(request, changes=validate_changes(policy, changes or {}))
    reached = systems_reached(policy, request)
    secret = pseudonym_key(key)
    systems = tuple(
        _plan_system(policy, name, request, secret, progress) if name in reached else _unreached(policy, name, request)
        for name in policy.systems
    )
    refs = tuple(subject.reference for subject in request.subjects)
    fields = tuple(request.changes)
    return Plan(action, refs, request.tenant, request.today, systems, fields, lift, portability)


def hold_label(hold: CaseHold) -> str:
    """How a plan names a case hold: its reference, else its number."""
    return hold.reference or f"#{hold.key}"


def held_plan(plan: Plan, held: Sequence[HeldSubject]) -> Plan:
    """`plan` of an erasure with every row it would change kept under the case holds instead (Art. 17(3)(e))."""
    label = ", ".join(dict.fromkeys(hold_label(found.hold) for found in held))
    # Rows kept only by restrictions the person asked for say so; any case hold among them is a case hold.
    code = "keep.restricted" if all(found.hold.restriction for found in held) else "keep.case_hold"

    def kept(dataset: DatasetPlan) -> DatasetPlan:
        decisions = [d for d in dataset.decisions if d.kind == "skip"]
        rows = sum(d.rows for d in dataset.decisions if d.kind != "skip")
        if rows:
            decisions.insert(0, Decision("keep", rows, code, {"hold": label}))
        return dataclasses.replace(dataset, decisions=tuple(decisions), sql=(), per_subject={})

    systems = tuple(
        dataclasses.replace(system, datasets=tuple(kept(dataset) for dataset in system.datasets))
        for system in plan.systems
    )
    return dataclasses.replace(plan, systems=systems, held=tuple(held))


def _plan_system(
    policy: Policy, name: str, request: Request, key: bytes | None, progress: Progress | None
) -> SystemPlan:
    system = policy.systems[name]
    url = display_url(system.url)
    try:
        with open_system(policy, name, request, write=False, progress=progress, key=key or _PLACEHOLDER_KEY) as work:
            datasets = tuple(
                with_mentions(
                    work,
                    PLANNERS[request.action](work, dataset) if dataset in work.reached else _skipped(work, dataset),
                )
                for dataset in system.datasets
            )
            notes = [f"reference {link} not followed: it would close a cycle" for link in work.scope.graph.cut]
            if key is None and request.action == "erase":
                notes += _missing_key(work)
            return SystemPlan(name, url, datasets, tuple(notes))
    except (SourceError, AnonymisationError) as error:
        return SystemPlan(name, url, (), error=str(error))
    except sa.exc.SQLAlchemyError as error:
        return SystemPlan(name, url, (), error=describe_error(error, system.url))


def with_mentions(work: SystemWork, plan: DatasetPlan) -> DatasetPlan:
    """The dataset's plan with what happens to its rows that name the subject (mentions), if it has any."""
    links = [link for link in work.template.mentions if link.dataset == plan.dataset]
    texts = [found for found in work.template.free_text if found.dataset == plan.dataset]
    if not links and not texts:
        return plan
    decisions = [d for d in plan.decisions if plan.rows or d.kind != "skip"]
    sql = list(plan.sql)
    per_subject = {ref: dict(counts) for ref, counts in plan.per_subject.items()}
    for link in links:
        counted = _count_mentions(work, link)
        if counted is None:
            continue
        overall, by_subject, statement = counted
        decisions += _mention_decisions(work, link, *overall)
        sql += [statement] if statement else []
        for ref, counts in by_subject.items():
            found = per_subject.setdefault(ref, {"rows": 0})
            for decision in _mention_decisions(work, link, *counts):
                found[decision.kind] = found.get(decision.kind, 0) + decision.rows
    for text in texts:
        text_decisions, statement = _free_text_decisions(work, text)
        decisions += text_decisions
        sql += [statement] if statement else []
    return dataclasses.replace(plan, decisions=tuple(decisions), sql=tuple(sql), per_subject=per_subject)


def _free_text_decisions(work: SystemWork, found: FreeTextField) -> tuple[list[Decision], str]:
    """Rows whose free text names the subject: disclosed (access), redacted unless held (erasure)."""
    action, table = work.request.action, work.table(found.dataset)
    tenant = work.scope.tenant_condition(found.dataset)
    rules = work.rules(found.dataset) if action == "erase" else []
    if work.request.batch:
        return _batch_free_text_decisions(work, found, rules)
    found_held = held_condition(table, rules, found.dataset)
    held = sa.false() if found_held is None else found_held
    counts = sa.select(sa.func.count(), sa.func.sum(sa.case((held, 1), else_=0))).where(
        text_condition(table, found, work.template.searched, tenant)
    )
    rows, kept = _three((*work.execute(counts, f"counted free text of {found.dataset}").one(), 0))[:2]
    field_name = {"field": found.field}
    if action == "access":
        return [Decision("disclose", rows, "disclose.free_text", field_name)], work.sql(
            free_text_statement(work, found)
        )
    if action != "erase":
        return [Decision("skip", rows, "skip.free_text", field_name)], ""
    decisions = [Decision("redact", rows - kept, "redact.free_text", field_name)] if rows > kept else []
    if kept:
        decisions.append(Decision("keep", kept, "keep.free_text_held", field_name))
    return decisions, "\n".join(work.sql(statement) for statement in redaction_of(work, found))


def _batch_free_text_decisions(
    work: SystemWork, found: FreeTextField, rules: list[HoldRule]
) -> tuple[list[Decision], str]:
    """`_free_text_decisions` for a batch: the rows any subject's written forms are found in, each counted once."""
    hits = text_hits(work, found, rules)
    rows, kept = len({hit.key for hit in hits}), len({hit.key for hit in hits if hit.held})
    field_name = {"field": found.field}
    identities: Any = work.scope.identities
    statement = work.sql(batch_hits(work.table(found.dataset), work.dataset(found.dataset).key, found,
                                    identities.table, work.scope.tenant_condition(found.dataset), None))  # fmt: skip
    if work.request.action == "access":
        return [Decision("disclose", rows, "disclose.free_text", field_name)], statement
    if work.request.action != "erase":
        return [Decision("skip", rows, "skip.free_text", field_name)], ""
    decisions = [Decision("redact", rows - kept, "redact.free_text", field_name)] if rows > kept else []
    if kept:
        decisions.append(Decision("keep", kept, "keep.free_text_held", field_name))
    return decisions, statement


MentionCounts = tuple[int, int, int]


def _count_mentions(
    work: SystemWork, link: MentionLink
) -> tuple[MentionCounts, dict[str, MentionCounts], str | None] | None:
    """Rows naming the subjects through `link`: (rows, held, still to cut) overall and per subject, and the SQL."""
    condition = mention_condition(work.scope, link)
    if condition is None:
        return None
    action, table, dataset = work.request.action, work.table(link.dataset), work.dataset(link.dataset)
    rules = work.rules(link.dataset) if action == "erase" else []
    found_held = held_condition(table, rules, link.dataset)
    held = sa.false() if found_held is None else found_held
    pending: sa.ColumnElement[bool] = sa.true()
    statement: sa.ClauseElement | None = mention_statement(work, link) if action == "access" else None
    if action == "erase":
        statement = cut_statement(work.scope, dataset, link, rules)
        values = cut_values(table, dataset, link, sa.bindparam("pseudonym", type_=sa.String()))
        pending = still_personal(table, values) if values else sa.false()
    columns = [
        sa.func.count(),
        sa.func.sum(sa.case((held, 1), else_=0)),
        sa.func.sum(sa.case((sa.and_(sa.not_(held), pending), 1), else_=0)),
    ]
    described = f"counted mentions in {link.dataset}"
    parts = [_three(row) for row in work.rows(sa.select(*columns).where(condition), described)]
    overall = _three([sum(counts) for counts in zip(*parts, strict=True)])
    by_subject: dict[str, MentionCounts] = {}
    if work.request.batch:
        joined, subject_ref, conditions = mention_attribution(work.scope, link)
        grouped = sa.select(subject_ref, *columns).select_from(joined).where(*conditions).group_by(subject_ref)
        by_subject = {row[0]: _three(row[1:]) for row in work.rows(grouped, described)}
    return overall, by_subject, None if statement is None else work.sql(statement)


def _three(values: Sequence[Any]) -> MentionCounts:
    rows, kept, to_cut = (int(value or 0) for value in values)
    return rows, kept, to_cut


def _mention_decisions(work: SystemWork, link: MentionLink, rows: int, kept: int, to_cut: int) -> list[Decision]:
    """What the request's action does with rows naming the subject through `link`."""
    where = {"column": link.column}
    action = work.request.action
    if action == "access":
        shown = ", ".join(disclosed_columns(work.dataset(link.dataset), link))
        return [Decision("disclose", rows, "disclose.mention", {**where, "columns": shown})]
    if action != "erase":
        return [Decision("skip", rows, "skip.mention", where)]
    method = {**where, "method": link.mention.erase}
    decisions = [Decision("cut", to_cut, "cut.mention", method)] if to_cut else []
    if kept:
        decisions.append(Decision("keep", kept, "keep.mention_held", where))
    if rows - kept - to_cut > 0:
        decisions.append(Decision("skip", rows - kept - to_cut, "skip.mention_cut", where))
    return decisions


def _missing_key(work: SystemWork) -> list[str]:
    try:
        require_pseudonym_key(work.template)
    except AnonymisationError as error:
        return [f"{error} before executing"]
    return []


def _unreached(policy: Policy, name: str, request: Request) -> SystemPlan:
    system = policy.systems[name]
    datasets = tuple(
        DatasetPlan(name, dataset_name, 0, (Decision("skip", 0, *skip_reason(dataset, request)),))
        for dataset_name, dataset in system.datasets.items()
    )
    return SystemPlan(name, display_url(system.url), datasets)


def _skipped(work: SystemWork, name: str) -> DatasetPlan:
    return DatasetPlan(work.name, name, 0, (Decision("skip", 0, *skip_reason(work.dataset(name), work.request)),))


def skip_reason(dataset: Dataset, request: Request) -> tuple[str, dict[str, str]]:
    """Why a request does not reach a dataset: a reason code and its parameters."""
    if dataset.tenant is not None and request.tenant is None:
        return "skip.processor_dataset", {"column": dataset.tenant}
    if dataset.tenant is None and request.tenant is not None:
        return "skip.not_processor", {}
    return "skip.no_identity", {"types": ", ".join(sorted(request.identity_types()))}


def _dataset_plan(
    work: SystemWork,
    name: str,
    censuses: Censuses,
    decide: Callable[[Census], list[Decision]],
    statements: Sequence[sa.ClauseElement | None],
) -> DatasetPlan:
    per_subject = {}
    if work.request.batch:
        per_subject = {
            ref: {"rows": census.rows, **{d.kind: d.rows for d in decide(census)}}
            for ref, census in censuses.per_subject.items()
        }
    sql = tuple(work.sql(statement) for statement in statements if statement is not None)
    overall = censuses.overall
    return DatasetPlan(work.name, name, overall.rows, tuple(decide(overall)), sql, per_subject)


def plan_access(work: SystemWork, name: str) -> DatasetPlan:
    if work.request.portability and not is_portable(work.policy, work.reference(name)):
        return DatasetPlan(work.name, name, 0, (Decision("skip", 0, "skip.not_portable"),))

    def decide(census: Census) -> list[Decision]:
        return [Decision("export", census.rows, "export.declared")]

    return _dataset_plan(work, name, take_census(work, name, "rows", Tally), decide, [access_statement(work, name)])


def plan_erasure(work: SystemWork, name: str) -> DatasetPlan:
    steps = erasure_steps(work, name)
    dataset = work.dataset(name)
    censuses = hold_census(work, steps, referenced=True)

    def decide(census: Census) -> list[Decision]:
        return _erasure_decisions(dataset, steps, census)

    return _dataset_plan(work, name, censuses, decide, steps.statements())


def _erasure_decisions(dataset: Dataset, steps: ErasureSteps, census: Census) -> list[Decision]:
    decisions = [
        Decision(
            "keep", kept.rows, "keep.contract" if kept.rule.running else "keep.hold", _hold_params(kept), kept.until
        )
        for kept in kept_rows(steps, census)
        if kept.rows
    ]
    erasable, referenced = erasable_rows(census), census.count("referenced")
    # A keyed hash keeps a pseudonym: the rows are pseudonymised, not anonymised (Recital 26).
    word = "pseudonymise" if dataset.pseudonymises else "anonymise"
    done_already = census.count("referenced_done")
    if dataset.erase == "delete" and erasable > referenced:
        decisions.append(Decision("delete", erasable - referenced, "delete.erase"))
    referenced -= done_already
    if dataset.erase == "delete" and referenced:
        code = f"{word}.referenced_restricted" if dataset.restrict else f"{word}.referenced"
        decisions.append(Decision("anonymise", referenced, code))
    if dataset.erase == "anonymize" and erasable:
        methods = ", ".join(f"{n}: {s.anonymize or 'default'}" for n, s in anonymised_columns(dataset).items())
        decisions.append(Decision("anonymise", erasable, f"{word}.erase", {"methods": methods}))
    done = census.rows - held_rows(census) - erasable + done_already
    if done > 0:
        decisions.append(Decision("skip", done, f"skip.already_{word}d"))
    return decisions or [Decision("skip", 0, "skip.no_row")]


def _hold_params(kept: KeptRows) -> dict[str, str]:
    """The parameters of a `keep.hold` reason: the rule in English, its basis, and the last day held."""
    rule = kept.rule
    return {
        "rule": rule.describe(kept.until),
        "basis": ", ".join([rule.basis, *([rule.citation] if rule.citation else [])]),
        "until": kept.until.isoformat() if kept.until else "",
    }


def plan_restriction(work: SystemWork, name: str) -> DatasetPlan:
    statement = restriction_statement(work, name)
    if statement is None:
        return _dataset_plan(work, name, take_census(work, name, "rows", Tally), _no_flag, [])
    censuses = take_census(work, name, "restrict", lambda: restriction_tally(work, name))
    kind, state = ("lift", "skip.already_lifted") if work.request.lift else ("restrict", "skip.already_restricted")
    column = work.dataset(name).restrict

    def decide(census: Census) -> list[Decision]:
        pending = census.count("pending")
        decisions = [Decision(kind, pending, f"{kind}.flag", {"column": str(column)})]
        return decisions + ([Decision("skip", census.rows - pending, state)] if census.rows > pending else [])

    return _dataset_plan(work, name, censuses, decide, [statement])


def _no_flag(census: Census) -> list[Decision]:
    return [Decision("skip", census.rows, "skip.no_flag")]


def plan_rectification(work: SystemWork, name: str) -> DatasetPlan:
    values = rectified_values(work, name)
    if not values:
        return DatasetPlan(work.name, name, 0, (Decision("skip", 0, "skip.no_rectified_field"),))
    key = "rectify " + " ".join(sorted(work.request.changes))
    censuses = take_census(work, name, key, lambda: rectification_tally(work, name))

    def decide(census: Census) -> list[Decision]:
        pending = census.count("pending")
        decisions = [Decision("rectify", pending, "rectify.values", {"fields": ", ".join(values)})]
        return decisions + (
            [Decision("skip", census.rows - pending, "skip.up_to_date")] if census.rows > pending else []
        )

    return _dataset_plan(work, name, censuses, decide, [rectification_statement(work, name)])


PLANNERS: dict[str, Callable[[SystemWork, str], DatasetPlan]] = {
    "access": plan_access,
    "erase": plan_erasure,
    "restrict": plan_restriction,
    "rectify": plan_rectification,
}
