"""An erasure that pauses after each statement, run by `test_interrupted_erasure.py` in a process it kills.

Arguments: the policy as JSON, the subject's email, today (ISO), the pseudonym key.
Prints each statement's description as soon as it has run, then `done`.
"""

from __future__ import annotations

import datetime as dt
import sys
import time

from registre.core.engine import Subject, execute_erasure
from registre.core.policy import Policy
from registre.core.sources import ChangeList, audit_trail


def main() -> None:
    policy = Policy.model_validate_json(sys.argv[1])
    today = dt.date.fromisoformat(sys.argv[3])

    def pause(description: str) -> None:
        print(description, flush=True)
        time.sleep(0.2)

    result = execute_erasure(policy, Subject.of(f"email={sys.argv[2]}"), today=today, key=sys.argv[4], progress=pause)
    print("done" if result.ok else f"failed: {result.to_dict()}", flush=True)


if __name__ == "__main__":
    with audit_trail(ChangeList()):  # the test checks the rows, not the trail
        main()
