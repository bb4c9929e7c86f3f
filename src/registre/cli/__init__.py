"""The `registre` command line (Typer).

`run` is the console script. A command's process loads Registre and its
libraries (SQLAlchemy, Pydantic, psycopg...), then works for a fraction of a
second: the garbage collector, left on, walks the millions of objects those
imports create again and again while they load, and once more as the process
ends, for nothing (they live until the exit). So `run` pauses it while the
command group and the invoked command's module are imported, sets what they
created aside (`gc.freeze`: never examined again), and turns it back on for
the command's own work, long batches included. Programs that import
`registre.cli.main` themselves (tests, embedding) keep the collector as it is.

First of all, `run` hands the command over to the preloader when one runs
(`registre preload start`, see `registre.cli.handover`): it has loaded all
that already.
"""

from __future__ import annotations

import gc
import sys


def run() -> None:
    """The `registre` console script and `python -m registre`: see the module."""
    from registre.cli.handover import hand_over, invoked_command

    status = hand_over(sys.argv)
    if status is not None:
        sys.exit(status)
    import contextlib
    import importlib

    gc.disable()
    try:
        from registre.cli.main import COMMANDS, app

        invoked = invoked_command(sys.argv)
        if invoked in COMMANDS:
            # A module that fails to import is imported again by the command group, which reports the fault.
            with contextlib.suppress(Exception):
                importlib.import_module(COMMANDS[invoked].module)
        gc.freeze()
    finally:
        gc.enable()
    app()
