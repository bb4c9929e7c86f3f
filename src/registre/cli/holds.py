"""`registre holds list|place|lift`: the case holds of the application database, from the command line.

A case hold keeps a subject's rows (every identity of theirs), a client
tenant's, or both, out of retention sweeps, erasure and tenant deletion
until it is lifted (Art. 17(3)(e): data needed for legal claims). Placing
and lifting are recorded in the audit log, as in the console.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.table import Table

from registre.cli import web
from registre.cli.console import err, fail, out

app = typer.Typer(help="Case holds: rows kept for a litigation or an authority, until lifted.", no_args_is_help=True)


@app.callback()
def holds() -> None:
    """Case holds: rows kept for a litigation or an authority, until lifted."""


@app.command("list")
def list_holds(
    lifted: Annotated[bool, typer.Option("--all", help="Also the holds already lifted.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="JSON on standard output.")] = False,
) -> None:
    """List the case holds in force (identity values are never shown: only their types)."""
    found = web.list_case_holds(lifted=lifted)
    if as_json:
        out.print(json.dumps(found, indent=2, ensure_ascii=False), markup=False)
        return
    table = Table(title="Case holds", title_justify="left")
    for column in ("id", "reference", "reason", "subject", "tenant", "placed", "lifted"):
        table.add_column(column)
    for hold in found:
        table.add_row(*_cells(hold))
    out.print(table)


def _cells(hold: dict[str, Any]) -> list[str]:
    subject = ", ".join(hold["identity_types"]) or "-"
    return [str(hold["id"]), hold["reference"], hold["reason"], subject, hold["tenant"] or "-",
            hold["placed_at"], hold["lifted_at"] or "-"]  # fmt: skip


@app.command("place")
def place(
    reference: Annotated[str, typer.Option("--reference", help="The case's reference (a file number).")],
    subject: Annotated[
        list[str] | None,
        typer.Option("--subject", help="An identity of the subject, TYPE=VALUE (repeatable: all of them count)."),
    ] = None,
    tenant: Annotated[str, typer.Option("--tenant", help="A client tenant (alone, or with --subject).")] = "",
    reason: Annotated[
        str, typer.Option("--reason", help="litigation, authority, investigation or other.")
    ] = "litigation",
) -> None:
    """Place a case hold on a subject, a client tenant, or both; audited."""
    identities = []
    for text in subject or []:
        kind, separator, value = text.partition("=")
        if not separator or not kind.strip() or not value.strip():
            fail(f"--subject takes TYPE=VALUE (email=ada@example.org), not {text!r}", 2)
        identities.append((kind.strip(), value.strip()))
    if not identities and not tenant.strip():
        fail("a case hold names a subject (--subject), a client tenant (--tenant), or both", 2)
    try:
        number = web.place_case_hold(reason=reason, reference=reference, identities=identities, tenant=tenant.strip())
    except ValueError as error:
        fail(str(error), 2)
    out.print(f"case hold {number} placed ({reference})")


@app.command("lift")
def lift(number: Annotated[int, typer.Argument(metavar="ID", help="The hold's number (registre holds list).")]) -> None:
    """Lift a case hold: the next sweep treats the rows it kept as any other; audited."""
    try:
        lifted = web.lift_case_hold(number)
    except LookupError as error:
        fail(str(error))
    out.print(f"case hold {number} lifted" if lifted else f"case hold {number} was already lifted")


def record_restrictions_in_force(subjects: list[Any], *, lift: bool, reason: str, tenant: str | None) -> None:
    """Keep Registre's record of the subjects' restriction in the application database, where holds are read.

    A dataset without a flag column is restricted only through that record: erasures and sweeps leave
    its rows alone while it lasts. It goes where the command's audit entries went (REGISTRE_DATABASE_URL,
    or the default application database); a program that embeds Registre with its own trail may have none.
    """
    if not web.application_database_exists():
        err.print(
            "[dim]note: datasets without a flag column are restricted only through Registre's record, kept in "
            "the application database: there is none here (run registre migrate, or set REGISTRE_DATABASE_URL)"
            "[/dim]"
        )
        return
    changed = web.record_restrictions(subjects, lift=lift, reason=reason, tenant=tenant)
    err.print(f"restriction {'lifted' if lift else 'recorded'} for {changed} subject(s) in the application database")


def case_holds_in_force() -> list[Any]:
    """The holds in force in the application database (configured, or the default one when it exists)."""
    if not web.application_database_exists():
        return []
    return web.active_case_holds()
