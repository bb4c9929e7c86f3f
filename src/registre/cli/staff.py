"""`registre staff create`: staff accounts of the console, with a role."""

from __future__ import annotations

from typing import Annotated

import typer

from registre.cli import web
from registre.cli.console import err, fail, out

app = typer.Typer(help="Staff of the console.", no_args_is_help=True)
ROLES = ("administrator", "dpo", "agent", "auditor")


@app.command("create")
def create(
    email: Annotated[str, typer.Option("--email", help="Their email address.")],
    role: Annotated[str, typer.Option("--role", help=f"One of {', '.join(ROLES)}.")],
    username: Annotated[
        str | None, typer.Option("--username", help="Login name (default: the email).", show_default=False)
    ] = None,
    activity: Annotated[
        list[str] | None, typer.Option("--activity", help="Limit to this policy activity (repeatable).")
    ] = None,
    client: Annotated[list[str] | None, typer.Option("--client", help="Limit to this client (repeatable).")] = None,
) -> None:
    """Create a staff member and print their generated password, once."""
    if role not in ROLES:
        fail(f"unknown role {role!r}: choose one of {', '.join(ROLES)}", 2)
    try:
        name, password = web.create_staff(
            email, role, username=username, activities=activity or [], clients=client or []
        )
    except ValueError as error:
        fail(str(error))
    out.print(f"username: {name}")
    out.print(f"password: {password}")
    err.print("The password is shown only this once; they can change it after logging in.")
