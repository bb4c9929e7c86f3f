"""`registre dsr`: plan and execute data subject requests (access, erasure, rectification, restriction).

A subject is given by identities (`--subject email=ada@example.org --subject
phone=+33612345678`), or many subjects by a CSV file (`--batch`), whose
first column `subject` is a reference and the others identity types
(`subject,email,phone`). Batches run 10,000 subjects per pass with a progress
bar, and end with a summary table.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar, cast

import typer
from rich.table import Table

from registre.cli.console import (
    AllowFutureOption,
    PolicyOption,
    err,
    fail,
    out,
    parse_day,
    refuse_future_day,
    require_policy,
)
from registre.cli.holds import case_holds_in_force, record_restrictions_in_force
from registre.cli.web import recorded_changes
from registre.core.engine import (
    AccessResult,
    Action,
    AnonymisationError,
    ChangeResult,
    ErasureResult,
    Identity,
    Plan,
    RectificationError,
    Subject,
    SubjectError,
    execute_access_batch,
    execute_erasure,
    execute_rectification,
    execute_restriction,
    identity_kinds,
    plan_request,
    write_access_bundle,
)
from registre.core.engine.bundle import Renderer
from registre.core.engine.case_holds import HeldSubject
from registre.core.policy import Policy

BATCH_SIZE = 10_000
ROLLED_BACK = " (nothing was changed in this system)"
NUMERIC_COLUMNS = ("rows", "deleted", "anonymised", "kept", "changed")

app = typer.Typer(
    name="dsr",
    help="Data subject requests: plan, access, erase, rectify, restrict.",
    no_args_is_help=True,
)


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


class ReportFormat(StrEnum):
    html = "html"
    pdf = "pdf"


SubjectOption = Annotated[
    list[str] | None,
    typer.Option("--subject", "-s", help="An identity of the subject, TYPE=VALUE (repeatable).", show_default=False),
]
BatchOption = Annotated[
    Path | None,
    typer.Option("--batch", help="CSV of subjects: a 'subject' column, then identity types.", show_default=False),
]
TenantOption = Annotated[
    str | None,
    typer.Option("--tenant", help="The client tenant (processor datasets only).", show_default=False),
]
DryRunOption = Annotated[bool, typer.Option("--dry-run", help="Print the plan; change nothing.")]
TodayOption = Annotated[
    str | None,
    typer.Option("--today", help="The day holds are counted to (YYYY-MM-DD). Default: today.", show_default=False),
]
FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help="text or json.")]


@app.command("plan")
def plan(
    action: Annotated[str, typer.Argument(help="access, erase, rectify or restrict.")],
    policy: PolicyOption = None,
    subject: SubjectOption = None,
    batch: BatchOption = None,
    tenant: TenantOption = None,
    changes: Annotated[list[str] | None, typer.Option("--set", help="FIELD=VALUE to rectify.")] = None,
    lift: Annotated[bool, typer.Option("--lift", help="Plan lifting a restriction.")] = False,
    portability: Annotated[bool, typer.Option("--portability", help="Plan a portability export.")] = False,
    today: TodayOption = None,
    output_format: FormatOption = OutputFormat.text,
) -> None:
    """Show what a request would do, per system and dataset, with its SQL; change nothing."""
    if action not in ("access", "erase", "rectify", "restrict"):
        fail(f"unknown action '{action}': use access, erase, rectify or restrict", 2)
    tenant = check_tenant(tenant)
    checked = require_policy(policy)
    subjects = read_subjects(checked, subject, batch)
    fields = parse_changes(changes) if action == "rectify" else {}
    options: dict[str, Any] = {"changes": fields, "lift": lift, "portability": portability}
    if action == "erase":
        options["case_holds"] = case_holds_in_force()
    print_planned(
        checked, cast(Action, action), subjects, tenant, parse_day(today, "--today"), output_format, **options
    )


@app.command("access")
def access(
    policy: PolicyOption = None,
    subject: SubjectOption = None,
    batch: BatchOption = None,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="Folder of the bundle. Default: ./access-<date>-<subject>.", show_default=False
        ),
    ] = None,
    tenant: TenantOption = None,
    portability: Annotated[
        bool, typer.Option("--portability", help="Only data processed on consent or contract (Art. 20).")
    ] = False,
    report: Annotated[
        list[ReportFormat] | None,
        typer.Option("--report", help="Format of the report, html or pdf (repeatable). Default: html."),
    ] = None,
    dry_run: DryRunOption = False,
    today: TodayOption = None,
    output_format: FormatOption = OutputFormat.text,
) -> None:
    """Export the subject's data: data.json, one CSV per dataset, and the report in French and English."""
    tenant = check_tenant(tenant)
    checked = require_policy(policy)
    subjects = read_subjects(checked, subject, batch)
    day = parse_day(today, "--today")
    if dry_run:
        print_planned(checked, "access", subjects, tenant, day, output_format, portability=portability)
        return
    results = run_in_batches(
        subjects,
        lambda group, progress: execute_access_batch(
            checked, group, tenant=tenant, portability=portability, today=day, progress=progress
        ),
    )
    base = out_dir or Path(f"access-{day.isoformat()}-{subjects[0].reference if len(subjects) == 1 else 'batch'}")
    merged = {ref: result for part in results for ref, result in part.items()}
    for person in subjects:
        result = merged[person.reference]
        target = base if len(subjects) == 1 else base / person.reference
        renderers = reports(result, person, report or [ReportFormat.html])
        write_access_bundle(result, checked, target, portability=portability, renderers=renderers)
    print_access(merged, base, output_format)
    if any(not result.ok for result in merged.values()):
        raise typer.Exit(1)


