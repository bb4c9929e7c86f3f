"""`registre audit verify|export`: check the hash chain of the audit log, export it as CSV."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from registre.cli import web
from registre.cli.console import err, fail, out

app = typer.Typer(help="The audit log: verify its hash chain, export it.", no_args_is_help=True)


@app.command("verify")
def verify() -> None:
    """Check every entry of the audit log; print each modified, inserted or deleted entry and exit 1."""
    problems = web.verify_audit()
    if problems:
        for problem in problems:
            err.print(f"[bold red]tampered:[/] {problem}")
        fail(f"the audit log is not intact: {len(problems)} problem(s)")
    out.print(f"OK: {web.audit_size()} audit entries, chain intact")


@app.command("export")
def export(
    output: Annotated[Path, typer.Option("--output", "-o", help="The CSV file to write.")],
) -> None:
    """Write the whole audit log, in order, to a CSV file (with each entry's hashes, to verify elsewhere)."""
    if output.is_dir():
        output = output / "registre-audit.csv"
    output.parent.mkdir(parents=True, exist_ok=True)
    count = web.export_audit(output)
    err.print(f"wrote {count} entries to {output}")
