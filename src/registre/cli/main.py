"""The `registre` command: one sub-command per task, each taking --policy."""

from __future__ import annotations

from typing import Annotated

import typer

from registre import __version__
from registre.cli import (
    audit,
    check,
    clients,
    datamap,
    demo,
    diff,
    documents,
    dsr,
    holds,
    keys,
    retention,
    serve,
    staff,
    worker,
)

app = typer.Typer(
    name="registre",
    help="Registre: one privacy policy drives the register, notices, rights requests and retention.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.command("check")(check.check)
app.command("ropa")(documents.ropa)
app.command("notice")(documents.notice)
app.command("subprocessors")(documents.subprocessors)
app.command("diff")(diff.diff)
app.command("map")(datamap.map_systems)
app.command("demo")(demo.demo)
app.command("serve")(serve.serve)
app.command("migrate")(serve.migrate)
app.command("worker")(worker.worker)
app.add_typer(dsr.app, name="dsr")
app.add_typer(retention.app, name="retention")
app.add_typer(clients.app, name="clients")
app.add_typer(audit.app, name="audit")
app.add_typer(keys.app, name="keys")
app.add_typer(staff.app, name="staff")
app.add_typer(holds.app, name="holds")


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"registre {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_show_version, is_eager=True, help="Show the version and exit."),
    ] = False,
) -> None:
    """Registre: privacy promises made executable."""