@app.command("erase")
def erase(
    policy: PolicyOption = None,
    subject: SubjectOption = None,
    batch: BatchOption = None,
    tenant: TenantOption = None,
    dry_run: DryRunOption = False,
    today: TodayOption = None,
    allow_future_date: AllowFutureOption = False,
    output_format: FormatOption = OutputFormat.text,
) -> None:
    """Erase the subject's data, except rows kept under a legal hold (restricted, with their date)."""
    tenant = check_tenant(tenant)
    checked = require_policy(policy)
    subjects = read_subjects(checked, subject, batch)
    day = parse_day(today, "--today")
    holds = case_holds_in_force()
    if dry_run:
        print_planned(checked, "erase", subjects, tenant, day, output_format, case_holds=holds)
        return
    refuse_future_day(day, "--today", allow_future_date)
    with recorded_changes("request.data_changed", command="dsr erase"):
        results = run_in_batches(
            subjects,
            lambda group, progress: execute_erasure(
                checked, group, tenant=tenant, today=day, progress=progress, case_holds=holds
            ),
        )
    held = [found for result in results for found in result.held]
    for found in held:
        err.print(held_line(found), markup=False, highlight=False)
    if len(held) < len(subjects) or output_format is OutputFormat.json:
        print_erasure(results, output_format)
    if held or any(not result.ok for result in results):
        raise typer.Exit(1)


def held_line(found: HeldSubject) -> str:
    """The one line that names a subject a case hold keeps (Art. 17(3)(e)), and how the hold ends."""
    hold = found.hold
    if hold.restriction:
        return (
            f"kept: subject {found.subject} is restricted ({hold.reference}): the data are only stored while the "
            "restriction lasts (Art. 18(2)); `registre dsr restrict --lift` ends it"
        )
    return (
        f"kept: subject {found.subject} is under case hold {hold.key} ({hold.reference}): erasure is not owed "
        f"while it lasts (Art. 17(3)(e)); `registre holds lift {hold.key}` ends it"
    )


@app.command("rectify")
def rectify(
    policy: PolicyOption = None,
    subject: SubjectOption = None,
    batch: BatchOption = None,
    changes: Annotated[
        list[str] | None, typer.Option("--set", help="FIELD=VALUE, a declared personal field (repeatable).")
    ] = None,
    tenant: TenantOption = None,
    dry_run: DryRunOption = False,
    output_format: FormatOption = OutputFormat.text,
) -> None:
    """Set new values for declared personal fields, checked against their declaration."""
    tenant = check_tenant(tenant)
    checked = require_policy(policy)
    subjects = read_subjects(checked, subject, batch)
    fields = parse_changes(changes)
    if dry_run:
        print_planned(checked, "rectify", subjects, tenant, dt.date.today(), output_format, changes=fields)
        return
    with recorded_changes("request.data_changed", command="dsr rectify"):
        results = run_in_batches(
            subjects,
            lambda group, progress: execute_rectification(checked, group, fields, tenant=tenant, progress=progress),
        )
    print_changes(results, output_format)


@app.command("restrict")
def restrict(
    policy: PolicyOption = None,
    subject: SubjectOption = None,
    batch: BatchOption = None,
    lift: Annotated[bool, typer.Option("--lift", help="Lift the restriction instead of setting it.")] = False,
    reason: Annotated[
        str,
        typer.Option(
            "--reason",
            help="Why (the ground of Art. 18(1), a request's reference), kept with Registre's record of the "
            "restriction.",
        ),
    ] = "Art. 18(1)",
    tenant: TenantOption = None,
    dry_run: DryRunOption = False,
    output_format: FormatOption = OutputFormat.text,
) -> None:
    """Flag the subject's rows as restricted (Art. 18), or lift the flag."""
    tenant = check_tenant(tenant)
    checked = require_policy(policy)
    subjects = read_subjects(checked, subject, batch)
    if not reason.strip():
        fail("--reason is empty: say why the data are restricted", 2)
    if dry_run:
        print_planned(checked, "restrict", subjects, tenant, dt.date.today(), output_format, lift=lift)
        return
    with recorded_changes("request.data_changed", command="dsr restrict"):
        results = run_in_batches(
            subjects,
            lambda group, progress: execute_restriction(checked, group, lift=lift, tenant=tenant, progress=progress),
        )
    print_changes(results, output_format)
    record_restrictions_in_force(subjects, lift=lift, reason=reason.strip(), tenant=tenant)


