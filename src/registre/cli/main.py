"""The `registre` command: one sub-command per task, each taking --policy.

Each command's module is imported only when that command runs. The commands
between them pull in SQLAlchemy, Jinja2, Django, Faker, openpyxl and
WeasyPrint: importing them all took over a second before `registre --help`
could print a line. So the group knows each command by its module and a
one-line summary (`COMMANDS`), lists them from that table, and loads the one
that is invoked.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass
from typing import Annotated, Any

import typer
import typer.main
from typer import _click
from typer.core import TyperCommand, TyperGroup

from registre import __version__
from registre.cli.errors import ErrorBoundary

# Pydantic looks for plugins in the metadata of every installed package when it builds its first model
# (a tenth of a second); Registre uses none. Whoever does can still set the variable.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")


@dataclass(frozen=True)
class LazyCommand:
    """A command by where it lives: `attribute` of `module` is a command function or a Typer group."""

    module: str
    attribute: str
    summary: str

    def load(self, name: str) -> _click.Command:
        target = getattr(importlib.import_module(self.module), self.attribute)
        # Registered as `registre` registers it (no completion options), then taken out of that group.
        wrapper = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
        if isinstance(target, typer.Typer):
            wrapper.add_typer(target, name=name)
        else:
            wrapper.command(name)(target)
        wrapper.callback()(_no_options)
        group: TyperGroup = typer.main.get_command(wrapper)  # type: ignore[assignment]
        return group.commands[name]


def _no_options() -> None:
    """The wrapper group's callback: it makes `get_command` return a group even around one command."""


# In the order of `registre --help`. The summary is the first line of the command's own help
# (tests/cli/test_main.py checks that they agree).
COMMANDS = {
    "check": LazyCommand(
        "registre.cli.check",
        "check",
        "Check the policy's syntax and meaning; exit 1 on errors (and on warnings with --strict).",
    ),
    "ropa": LazyCommand(
        "registre.cli.documents",
        "ropa",
        "Export the record of processing activities, laid out like the CNIL's model.",
    ),
    "notice": LazyCommand(
        "registre.cli.documents",
        "notice",
        "Render the privacy notice (Art. 13) for the controller activities.",
    ),
    "subprocessors": LazyCommand(
        "registre.cli.documents",
        "subprocessors",
        "Render the sub-processor list, as it appears in a data processing agreement's annex.",
    ),
    "dpia": LazyCommand(
        "registre.cli.dpia",
        "dpia",
        "Render the impact assessment (DPIA) of an activity, after the CNIL's PIA method.",
    ),
    "diff": LazyCommand(
        "registre.cli.diff",
        "diff",
        "List the changes between two policies and the notices each change requires.",
    ),
    "policy": LazyCommand(
        "registre.cli.policy",
        "app",
        "Policy versions: publish the policy in force, list the versions.",
    ),
    "notices": LazyCommand(
        "registre.cli.notices",
        "app",
        "Sub-processor notices: tell the clients of a change, record their answers.",
    ),
    "map": LazyCommand(
        "registre.cli.datamap",
        "map_systems",
        "Show where personal data live; with --live, exit 1 when a database differs from the policy.",
    ),
    "scan": LazyCommand(
        "registre.cli.scan",
        "scan",
        "Find personal data: every column's verdict, category and evidence, compared with the policy.",
    ),
    "demo": LazyCommand(
        "registre.cli.demo",
        "demo",
        "Build the demo workspace: the example policy, its databases (SQLite, or --url) and its documents.",
    ),
    "serve": LazyCommand(
        "registre.cli.serve",
        "serve",
        "Serve the console, the portal and the API (Waitress, a production WSGI server); Ctrl+C stops.",
    ),
    "migrate": LazyCommand(
        "registre.cli.serve",
        "migrate",
        "Create or update the tables of the application database (REGISTRE_DATABASE_URL).",
    ),
    "worker": LazyCommand(
        "registre.cli.worker",
        "worker",
        "Run jobs until stopped (Ctrl+C or SIGTERM let the running job finish). Start as many as needed.",
    ),
    "dsr": LazyCommand("registre.cli.dsr", "app", "Data subject requests: plan, access, erase, rectify, restrict."),
    "retention": LazyCommand(
        "registre.cli.retention",
        "app",
        "Retention: the rows every purpose has let go, and sweeps that delete or anonymise them.",
    ),
    "clients": LazyCommand("registre.cli.clients", "app", "Clients of the processor: the end of their contract."),
    "audit": LazyCommand("registre.cli.audit", "app", "The audit log: verify its hash chain, export it."),
    "keys": LazyCommand(
        "registre.cli.keys", "app", "Encryption keys: generate one, rotate stored values to the first key."
    ),
    "staff": LazyCommand("registre.cli.staff", "app", "Staff of the console."),
    "holds": LazyCommand(
        "registre.cli.holds", "app", "Case holds: rows kept for a litigation or an authority, until lifted."
    ),
    "preload": LazyCommand(
        "registre.cli.preload",
        "app",
        "Keep Registre loaded in one process, so that commands start in a blink: start, stop, status.",
    ),
}


class LazyCommands(MutableMapping[str, _click.Command]):
    """The group's commands: names known at once, each command built on first access."""

    def __init__(self, lazy: dict[str, LazyCommand], loaded: MutableMapping[str, _click.Command]) -> None:
        self.lazy = lazy
        self.loaded = dict(loaded)

    def __getitem__(self, name: str) -> _click.Command:
        if name not in self.loaded:
            if name not in self.lazy:
                raise KeyError(name)
            self.loaded[name] = self.lazy[name].load(name)
        return self.loaded[name]

    def __setitem__(self, name: str, command: _click.Command) -> None:
        self.loaded[name] = command

    def __delitem__(self, name: str) -> None:
        self.loaded.pop(name, None)
        self.lazy.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys([*self.lazy, *self.loaded]))

    def __len__(self) -> int:
        return len(set(self.lazy) | set(self.loaded))

    def summary(self, name: str) -> _click.Command | None:
        """A stand-in carrying the command's name and summary, to list it without loading it."""
        if name in self.loaded or name not in self.lazy:
            return self.loaded.get(name)
        return TyperCommand(name, help=self.lazy[name].summary)


class LazyGroup(ErrorBoundary):
    """A Typer group whose commands come from `COMMANDS`, loaded when invoked; known faults print one line."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.commands = LazyCommands(dict(COMMANDS), self.commands)
        self._listing = False

    def list_commands(self, ctx: _click.Context) -> list[str]:
        return list(self.commands)

    def get_command(self, ctx: _click.Context, cmd_name: str) -> _click.Command | None:
        commands: LazyCommands = self.commands  # type: ignore[assignment]
        if self._listing:
            return commands.summary(cmd_name)
        return commands.get(cmd_name)

    def format_help(self, ctx: _click.Context, formatter: _click.HelpFormatter) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False


app = typer.Typer(
    name="registre",
    cls=LazyGroup,
    help="Registre: one privacy policy drives the register, notices, rights requests and retention.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


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
