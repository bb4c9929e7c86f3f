"""`registre policy publish|versions`: each applied policy becomes a version with its effective date and revision.

Publishing records the policy in the application database (REGISTRE_DATABASE_URL):
the portal then serves its notice from its effective date (`/privacy/notice/?at=DATE`
for any date), staff keep its register and annex, and the changes that the data
subjects must hear of beforehand are announced on the portal and e-mailed to the list given.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from registre.cli import web
from registre.cli.console import PolicyOption, fail, out, require_policy, resolve_policy_path

app = typer.Typer(help="Policy versions: publish the policy in force, list the versions.", no_args_is_help=True)


@app.callback()
def policy() -> None:
    """Policy versions: publish the policy in force, list the versions."""


@app.command("publish")
def publish(
    policy_path: PolicyOption = None,
    effective: Annotated[
        dt.datetime | None,
        typer.Option("--effective", formats=["%Y-%m-%d"], help="When it takes effect (default: its effective: date)."),
    ] = None,
    revision: Annotated[
        str | None,
        typer.Option("--revision", help="Its git revision (default: the commit of the policy's folder, if any)."),
    ] = None,
    announce_to: Annotated[
        Path | None,
        typer.Option("--announce-to", help="A file of e-mail addresses, one a line, to tell of the changes."),
    ] = None,
) -> None:
    """Publish the policy as a version: its notice, register and annex stay available; changes are announced."""
    path = resolve_policy_path(policy_path)
    checked = require_policy(path)
    recipients = _addresses(announce_to) if announce_to is not None else []
    found = web.publish_policy_version(
        checked,
        effective=effective.date() if effective else None,
        revision=revision if revision is not None else _git_revision(path),
        source=str(path),
        recipients=recipients,
    )
    out.print(f"version {found['version']}, effective {found['effective']}, revision {found['revision'] or '-'}")
    if found["announcement"]:
        late = " (LATE: published after the last day to announce it)" if found["late"] else ""
        out.print(f"announced on the portal until then, e-mailed to {found['recipients']} address(es){late}")


@app.command("versions")
def versions(as_json: Annotated[bool, typer.Option("--json", help="JSON on standard output.")] = False) -> None:
    """List the published versions, the one in force today marked."""
    found = web.policy_versions()
    if as_json:
        out.print(json.dumps(found, indent=2, ensure_ascii=False), markup=False)
        return
    table = Table(title_justify="left")
    for column in ("version", "effective", "revision", "published", "in force", "announced"):
        table.add_column(column)
    for item in found:
        table.add_row(
            str(item["version"]),
            item["effective"],
            item["revision"] or "-",
            item["published_at"],
            "yes" if item["in_force"] else "",
            "late" if item["late"] else ("yes" if item["announced"] else ""),
        )
    out.print(table)


def _addresses(path: Path) -> list[str]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        fail(f"{path}: cannot read the list of addresses ({error.strerror or error})")
    found = [line.strip() for line in lines if line.strip() and not line.strip().startswith("#")]
    wrong = [line for line in found if "@" not in line]
    if wrong:
        fail(f"{path}: not an e-mail address: {wrong[0]!r}", 2)
    return found


def _git_revision(path: Path) -> str:
    """The commit of the folder holding the policy, or "" outside a git repository."""
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"], cwd=path.parent, capture_output=True, text=True, check=False
        )
    except OSError:
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""