# Input -----------------------------------------------------------------------


def read_subjects(policy: Policy, identities: list[str] | None, batch: Path | None) -> list[Subject]:
    """The subjects of the command: one from --subject, or many from --batch; usage errors exit 2."""
    if bool(identities) == (batch is not None):
        fail("give the subject's identities with --subject TYPE=VALUE, or a CSV file with --batch", 2)
    with handled_errors():
        subjects = [Subject.of(*identities)] if identities else read_batch(batch)  # type: ignore[arg-type]
        check_types(policy, subjects)
    return subjects


def read_batch(path: Path) -> list[Subject]:
    """Subjects from a CSV file whose header is `subject` then identity types."""
    if not path.is_file():
        fail(f"no batch file at {path}", 2)
    content = path.read_bytes()
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content.count(b"\n", 0, error.start) + 1
        fail(f"{path}:{line}: byte 0x{content[error.start]:02x} is not UTF-8: save the file as UTF-8", 2)
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [name.strip() for name in next(reader, [])]
    if not header or header[0] != "subject" or len(header) < 2:
        fail(f"{path}: the first line must be 'subject' then identity types (subject,email,phone)", 2)
    subjects = [_batch_subject(path, number, header, row) for number, row in enumerate(reader, 2) if any(row)]
    if not subjects:
        fail(f"{path}: no subject", 2)
    return subjects


def _batch_subject(path: Path, number: int, header: list[str], row: list[str]) -> Subject:
    reference = row[0].strip() if row else ""
    identities = [Identity(kind, value) for kind, value in zip(header[1:], row[1:], strict=False) if value.strip()]
    if not reference or not identities:
        fail(f"{path}:{number}: a subject needs a reference and at least one identity", 2)
    return Subject(reference, tuple(identities))


def check_types(policy: Policy, subjects: Sequence[Subject]) -> None:
    declared = identity_kinds(policy)
    unknown = sorted({t for subject in subjects for t in subject.types()} - set(declared))
    if unknown:
        fail(f"unknown identity type {', '.join(unknown)}; the policy declares: {', '.join(sorted(declared))}", 2)


def parse_changes(changes: list[str] | None) -> dict[str, object]:
    parsed: dict[str, object] = {}
    for change in changes or []:
        name, separator, value = change.partition("=")
        if not separator or not name.strip():
            fail(f"--set takes FIELD=VALUE, not {change!r}", 2)
        parsed[name.strip()] = value
    if not parsed:
        fail("give the new values with --set FIELD=VALUE", 2)
    return parsed


def check_tenant(tenant: str | None) -> str | None:
    """The tenant of the command; an empty or blank one is a usage error, never "no tenant"."""
    if tenant is not None and not tenant.strip():
        fail("--tenant is empty: give the client's tenant, or leave --tenant out for the company's own data", 2)
    return tenant


@contextmanager
def handled_errors() -> Iterator[None]:
    """Turn the engine's input errors into a message and exit code 2."""
    try:
        yield
    except (SubjectError, RectificationError, AnonymisationError) as error:
        fail(str(error), 2)


# Execution -------------------------------------------------------------------


def reports(result: AccessResult, subject: Subject, formats: Sequence[ReportFormat]) -> dict[str, Renderer]:
    """The human-readable answer (Art. 15) in `formats`, French and English; none for an incomplete result."""
    if not result.ok:
        return {}
    # The documents (Jinja2, Babel, the templates) are loaded when a report is written, not by every
    # `registre dsr` command: erase, rectify and restrict write none.
    from registre.core.documents.access_report import access_report_renderers

    return access_report_renderers(subject=subject, formats=[fmt.value for fmt in dict.fromkeys(formats)])


Result = TypeVar("Result")


