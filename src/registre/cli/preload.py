"""`registre preload`: keep Registre loaded in one process, so that each command starts in a blink.

A command spends a few tenths of a second importing Registre and its
libraries before it does anything. `registre preload start` starts a
process that imports them once; from then on, each `registre` command of
this installation, run by this user, is handed to it and runs in a process
it forks, which already has them (see `registre.cli.handover`). Commands
behave as before: same arguments, environment, folder, terminal, exit status.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import selectors
import subprocess
import sys
from typing import Annotated

import typer

from registre.cli.console import fail, out
from registre.cli.handover import SUPPORTED, ask, folder, is_private, socket_path

app = typer.Typer(
    name="preload",
    help="Keep Registre loaded in one process, so that commands start in a blink: start, stop, status.",
    no_args_is_help=True,
)

START_SECONDS = 120.0
DURATION = re.compile(r"(\d+)\s*([smhd]?)")
UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}

IdleOption = Annotated[
    str,
    typer.Option("--idle", help="Stop after this long without a command: 90s, 30m, 8h, 2d; 0 never stops."),
]


def idle_seconds(text: str) -> int:
    """The seconds of a duration such as `30m`; a usage error (exit 2) otherwise."""
    match = DURATION.fullmatch(text.strip().lower())
    if match is None:
        fail(f"--idle takes a duration such as 90s, 30m, 8h or 2d (0: never), not {text[:40]!r}", 2)
    return int(match.group(1)) * UNITS[match.group(2)]


@app.command("start")
def start(idle: IdleOption = "8h") -> None:
    """Start the preloader of this installation (nothing to do when it runs already)."""
    seconds = idle_seconds(idle)
    if not SUPPORTED:
        fail("preloading needs Unix sockets that pass descriptors, which this system does not have")
    path = socket_path()
    running = ask(path, {"kind": "status"})
    if running is not None:
        out.print(f"the preloader runs already (pid {running['pid']})")
        return
    _private_folder(folder())
    command = [sys.executable, "-m", "registre.cli.preloader", str(seconds)]
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        close_fds=True,
    )
    if not _ready(process):
        process.kill()
        problem = (process.communicate()[1] or b"").decode(errors="replace").strip().splitlines()
        fail(f"the preloader did not start: {problem[-1] if problem else 'no answer'}")
    until = "until stopped" if seconds == 0 else f"until idle for {idle.strip()}"
    out.print(f"preloaded (pid {process.pid}, {until}): commands now start in its forked processes")


def _private_folder(path: str) -> None:
    try:
        os.makedirs(path, mode=0o700, exist_ok=True)
    except OSError as error:
        fail(f"cannot make {path}: {error.strerror or error}")
    if not is_private(path):
        fail(f"{path} is not a folder of yours closed to others: remove it, or set XDG_RUNTIME_DIR")


def _ready(process: subprocess.Popen[bytes]) -> bool:
    """Wait for the preloader's `ready`; False when it ended or did not say it in time."""
    assert process.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(START_SECONDS):
            return False
    ready = process.stdout.readline().strip() == b"ready"
    process.stdout.close()
    if ready and process.stderr is not None:
        process.stderr.close()
    return ready


@app.command("stop")
def stop() -> None:
    """Stop the preloader; commands it runs finish first. Nothing to do when none runs."""
    answer = ask(socket_path(), {"kind": "stop"})
    if answer is None:
        out.print("no preloader was running")
        return
    running = int(answer.get("running", 0))
    finishing = f"; it ends when its {running} running command(s) finish" if running else ""
    out.print(f"stopped the preloader (pid {answer['pid']}){finishing}")


@app.command("status")
def status() -> None:
    """Whether the preloader runs, since when, the commands it served and its memory; exit 1 when it does not."""
    answer = ask(socket_path(), {"kind": "status"})
    if answer is None:
        out.print("no preloader is running: commands load Registre each time (registre preload start)")
        raise typer.Exit(1)
    since = dt.datetime.fromtimestamp(float(answer["since"])).isoformat(sep=" ", timespec="seconds")
    out.print(f"pid {answer['pid']}, running since {since}")
    out.print(f"commands served: {answer['served']}, running now: {answer['running']}")
    out.print(f"memory: {int(answer['rss_kb']) // 1024} MB, {answer['modules']} modules loaded")
    idle = int(answer["idle_seconds"])
    out.print("stops: when stopped" if idle == 0 else f"stops: after {idle} s without a command")
    if answer.get("last_error"):
        out.print(f"last refused request: {answer['last_error']}", markup=False)
