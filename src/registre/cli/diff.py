"""`registre diff OLD NEW`: what changed between two versions of the policy, and what it obliges."""

from __future__ import annotations

import datetime as dt
import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from registre.cli.console import LangOption, Language, out, require_policy
from registre.core.policy.diff import diff_policies


class DiffFormat(StrEnum):
    text = "text"
    json = "json"


def diff(
    old: Annotated[Path, typer.Argument(help="The policy in force (file).", show_default=False)],
    new: Annotated[Path, typer.Argument(help="The new version of the policy (file).", show_default=False)],
    effective: Annotated[
        dt.datetime | None,
        typer.Option("--effective", formats=["%Y-%m-%d"], help="When NEW takes effect (default: its effective: date)."),
    ] = None,
    output_format: Annotated[DiffFormat, typer.Option("--format", "-f", help="text or json.")] = DiffFormat.text,
    lang: LangOption = Language.en,
    exit_code: Annotated[
        bool, typer.Option("--exit-code", help="Exit 3 when the change triggers obligations (for CI).")
    ] = False,
) -> None:
    """List the changes between two policies and the notices each change requires."""
    result = diff_policies(require_policy(old), require_policy(new), effective=effective.date() if effective else None)
    if output_format is DiffFormat.json:
        out.print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False, default=str), markup=False)
    else:
        out.print(result.to_text(lang.value), markup=False)  # type: ignore[arg-type]
    if exit_code and result.obligations:
        raise typer.Exit(3)
