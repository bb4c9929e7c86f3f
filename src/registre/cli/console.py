"""What every command shares: the terminal, the --policy option, and loading the policy."""

from __future__ import annotations

import datetime as dt
import errno
import socket
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from registre.core.policy import Diagnostic, LoadedPolicy, Policy, check_policy, resolve_policy_path

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def open_terminal() -> None:
    """Make `out` and `err` again for this process's terminal and environment (colours, width, NO_COLOR...),
    which a console reads when it is made: a command forked by the preloader has the command line's."""
    for console, stderr in ((out, False), (err, True)):
        Console.__init__(console, stderr=stderr, highlight=False, soft_wrap=True)


PolicyOption = Annotated[
    Path | None,
    typer.Option(
        "--policy",
        "-p",
        envvar="REGISTRE_POLICY",
        help="Policy file. Default: $REGISTRE_POLICY, else ./registre.yaml.",
        show_default=False,
    ),
]


class Language(StrEnum):
    fr = "fr"
    en = "en"


LangOption = Annotated[Language, typer.Option("--lang", "-l", help="Language of the output.")]
OutputOption = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Where to write the document ('-' for standard output).", show_default=False),
]


AllowFutureOption = Annotated[
    bool,
    typer.Option(
        "--allow-future-date",
        help="Accept a day after today: rows are then erased as if that day had come.",
    ),
]
# Days a date may run ahead of the local clock (another time zone's today) without --allow-future-date.
FUTURE_TOLERANCE = dt.timedelta(days=1)
EARLIEST_DAY, LATEST_DAY = dt.date(1900, 1, 1), dt.date(2999, 12, 31)


def parse_day(text: str | None, option: str) -> dt.date:
    """The date given to `option` (today when None); a usage error (exit 2) if it is not a plausible day."""
    if text is None:
        return dt.date.today()
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        fail(f"{option} takes a date as YYYY-MM-DD, not {text[:40]!r}", 2)
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        fail(f"{option} {day.isoformat()} is out of range: give a day between {EARLIEST_DAY} and {LATEST_DAY}", 2)
    return day


def refuse_future_day(day: dt.date, option: str, allowed: bool) -> None:
    """Stop (exit 2) before a destructive command runs as of a day after today, unless it is explicitly allowed."""
    if day > dt.date.today() + FUTURE_TOLERANCE and not allowed:
        fail(
            f"{option} {day.isoformat()} is in the future: rows would be deleted or anonymised as if "
            f"{day.isoformat()} had come; add --allow-future-date if that is what you want",
            2,
        )


def fail(message: str, code: int = 1) -> NoReturn:
    """Print `message` as an error and leave with `code`."""
    err.print(f"[bold red]error:[/] {message}")
    raise typer.Exit(code)


def print_diagnostics(diagnostics: list[Diagnostic]) -> None:
    for diagnostic in diagnostics:
        colour = "red" if diagnostic.severity == "error" else "yellow"
        err.print(
            f"{diagnostic.position}: [{colour}]{diagnostic.severity}[/]: {diagnostic.message}",
            markup=True,
            highlight=False,
        )


def load_checked(policy_path: Path | None) -> LoadedPolicy:
    """Check the policy; a missing file is a clear error, not a traceback."""
    path = resolve_policy_path(policy_path)
    if not path.exists():
        fail(f"no policy at {path}: pass --policy PATH or set REGISTRE_POLICY")
    return check_policy(path)


def require_policy(policy_path: Path | None) -> Policy:
    """The checked policy; on errors, print them as file:line:col and exit 1."""
    loaded = load_checked(policy_path)
    if loaded.errors or loaded.policy is None:
        print_diagnostics(loaded.errors)
        fail(f"the policy has {len(loaded.errors)} error(s); run `registre check` for details")
    return loaded.policy


def write_output(content: bytes, output: Path | None, default_name: str, *, binary: bool) -> None:
    """Write a document to `output` (default: `default_name` in the current folder)."""
    if output is not None and str(output) == "-":
        if binary:
            fail("this format is binary: give a file with -o PATH", 2)
        sys.stdout.buffer.write(content)
        sys.stdout.buffer.flush()
        return
    target = output or Path(default_name)
    if target.is_dir():
        target = target / default_name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)
    err.print(f"wrote {target}")


def require_free_port(host: str, port: int) -> None:
    """Exit with one line when nothing can listen on `host:port` (in use, or an address not of this machine)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError as error:
            fail(cannot_listen(host, port, error))


def cannot_listen(host: str, port: int, error: OSError) -> str:
    if error.errno == errno.EADDRINUSE:
        return f"port {port} on {host} is already in use: stop what uses it, or choose another with --port"
    return f"cannot listen on {host}:{port}: {error.strerror or error}"
