"""`registre diff OLD NEW`: what changed between two versions of the policy, and what it obliges."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from registre.cli.console import LangOption, Language, fail, out, require_policy
from registre.core.policy.diff import diff_policies


class DiffFormat(StrEnum):
    text = "text"
    json = "json"


def diff(
    old: Annotated[
        str, typer.Argument(help="The policy in force: a file, or REV:PATH for a git revision.", show_default=False)
    ],
    new: Annotated[
        str, typer.Argument(help="The new version: a file, or REV:PATH for a git revision.", show_default=False)
    ],
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
    """List the changes between two policies and the notices each change requires.

    `registre diff HEAD~1:registre.yaml registre.yaml` compares the last committed
    version with the working copy (the files it includes are taken at the same revision).
    """
    with ExitStack() as stack:
        old_policy = require_policy(stack.enter_context(policy_version(old)))
        new_policy = require_policy(stack.enter_context(policy_version(new)))
    result = diff_policies(old_policy, new_policy, effective=effective.date() if effective else None)
    if output_format is DiffFormat.json:
        out.print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False, default=str), markup=False)
    else:
        out.print(result.to_text(lang.value), markup=False)  # type: ignore[arg-type]
    if exit_code and result.obligations:
        raise typer.Exit(3)


@contextmanager
def policy_version(spec: str) -> Iterator[Path]:
    """A policy file: `spec` itself, or the tree of `REV:PATH` checked out from git into a temporary folder."""
    if Path(spec).exists() or ":" not in spec:
        yield Path(spec)
        return
    revision, _, path = spec.partition(":")
    folder = Path(path).parent
    archive = subprocess.run(
        ["git", "archive", "--format=tar", revision, "--", str(folder) if str(folder) != "." else "."],
        capture_output=True,
        check=False,
    )
    if archive.returncode != 0:
        fail(f"cannot read {path} at git revision {revision}: {archive.stderr.decode(errors='replace').strip()}")
    with tempfile.TemporaryDirectory(prefix="registre-diff-") as tree:
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as bundle:
            bundle.extractall(tree, filter="data")
        yield Path(tree) / path
