"""`registre scan`: find personal data the policy does not declare, in database columns or in a text."""

from __future__ import annotations

import datetime as dt
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from registre.cli.console import PolicyOption, err, fail, out, require_policy
from registre.core.discovery import ColumnFinding, ScanReport, scan_database, scan_policy, scan_text
from registre.core.discovery.scan import DEFAULT_ROWS, save_last_scan
from registre.core.policy import resolve_policy_path
from registre.core.sources import SourceError, create_engine_for_url, describe_error


class ScanFormat(StrEnum):
    text = "text"
    json = "json"
    yaml = "yaml"


def scan(
    policy: PolicyOption = None,
    url: Annotated[
        str | None,
        typer.Option("--url", help="Scan this SQLAlchemy URL instead of the policy's systems.", show_default=False),
    ] = None,
    system: Annotated[
        list[str] | None,
        typer.Option("--system", "-s", help="Only this system of the policy (repeatable).", show_default=False),
    ] = None,
    rows: Annotated[int, typer.Option("--rows", min=1, max=100_000, help="Rows sampled per table.")] = DEFAULT_ROWS,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the sample (same seed, same rows).")] = 0,
    text: Annotated[
        Path | None,
        typer.Option("--text", help="Scan this text file ('-' for standard input) instead.", show_default=False),
    ] = None,
    show_values: Annotated[
        bool, typer.Option("--show-values", help="With --text, print the matched text of each span.")
    ] = False,
    output_format: Annotated[ScanFormat, typer.Option("--format", "-f", help="text, json or yaml.")] = ScanFormat.text,
) -> None:
    """Find personal data: every column's verdict, category and evidence, compared with the policy.

    Exits 1 when personal columns are undeclared or declared columns contradict their category.
    """
    if text is not None:
        _scan_text_file(text, show_values, output_format)
        return
    try:
        report = _scan_url(url, rows, seed) if url else _scan_policy(policy, system, rows, seed)
    except SourceError as error:
        fail(str(error))
    if url is None and not system:
        save_last_scan(report, resolve_policy_path(policy), dt.datetime.now(dt.UTC))
    if output_format is ScanFormat.json:
        out.print(json.dumps(report.to_dict(), indent=2, ensure_ascii=False), markup=False)
    elif output_format is ScanFormat.yaml:
        out.print(report.snippet() or "# nothing undeclared\n", markup=False, end="")
    else:
        _print_report(report, compared=url is None)
    if url is None and (report.undeclared or report.contradicted):
        raise typer.Exit(1)


def _scan_policy(policy_path: Path | None, systems: list[str] | None, rows: int, seed: int) -> ScanReport:
    checked = require_policy(policy_path)
    unknown = sorted(set(systems or ()) - set(checked.systems))
    if unknown:
        raise typer.BadParameter(f"no system named {', '.join(unknown)}", param_hint="--system")
    with err.status("scanning") as status:
        return scan_policy(
            checked, systems=systems, rows=rows, seed=seed, progress=lambda table: status.update(f"scanning {table}")
        )


def _scan_url(url: str, rows: int, seed: int) -> ScanReport:
    engine = create_engine_for_url(url, read_only=True)
    try:
        with err.status("scanning") as status:
            return scan_database(engine, rows=rows, seed=seed, progress=lambda t: status.update(f"scanning {t}"))
    except Exception as error:
        if isinstance(error, typer.Exit):
            raise
        fail(describe_error(error, url))
    finally:
        engine.dispose()


def _scan_text_file(path: Path, show_values: bool, output_format: ScanFormat) -> None:
    if str(path) == "-":
        content = sys.stdin.buffer.read().decode("utf-8", errors="replace")
    else:
        try:
            content = path.read_bytes().decode("utf-8", errors="replace")
        except OSError as error:
            fail(f"cannot read {path}: {error.strerror}")
    spans = scan_text(content)
    rows = [
        {"start": span.start, "end": span.end, "kind": span.kind, "category": span.category}
        | ({"text": span.of(content)} if show_values else {})
        for span in spans
    ]
    if output_format is not ScanFormat.text:
        out.print(json.dumps(rows, indent=2, ensure_ascii=False), markup=False)
        return
    table = Table(title=f"{len(rows)} span(s) of personal data", title_justify="left")
    for column in ("start", "end", "kind", "category", *(("text",) if show_values else ())):
        table.add_column(column)
    for row in rows:
        table.add_row(*(str(value) for value in row.values()))
    out.print(table)


def _print_report(report: ScanReport, *, compared: bool) -> None:
    table = Table(title=f"{len(report.personal)} personal column(s) found", title_justify="left")
    for column in ("system", "table", "column", "type", "category", "confidence", "evidence", "policy"):
        table.add_column(column)
    for finding in report.findings:
        if finding.verdict.personal or finding.contradicted:
            table.add_row(
                finding.system,
                finding.table,
                finding.column,
                finding.sql_type,
                finding.verdict.category or "",
                f"{finding.verdict.confidence:.2f}",
                _evidence(finding),
                _status(finding) if compared else "",
            )
    out.print(table)
    for name, why in report.skipped.items():
        err.print(f"[yellow]skipped {name}: {why}[/]")
    if compared and report.undeclared:
        out.print("\nDeclare them in the policy (paste under the systems):\n", markup=False)
        out.print(report.snippet(), markup=False)
    out.print(f"{len(report.findings)} column(s) scanned in {report.seconds:.1f} s", markup=False)


def _evidence(finding: ColumnFinding) -> str:
    verdict = finding.verdict
    counts = ", ".join(f"{kind} {count}/{verdict.sampled}" for kind, count in sorted(verdict.counts.items()))
    named = f"; name says {verdict.name_says}" if verdict.name_says else ""
    return (counts or "no value matched") + named


def _status(finding: ColumnFinding) -> str:
    if finding.contradicted:
        return f"declared {finding.declared}: values disagree"
    if finding.undeclared:
        return "undeclared"
    return "declared"
