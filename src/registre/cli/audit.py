"""`registre audit verify|export|anchor`: check the hash chain of the audit log, export it, publish its head."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from registre.cli import web
from registre.cli.console import err, fail, out
from registre.core.documents.package import verify_package

app = typer.Typer(help="The audit log: verify its hash chain, export it.", no_args_is_help=True)


@app.command("verify")
def verify(
    anchor: Annotated[
        Path | None,
        typer.Option("--anchor", help="A file of anchors (registre audit anchor): the log must still hold each."),
    ] = None,
) -> None:
    """Check every entry of the audit log; print each modified, inserted or deleted entry and exit 1."""
    if anchor is not None and not anchor.is_file():
        fail(f"no anchor file at {anchor}", 2)
    problems = web.verify_audit(anchor)
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


@app.command("anchor")
def anchor(
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Append the anchor to this file (keep it off the database's storage)."),
    ] = None,
    email: Annotated[
        list[str] | None, typer.Option("--email", help="Also e-mail it to this address, the DPO's (repeatable).")
    ] = None,
) -> None:
    """Publish the head of the audit log (sequence and hash, signed with the instance key) outside the database."""
    line = web.anchor_audit(output, email or [])
    if output is None:
        out.print(line, markup=False)
    else:
        err.print(f"appended the anchor to {output}")


@app.command("package")
def package(
    output: Annotated[Path, typer.Option("--output", "-o", help="The ZIP file to write.")],
    client: Annotated[
        str | None, typer.Option("--client", help="The tenant of the client it is for (default: the authority).")
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help="The language of the documents: fr or en.")] = "fr",
) -> None:
    """Write the signed audit package: registers, notice, annex, policy, staff, breaches, DPIAs, certificates, log."""
    if lang not in ("fr", "en"):
        fail(f"unknown language {lang!r}: choose fr or en")
    if output.is_dir():
        output = output / "registre-audit-package.zip"
    output.parent.mkdir(parents=True, exist_ok=True)
    try:
        count = web.audit_package(output, lang=lang, tenant=client)
    except ValueError as error:
        fail(str(error))
    err.print(f"wrote {count} files to {output}")


@app.command("verify-package")
def verify_package_command(
    path: Annotated[Path, typer.Argument(help="The ZIP file of an audit package.")],
    certificate: Annotated[
        Path | None, typer.Option("--certificate", help="The organisation's certificate (PEM) to trust.")
    ] = None,
) -> None:
    """Check the package's signature and every file against its manifest; exit 1 on any difference."""
    if not path.is_file():
        fail(f"{path}: no such file")
    problems = verify_package(path.read_bytes(), certificate.read_bytes() if certificate else None)
    if problems:
        for problem in problems:
            err.print(f"[bold red]tampered:[/] {problem}")
        fail(f"the package does not verify: {len(problems)} problem(s)")
    out.print(f"OK: {path} verifies")
