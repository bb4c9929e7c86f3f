"""`registre retention`: what is due on a given day, and the sweep that deletes or anonymises it.

`plan` counts, per dataset, the rows due now, held, and coming due, with
the rules that decide; it changes nothing. `run` shows what is due, asks
for confirmation (unless `--yes`), then sweeps in batches with a progress
bar and ends with a summary table; `--dry-run` prints the counts only.
Both respect the case holds in force in the application database when
`REGISTRE_DATABASE_URL` is set (`registre holds`).
"""

from __future__ import annotations

import datetime as dt
import json
from enum import StrEnum
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
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
from registre.cli.holds import case_holds_in_force
from registre.cli.web import recorded_changes
from registre.core.engine import SubjectError
from registre.core.policy import Policy
from registre.core.retention import (
    DEFAULT_BATCH_SIZE,
    RetentionPlan,
    RetentionRun,
    SweepBatch,
    plan_retention,
    planned_run,
    run_retention,
)

app = typer.Typer(
    name="retention",
    help="Retention: the rows every purpose has let go, and sweeps that delete or anonymise them.",
    no_args_is_help=True,
)


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


AsOfOption = Annotated[
    str | None,
    typer.Option("--as-of", help="The day retention is counted to (YYYY-MM-DD). Default: today.", show_default=False),
]
SystemOption = Annotated[
    list[str] | None,
    typer.Option("--system", "-s", help="Only this system (repeatable).", show_default=False),
]
FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help="text or json.")]


@app.command("plan")
def plan(
    policy: PolicyOption = None,
    as_of: AsOfOption = None,
    system: SystemOption = None,
    output_format: FormatOption = OutputFormat.text,
) -> None:
    """Show, per dataset, the rows due now, held and coming due, and the rules that decide; change nothing."""
    checked = require_policy(policy)
    found = planned(checked, parse_as_of(as_of), system)
    if output_format is OutputFormat.json:
        out.print(json.dumps(found.to_dict(), indent=2, ensure_ascii=False), markup=False)
    else:
        out.print(found.to_text(), markup=False, end="")
    if not found.ok:
        raise typer.Exit(1)


@app.command("run")
def run(
    policy: PolicyOption = None,
    as_of: AsOfOption = None,
    system: SystemOption = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print what is due; change nothing.")] = False,
    batch_size: Annotated[
        int, typer.Option("--batch-size", min=1, help="Rows per batch; each batch is committed.")
    ] = DEFAULT_BATCH_SIZE,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    allow_future_date: AllowFutureOption = False,
    output_format: FormatOption = OutputFormat.text,
) -> None:
    """Delete or anonymise every row due, in batches committed one by one; a re-run finishes an interrupted sweep.

    Without --yes, the plan is shown first and confirmed; with --yes (a scheduled sweep), no plan is counted.
    """
    checked = require_policy(policy)
    day = parse_as_of(as_of)
    if not dry_run:
        refuse_future_day(day, "--as-of", allow_future_date)
    due = None
    if dry_run or not yes:
        found = planned(checked, day, system)
        if dry_run:
            print_run(planned_run(found, batch_size), output_format)
            raise typer.Exit(0 if found.ok else 1)
        due = found.total("delete") + found.total("anonymise")
        out.print(due_table(found))
        if not due:
            out.print(f"Nothing is due as of {day}.")
            raise typer.Exit(0 if found.ok else 1)
        future = " (a day in the future)" if day > dt.date.today() else ""
        question = (
            f"Delete {found.total('delete'):,} rows and anonymise {found.total('anonymise'):,} as of {day}{future}?"
        )
        typer.confirm(question, abort=True, err=True)
    with recorded_changes("retention.data_changed", command="retention run", as_of=day.isoformat()):
        result = sweep(checked, day, system, batch_size, due)
    print_run(result, output_format)
    if not result.ok:
        raise typer.Exit(1)


def parse_as_of(text: str | None) -> dt.date:
    return parse_day(text, "--as-of")


def planned(policy: Policy, day: dt.date, systems: list[str] | None) -> RetentionPlan:
    """The plan, or exit 2 for an unknown system."""
    try:
        return plan_retention(policy, as_of=day, systems=systems, case_holds=case_holds_in_force())
    except (ValueError, SubjectError) as error:
        fail(str(error), 2)


def sweep(policy: Policy, day: dt.date, systems: list[str] | None, batch_size: int, due: int | None) -> RetentionRun:
    """Run the sweep with a progress bar on standard error: over the rows the plan found due, else open-ended."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task("sweeping", total=due)

        def advance(batch: SweepBatch) -> None:
            bar.update(task, description=f"{batch.system}.{batch.dataset}")
            bar.advance(task, batch.deleted + batch.anonymised)

        try:
            holds = case_holds_in_force()
            return run_retention(
                policy, as_of=day, batch_size=batch_size, systems=systems, progress=advance, case_holds=holds
            )
        except (ValueError, SubjectError) as error:
            fail(str(error), 2)


def due_table(found: RetentionPlan) -> Table:
    table = Table(title=f"Due on {found.as_of}", title_justify="left")
    for column in ("dataset", "delete", "anonymise", "held by law", "held by case"):
        table.add_column(column, justify="left" if column == "dataset" else "right")
    for dataset in found.datasets:
        figures = dataset.figures
        if dataset.due or figures.held_legal or figures.held_case:
            numbers = (figures.delete, figures.anonymise, figures.held_legal, figures.held_case)
            table.add_row(dataset.reference, *(f"{number:,}" for number in numbers))
    return table


def print_run(result: RetentionRun, output_format: OutputFormat) -> None:
    if output_format is OutputFormat.json:
        out.print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False), markup=False)
        return
    title = "Dry run" if result.dry_run else f"Swept in {result.seconds:.1f} s"
    table = Table(title=f"{title} as of {result.as_of}", title_justify="left")
    done = ("would delete", "would anonymise") if result.dry_run else ("deleted", "anonymised")
    for column in ("dataset", *done, "batches"):
        table.add_column(column, justify="left" if column == "dataset" else "right")
    for dataset in result.datasets:
        if dataset.deleted or dataset.anonymised:
            numbers = (dataset.deleted, dataset.anonymised, dataset.batches)
            table.add_row(dataset.reference, *(f"{number:,}" for number in numbers))
    table.add_row("total", f"{result.deleted:,}", f"{result.anonymised:,}", "", style="bold")
    out.print(table)
    for system in result.systems:
        if system.error:
            err.print(f"[bold red]error:[/] {system.system}: {system.error}")
    for failure in result.failures:
        err.print(f"[bold red]refused:[/] {failure.describe()}", markup=True, highlight=False)
