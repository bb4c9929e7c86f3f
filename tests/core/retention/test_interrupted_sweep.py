"""A sweep killed in the middle (kill -9): whole batches only, and a re-run finishes the work, nothing more."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

import registre
from registre.core.retention import plan_retention, run_retention

WORKER = Path(__file__).with_name("sweep_worker.py")


def start_worker(crm, batch_size):
    source = str(Path(registre.__file__).resolve().parents[1])
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([source, os.environ.get("PYTHONPATH", "")])}
    arguments = [crm.policy.model_dump_json(by_alias=True), crm.AS_OF.isoformat(), str(batch_size)]
    return subprocess.Popen(
        [sys.executable, str(WORKER), *arguments], stdout=subprocess.PIPE, text=True, env=environment
    )


def kill_after(process, batches):
    """Read the worker's lines; SIGKILL it once it has reported `batches` batches. Return the lines read."""
    lines = []
    assert process.stdout is not None
    for line in process.stdout:
        lines.append(line.strip())
        if len(lines) >= batches:
            process.send_signal(signal.SIGKILL)
            break
    process.wait(timeout=30)
    return lines


def touched(before, after):
    """(table, id) of every row deleted or changed."""
    return {
        (table, row_id)
        for table, rows in before.items()
        for row_id, row in rows.items()
        if after[table].get(row_id) != row
    }


@pytest.mark.parametrize("batches", [3, 14], ids=["in-the-first-datasets", "among-contacts-and-tickets"])
def test_a_killed_sweep_is_finished_by_a_rerun_without_touching_rows_that_were_not_due(crm, batches):
    before = crm.snapshot()
    due = {(table, crm.id(label)) for found in (crm.DELETED, crm.ANONYMISED) for table, rows in found.items()
           for label in rows}  # fmt: skip
    plan = plan_retention(crm.policy, as_of=crm.AS_OF)

    process = start_worker(crm, batch_size=1)
    lines = kill_after(process, batches)
    assert process.returncode == -signal.SIGKILL, lines
    assert "done" not in lines
    halfway = touched(before, crm.snapshot())
    assert halfway and halfway < due, "some due rows swept, no other"

    rerun = run_retention(crm.policy, as_of=crm.AS_OF)
    assert rerun.ok
    assert touched(before, crm.snapshot()) == due, "the rerun finished exactly the planned work"
    for table, labels in crm.DELETED.items():
        assert not {crm.id(label) for label in labels} & set(crm.table_rows(table)), table
    assert plan.total("delete") + plan.total("anonymise") == len(due)