def run_in_batches(
    subjects: list[Subject], run: Callable[[list[Subject], Callable[[str], None] | None], Result]
) -> list[Result]:
    """Run `run` on groups of BATCH_SIZE subjects, with a progress bar when there are several subjects."""
    groups = [subjects[start : start + BATCH_SIZE] for start in range(0, len(subjects), BATCH_SIZE)]
    if len(subjects) == 1:
        with handled_errors():
            return [run(groups[0], None)]
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    results = []
    with Progress(*columns, console=err, transient=True) as bar, handled_errors():
        task = bar.add_task("subjects", total=len(subjects))
        for group in groups:
            results.append(run(group, lambda step: bar.update(task, description=step)))
            bar.advance(task, len(group))
    return results


# Output ----------------------------------------------------------------------


def print_planned(
    policy: Policy,
    action: Action,
    subjects: list[Subject],
    tenant: str | None,
    today: dt.date,
    output_format: OutputFormat,
    **options: Any,
) -> None:
    with handled_errors():
        made = plan_request(policy, action, subjects, tenant=tenant, today=today, **options)
    print_plan(made, output_format)


def print_plan(made: Plan, output_format: OutputFormat) -> None:
    if output_format is OutputFormat.json:
        out.print(json.dumps(made.to_dict(), indent=2, ensure_ascii=False), markup=False)
    else:
        out.print(made.to_text(), markup=False, end="")
    if not made.ok:
        raise typer.Exit(1)


def print_access(results: dict[str, AccessResult], base: Path, output_format: OutputFormat) -> None:
    if output_format is OutputFormat.json:
        payload = {ref: result.to_dict() for ref, result in results.items()}
        out.print(json.dumps(payload if len(results) > 1 else next(iter(payload.values())), indent=2), markup=False)
        return
    table = _table("Access", "dataset", "rows")
    totals: dict[str, int] = {}
    for result in results.values():
        for dataset in result.datasets:
            totals[dataset.reference] = totals.get(dataset.reference, 0) + len(dataset.rows)
    for reference, rows in totals.items():
        table.add_row(reference, str(rows))
    out.print(table)
    _print_errors({system: error for result in results.values() for system, error in result.errors.items()}, "")
    err.print(f"wrote the bundle of {len(results)} subject(s) to {base}")


def print_erasure(results: list[ErasureResult], output_format: OutputFormat) -> None:
    if output_format is OutputFormat.json:
        payload = [result.to_dict() for result in results]
        out.print(json.dumps(payload[0] if len(payload) == 1 else payload, indent=2, ensure_ascii=False), markup=False)
        return
    table = _table("Erasure", "dataset", "deleted", "anonymised", "kept", "until", "why kept")
    merged: dict[str, list[int]] = {}
    reasons: dict[str, tuple[str, str]] = {}
    for dataset in (dataset for result in results for dataset in result.datasets):
        counts = merged.setdefault(dataset.reference, [0, 0, 0])
        for index, value in enumerate((dataset.deleted, dataset.anonymised, dataset.kept)):
            counts[index] += value
        held = [kept for kept in dataset.holds if kept.rows]
        if held:
            until = dataset.until.isoformat() if dataset.until else "no end"
            reasons[dataset.reference] = (until, "; ".join(kept.rule.describe(None) for kept in held))
    for reference, (deleted, anonymised, kept) in merged.items():
        until, why = reasons.get(reference, ("", ""))
        table.add_row(reference, str(deleted), str(anonymised), str(kept), until, why)
    out.print(table)
    erased = sum(result.erased for result in results)
    out.print("nothing remained to erase" if erased == 0 else f"{erased} row(s) erased")
    _print_errors({s.system: s.error for result in results for s in result.systems if s.error})


def print_changes(results: list[ChangeResult], output_format: OutputFormat) -> None:
    if output_format is OutputFormat.json:
        payload = [result.to_dict() for result in results]
        out.print(json.dumps(payload[0] if len(payload) == 1 else payload, indent=2, ensure_ascii=False), markup=False)
    else:
        table = _table(results[0].action.capitalize(), "dataset", "changed", "note")
        merged: dict[str, tuple[int, str]] = {}
        for dataset in (dataset for result in results for dataset in result.datasets):
            changed, _ = merged.get(dataset.reference, (0, ""))
            note = dataset.note + f" ({dataset.rows} rows)" if dataset.note else ""
            merged[dataset.reference] = (changed + dataset.changed, note)
        for reference, (changed, note) in merged.items():
            table.add_row(reference, str(changed), note)
        out.print(table)
        _print_errors({s.system: s.error for result in results for s in result.systems if s.error})
    if any(not result.ok for result in results):
        raise typer.Exit(1)


def _table(title: str, *columns: str) -> Table:
    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column, justify="right" if column in NUMERIC_COLUMNS else "left")
    return table


def _print_errors(errors: dict[str, str | None], note: str = ROLLED_BACK) -> None:
    for system, error in errors.items():
        err.print(f"[bold red]error:[/] system {system}: {error}{note}", highlight=False)
