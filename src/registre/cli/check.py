"""`registre check`: validate the policy and report every problem at once."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from registre.cli.console import PolicyOption, err, load_checked, out, print_diagnostics
from registre.core.policy.diagnostics import diagnostics_to_json


class CheckFormat(StrEnum):
    text = "text"
    json = "json"


def check(
    policy: PolicyOption = None,
    strict: Annotated[bool, typer.Option("--strict", help="Treat warnings as errors.")] = False,
    output_format: Annotated[
        CheckFormat, typer.Option("--format", "-f", help="text (file:line:col: severity: message) or json.")
    ] = CheckFormat.text,
) -> None:
    """Check the policy's syntax and meaning; exit 1 on errors (and on warnings with --strict)."""
    loaded = load_checked(policy)
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
