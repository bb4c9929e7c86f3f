"""Benchmark: reading a batch through the temporary table against bound VALUES lists, on the synthetic CRM.

A batch's reads (plans, access) join the temporary table of its identities;
a session that may not create it (read-only credentials) binds them instead,
`WITH registre_subjects (...) AS (VALUES ...)`. This measures both ways:

1. Build the cloud-host demo databases at N subjects in PostgreSQL
   (database `registre_batch_read_bench`) and in SQLite (a file under /tmp),
   with the identity indexes that `registre map --live` advises.
2. For batches of 300 and 3,000 subjects (distinct contacts, drawn at
   random), time `plan_request(..., "erase")` (what `dsr erase --dry-run`
   runs) and `execute_access_batch` both ways, taking turns to go first,
   after a warm-up; check that both ways give the same plan and the same data.
3. Print the median of the rounds for each.

    PYTHONPATH=src .venv/bin/python benchmarks/batch_read_benchmark.py --subjects 30000

The VALUES way is forced by refusing the temporary table to the session, as
read-only credentials do.

Measured on 2026-12-03 (36,000 contacts, 2 shared cores, PostgreSQL 15,
SQLite 3.40; median of 5 rounds; both ways gave the same plans and data):

    backend     operation                  batch       table      VALUES  ratio
    postgresql  erase --dry-run (plan)       300     2.755 s     5.823 s   2.11
    postgresql  access                       300     1.610 s     2.921 s   1.81
    postgresql  erase --dry-run (plan)     3,000     6.457 s   137.741 s  21.33
    postgresql  access                     3,000    10.091 s    40.347 s   4.00
    sqlite      erase --dry-run (plan)       300     0.584 s    67.332 s 115.34
    sqlite      access                       300     0.409 s    56.942 s 139.14
    sqlite      erase --dry-run (plan)     3,000    24.452 s    56.579 s   2.31
    sqlite      access                     3,000     5.527 s    24.265 s   4.39

The temporary table has an index (its primary key) and, on PostgreSQL,
statistics: the correlated lookups of pseudonyms that an erasure plan makes
per row search it, where a VALUES list is scanned each time; SQLite, without
statistics on the list, starts from the dataset's rows (it scans `calls`,
then finds the subject). So the temporary table stays the way wherever the
session may create it, and VALUES lists are the fallback of read-only logins.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import engine_benchmark

from registre.core.demo import DEMO_TODAY
from registre.core.engine import Subject, execute_access_batch, plan_request
from registre.core.policy import Policy, load_policy
from registre.core.sources import ChangeList, audit_trail, batches

KEY = "benchmark-pseudonym-key"


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--subjects", type=int, default=30_000, help="contacts in the synthetic CRM")
    parser.add_argument("--backends", nargs="+", default=["postgresql", "sqlite"], choices=["postgresql", "sqlite"])
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432", help="server URL")
    parser.add_argument("--database", default="registre_batch_read_bench", help="PostgreSQL database")
    parser.add_argument("--sqlite", default="/tmp/registre_batch_read_bench.sqlite", help="SQLite file")
    parser.add_argument("--sizes", type=int, nargs="+", default=[300, 3_000], help="subjects per batch")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of each measure (the median is shown)")
    parser.add_argument("--reuse", action="store_true", help="reuse the databases of a previous run")
    return parser.parse_args()


@contextmanager
def without_temporary_table() -> Iterator[None]:
    """Refuse the temporary table to every session, as read-only credentials do."""
    allowed = batches._create_if_allowed
    batches._create_if_allowed = lambda connection, rows: False
    try:
        yield
    finally:
        batches._create_if_allowed = allowed


def plan_erasure(policy: Policy, subjects: list[Subject]) -> Any:
    made = plan_request(policy, "erase", subjects, today=DEMO_TODAY, key=KEY)
    assert made.ok, made.to_dict()
    return made.to_dict()


def access(policy: Policy, subjects: list[Subject]) -> Any:
    results = execute_access_batch(policy, subjects, today=DEMO_TODAY, key=KEY)
    assert all(result.ok for result in results.values())
    return {ref: result.to_dict() for ref, result in results.items()}


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    found = action()
    return time.perf_counter() - started, found


def measure(operation: Callable[[Policy, list[Subject]], Any], policy: Policy, subjects: list[Subject], rounds: int):  # type: ignore[no-untyped-def]
    """Median seconds through the table and through VALUES, alternating which goes first."""
    table_times, values_times = [], []
    for turn in range(rounds):
        for way in ("table", "values") if turn % 2 == 0 else ("values", "table"):
            if way == "table":
                elapsed, by_table = timed(lambda: operation(policy, subjects))
                table_times.append(elapsed)
            else:
                with without_temporary_table():
                    elapsed, by_values = timed(lambda: operation(policy, subjects))
                values_times.append(elapsed)
        assert by_table == by_values, "the two ways disagree"
    return statistics.median(table_times), statistics.median(values_times)


def main() -> None:
    arguments = parse_arguments()
    lines = []
    for backend in arguments.backends:
        url = engine_benchmark.database_url(backend, arguments)
        if not arguments.reuse:
            print(f"{backend}: generating {arguments.subjects:,} subjects", file=sys.stderr)
            engine_benchmark.generate(url, arguments.subjects)
        policy = load_policy(engine_benchmark.POLICY, {"CRM_DATABASE_URL": url, "PLATFORM_DATABASE_URL": url})
        engine_benchmark.create_identity_indexes(policy, url)
        emails = iter(engine_benchmark.draw_emails(url, 100 + sum(arguments.sizes)))
        warm = [Subject.of(f"email={next(emails)}", reference=f"w{n}") for n in range(100)]
        for operation in (plan_erasure, access):
            measure(operation, policy, warm, 1)
        for size in arguments.sizes:
            subjects = [Subject.of(f"email={next(emails)}", reference=f"s{n}") for n in range(size)]
            for name, operation in (("erase --dry-run (plan)", plan_erasure), ("access", access)):
                print(f"{backend}: {name}, {size:,} subjects", file=sys.stderr)
                table, values = measure(operation, policy, subjects, arguments.rounds)
                lines.append(
                    f"{backend:<11} {name:<24} {size:>7,} {table:>9.3f} s {values:>9.3f} s {values / table:>6.2f}"
                )
    print(f"\n{'backend':<11} {'operation':<24} {'batch':>7} {'table':>11} {'VALUES':>11} {'ratio':>6}")
    print("\n".join(lines))


if __name__ == "__main__":
    with audit_trail(ChangeList()):
        main()
