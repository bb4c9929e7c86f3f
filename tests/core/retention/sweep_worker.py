"""A sweep that pauses after each committed batch, run by `test_interrupted_sweep.py` in a process it kills.

Arguments: the policy as JSON, the as-of date (ISO), the batch size.
Prints `dataset number` for each batch as soon as it is committed, then `done`.
"""

from __future__ import annotations

import datetime as dt
import sys
import time

from registre.core.policy import Policy
from registre.core.retention import SweepBatch, run_retention
from registre.core.sources import ChangeList, audit_trail


def main() -> None:
    policy = Policy.model_validate_json(sys.argv[1])

    def pause(batch: SweepBatch) -> None:
        print(f"{batch.dataset} {batch.number}", flush=True)
        time.sleep(0.2)

    run = run_retention(policy, as_of=dt.date.fromisoformat(sys.argv[2]), batch_size=int(sys.argv[3]), progress=pause)
    print("done" if run.ok else f"failed: {run.to_dict()}", flush=True)


if __name__ == "__main__":
    with audit_trail(ChangeList()):  # the test checks the rows, not the trail
        main()
