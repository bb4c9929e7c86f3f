"""`registre check`: validate the policy and report every problem at once."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

import typer

from registre.cli.console import PolicyOption, err, load_checked, out, print_diagnostics
from registre.core.policy.diagnostics import Diagnostic, diagnostics_to_json
from registre.core.policy.loader import LoadedPolicy
from registre.core.retention.coverage import retention_coverage


class CheckFormat(StrEnum):
    text = "text"
    json = "json"


def check(
    policy: PolicyOption = None,
    strict: Annotated[bool, typer.Option("--strict", help="Treat warnings as errors.")] = False,
    output_format: Annotated[
        CheckFormat, typer.Option("--format", "-f", help="text (file:line:col: severity: message) or json.")
    ] = CheckFormat.text,
    live: Annotated[
        bool,
        typer.Option("--live", help="Also read the databases: rows that no retention sweep can ever reach (warnings)."),
    ] = False,
) -> None:
    """Check the policy's syntax and meaning; exit 1 on errors (and on warnings with --strict)."""
    loaded = load_checked(policy)
    if live and loaded.policy is not None and not loaded.errors:
        loaded.diagnostics.extend(live_diagnostics(loaded))
    if output_format is CheckFormat.json:
        out.print(diagnostics_to_json(loaded.diagnostics), markup=False)
    else:
        print_diagnostics(loaded.diagnostics)
        errors, warnings = len(loaded.errors), len(loaded.warnings)
        files = ", ".join(str(path) for path in loaded.files)
        if errors or warnings:
            err.print(f"{errors} error(s), {warnings} warning(s) in {files}")
        else:
            err.print(f"[green]ok[/]: {files}")
    if loaded.errors or (strict and loaded.warnings):
        raise typer.Exit(1)


def live_diagnostics(loaded: LoadedPolicy) -> list[Diagnostic]:
    """Warnings found on the live databases, positioned at the dataset (or system) they concern."""
    assert loaded.policy is not None
    found = retention_coverage(loaded.policy, as_of=dt.date.today())
    return [
        Diagnostic(
            loaded.source_map.locate(
                ("systems", *finding.dataset.split(".")[:1], "datasets", *finding.dataset.split(".")[1:])
            ),
            "warning",
            finding.message,
            "retention",
        )
        for finding in found
    ]
