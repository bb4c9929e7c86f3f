"""`registre clients offboard`: end a client's contract, export its data, delete it, certify the deletion."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from registre.cli import web
from registre.cli.console import fail, out

app = typer.Typer(help="Clients of the processor: the end of their contract.", no_args_is_help=True)


@app.callback()
def clients() -> None:
    """Clients of the processor: the end of their contract."""


@app.command("offboard")
def offboard(
    client_id: Annotated[int, typer.Argument(metavar="ID", help="The client's number (in the console's address).")],
    contract_end: Annotated[
        str | None,
        typer.Option("--contract-end", metavar="DATE", help="The contract's last day, YYYY-MM-DD (default: today)."),
    ] = None,
    now: Annotated[
        bool, typer.Option("--now", help="Export and delete here and now, without waiting for the worker.")
    ] = False,
) -> None:
    """End the contract: the export is sent to the client's contact, the deletion scheduled (or run with --now)."""
    try:
        end = dt.date.fromisoformat(contract_end) if contract_end else None
    except ValueError:
        fail(f"--contract-end: not a date (YYYY-MM-DD): {contract_end!r}", 2)
    try:
        outcome = web.offboard_client(client_id, contract_end=end, now=now)
    except (LookupError, ValueError) as error:
        fail(str(error))
    out.print(f"client: {outcome['client']} (tenant {outcome['tenant']})")
    if now:
        out.print(f"exported: {outcome['exported_rows']} row(s); deleted: {outcome['deleted']} row(s)")
        out.print(f"audit hash: {outcome['audit_hash']}")
    else:
        out.print(f"export: sent by the worker; deletion scheduled for {outcome['deletion_due']}")
