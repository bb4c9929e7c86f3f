"""`registre notices campaign|settle|status`: sub-processor changes put to the clients, from the command line.

A campaign takes two versions of the policy, as `registre diff` does (files, or
REV:PATH for a git revision), and e-mails each client concerned its notice with
a signed link to object or consent. Its records live in the application
database (REGISTRE_DATABASE_URL), as in the console.
"""

from __future__ import annotations

import datetime as dt
import json
from contextlib import ExitStack
from typing import Annotated, Any

import typer
from rich.table import Table

from registre.cli import web
from registre.cli.console import fail, out, require_policy
from registre.cli.diff import policy_version

app = typer.Typer(
    help="Sub-processor notices: tell the clients of a change, record their answers.", no_args_is_help=True
)


@app.callback()
def notices() -> None:
    """Sub-processor notices: tell the clients of a change, record their answers."""


@app.command("campaign")
def campaign(
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
    allow_late: Annotated[
        bool, typer.Option("--allow-late", help="Send the late notices too, flagged; their window then runs in full.")
    ] = False,
) -> None:
    """E-mail each client concerned by a sub-processor change its notice, with a link to object or consent."""
    with ExitStack() as stack:
        old_policy = require_policy(stack.enter_context(policy_version(old)))
        new_policy = require_policy(stack.enter_context(policy_version(new)))
    try:
        opened = web.open_notice_campaign(
            old_policy,
            new_policy,
            old_label=old,
            new_label=new,
            effective=effective.date() if effective else None,
            allow_late=allow_late,
        )
    except ValueError as error:
        fail(str(error))
    out.print(f"campaign {opened['reference']}, effective {opened['effective']}", markup=False)
    _print_notices(opened)


@app.command("settle")
def settle() -> None:
    """Record what silence means for each notice whose window has passed: acceptance, or a refusal of consent."""
    out.print(f"settled: {web.settle_change_notices()} notice(s)", markup=False)


@app.command("status")
def status(
    reference: Annotated[str, typer.Argument(help="The campaign's reference, N-YYYY-NNNN.", show_default=False)],
    as_json: Annotated[bool, typer.Option("--json", help="JSON on standard output.")] = False,
) -> None:
    """Show where each client of a campaign stands."""
    try:
        found = web.notice_campaign(reference)
    except LookupError as error:
        fail(str(error))
    if as_json:
        out.print(json.dumps(found, indent=2, ensure_ascii=False), markup=False)
        return
    out.print(f"campaign {found['reference']}, effective {found['effective']}", markup=False)
    _print_notices(found)


def _print_notices(found: dict[str, Any]) -> None:
    table = Table(title_justify="left")
    for column in ("client", "terms", "send by", "sent", "late", "closes", "outcome"):
        table.add_column(column)
    for notice in found["notices"]:
        table.add_row(
            notice["client"],
            notice["terms"],
            notice["send_by"],
            notice["sent_at"] or "-",
            "late" if notice["late"] else "",
            notice["closes"] or "-",
            notice["outcome"],
        )
    out.print(table)
