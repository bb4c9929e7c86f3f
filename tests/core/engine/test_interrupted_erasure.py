"""A crash in the middle of an erasure (kill -9): each system is done or untouched, and a re-run completes."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

import registre
from registre.core.engine import Subject, execute_erasure

WORKER = Path(__file__).with_name("erasure_worker.py")
SYSTEM_TABLES = {
    "shop": ("people", "orders", "order_lines", "messages", "logins"),
    "mailing": ("newsletter", "clicks"),
}


def start_worker(shop, email):
    source = str(Path(registre.__file__).resolve().parents[1])
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([source, os.environ.get("PYTHONPATH", "")])}
    arguments = [shop.policy.model_dump_json(by_alias=True), email, shop.TODAY.isoformat(), shop.KEY]
    return subprocess.Popen(
        [sys.executable, str(WORKER), *arguments], stdout=subprocess.PIPE, text=True, env=environment
    )


def kill_when(process, seen):
    """Read the worker's lines; SIGKILL it as soon as `seen(lines)` is true. Return the lines read."""
    lines = []
    assert process.stdout is not None
    for line in process.stdout:
        lines.append(line.strip())
        if seen(lines):
            process.send_signal(signal.SIGKILL)
            break
    process.wait(timeout=30)
    return lines


def system_rows(snapshot, system):
    return {table: snapshot[table] for table in SYSTEM_TABLES[system]}


@pytest.mark.parametrize(
    ("killed_in", "done"),
    [("shop", ()), ("mailing", ("shop",))],
    ids=["while-erasing-the-first-system", "while-erasing-the-second-system"],
)
def test_a_killed_erasure_leaves_each_system_done_or_untouched_and_a_rerun_completes(shop, killed_in, done):
    shop.add_person(
        "ada@example.org",
        orders=(shop.RECENT, shop.OLD),
        messages=2,
        logins=(dt.datetime(2020, 1, 1),),
        subscribed=True,
    )
    shop.add_person("bob@example.org", orders=(shop.OLD,), messages=1, subscribed=True)
    shop.write()
    before = shop.snapshot()

    # Kill after the second statement of `killed_in`: its transaction has changed rows, not committed them.
    process = start_worker(shop, "ada@example.org")
    lines = kill_when(process, lambda read: sum(line.startswith(f"{killed_in}:") for line in read) >= 2)
    assert process.returncode == -signal.SIGKILL, lines
    assert "done" not in lines

    after = shop.snapshot()
    for system in SYSTEM_TABLES:
        if system in done:
            assert system_rows(after, system) != system_rows(before, system), f"{system} should be erased"
        else:
            assert system_rows(after, system) == system_rows(before, system), f"{system} should be untouched"

    rerun = execute_erasure(shop.policy, Subject.of("email=ada@example.org"), today=shop.TODAY, key=shop.KEY)
    assert rerun.ok, rerun.to_dict()
    erased_by_rerun = {dataset.system for dataset in rerun.datasets if dataset.erased}
    assert erased_by_rerun == set(SYSTEM_TABLES) - set(done)
    final = execute_erasure(shop.policy, Subject.of("email=ada@example.org"), today=shop.TODAY, key=shop.KEY)
    assert final.erased == 0, "nothing remains"
