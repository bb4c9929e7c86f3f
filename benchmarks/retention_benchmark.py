"""Benchmark: the retention sweep against one set-based DELETE statement, and the sweep's memory.

1. Build a table `events (id, occurred_on, person_ref, payload)` of N rows
   (default 10 million) in PostgreSQL (database `registre_bench`, by
   `INSERT ... SELECT` from `generate_series`) and in SQLite (a file under
   /tmp, by a recursive CTE). Dates spread evenly over ten years, and the
   rows of each day are spread over the whole key range (`id * 7919 mod
   3650`), so that due rows are interleaved with the others: the worst case
   for batches cut along the key. An index on `occurred_on` (the one
   `registre map --live` recommends for a retention anchor) serves both
   sides. That database (that file) is the pristine copy: each run works on
   a fresh copy of it, made at the file level (`CREATE DATABASE ... TEMPLATE
   ... STRATEGY FILE_COPY`, or a file copy), so that every run meets the
   same pages, visibility map and statistics. Putting the deleted rows back
   instead would leave them where that run's deletions made room, and the
   next run would measure that layout, not its own work.
2. A policy keeps events one year from `occurred_on`, then deletes them;
   the as-of date is chosen so that the wanted number of rows is due
   (default 1 million, then 100,000).
3. For each backend and number of rows due, in the same run, alternately:
   the sweep (`run_retention`, in batches committed one by one) and the
   reference, what a database administrator would type, in one transaction:

       DELETE FROM events WHERE occurred_on < :before

   Each run is a fresh process (`--worker`), which reports its time, the
   growth of its peak resident memory during the run (`ru_maxrss`), and,
   in separate runs of the sweep, the peak of Python allocations
   (`tracemalloc`, which slows Python down, so it is not timed).
4. Print a table: sweep, one DELETE, ratio (target <= 1.5 on PostgreSQL at
   10M rows, for 1M and for 100k rows due), and memory per number of rows
   due (target: independent of it).

    PYTHONPATH=src .venv/bin/python benchmarks/retention_benchmark.py --rows 10000000 --due 1000000 100000
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from registre.core.policy import Duration, Policy
from registre.core.retention import run_retention
from registre.core.sources import ChangeList, audit_trail, create_engine_for_url, write_transaction

START = dt.date(2016, 1, 1)
DAYS = 3650  # ten years of dates
SPREAD = 7919  # a prime: `id * SPREAD mod DAYS` puts each day's rows all over the key range
KEEP = Duration(years=1)

REFERENCE = "DELETE FROM events WHERE occurred_on < :before"


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000_000, help="rows of the table")
    parser.add_argument("--due", type=int, nargs="+", default=[1_000_000, 100_000], help="rows due, per run")
    parser.add_argument("--batch-size", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=2, help="measures of each side (alternating)")
    parser.add_argument("--backends", nargs="+", default=["postgresql", "sqlite"], choices=["postgresql", "sqlite"])
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432", help="server URL")
    parser.add_argument(
        "--database",
        default="registre_bench",
        help="PostgreSQL database of the pristine table (created if missing); runs use copies named NAME_run",
    )
    parser.add_argument(
        "--sqlite", default="/tmp/registre_retention_bench.sqlite", help="SQLite file (runs use a copy beside it)"
    )
    parser.add_argument("--reuse", action="store_true", help="reuse the table of a previous run with as many rows")
    parser.add_argument("--worker", choices=["sweep", "reference"], help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--as-of", help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args()


# Building the table ------------------------------------------------------------


def database_url(backend: str, arguments: argparse.Namespace) -> str:
    if backend == "sqlite":
        return f"sqlite:///{arguments.sqlite}"
    admin = sa.create_engine(f"{arguments.postgres}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        found = connection.execute(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": arguments.database}
        ).first()
        if not found:
            connection.execute(sa.text(f'CREATE DATABASE "{arguments.database}"'))
    admin.dispose()
    return f"{arguments.postgres}/{arguments.database}"


def build_table(url: str, rows: int) -> float:
    """Create `events` with `rows` rows; the seconds it took."""
    started = time.perf_counter()
    engine = create_engine_for_url(url)
    postgres = engine.dialect.name == "postgresql"
    with engine.begin() as connection:
        connection.execute(sa.text("DROP TABLE IF EXISTS events"))
        if postgres:
            connection.execute(
                sa.text(
                    "CREATE TABLE events (id bigint NOT NULL, occurred_on date NOT NULL, person_ref text, payload text)"
                )
            )
            connection.execute(
                sa.text(
                    "INSERT INTO events SELECT g, DATE '2016-01-01' + ((g * :spread) % :days)::int, "
                    "'P' || (g % 1000003), md5(g::text) FROM generate_series(1::bigint, :rows) AS g"
                ),
                {"spread": SPREAD, "days": DAYS, "rows": rows},
            )
            connection.execute(sa.text("ALTER TABLE events ADD PRIMARY KEY (id)"))
        else:
            connection.execute(
                sa.text(
                    "CREATE TABLE events (id INTEGER PRIMARY KEY, occurred_on DATE NOT NULL, person_ref VARCHAR(16), "
                    "payload VARCHAR(32))"
                )
            )
            connection.execute(
                sa.text(
                    "WITH RECURSIVE seq(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM seq WHERE g < :rows) "
                    "INSERT INTO events SELECT g, date('2016-01-01', '+' || ((g * :spread) % :days) || ' days'), "
                    "'P' || (g % 1000003), hex(randomblob(16)) FROM seq"
                ),
                {"spread": SPREAD, "days": DAYS, "rows": rows},
            )
        connection.execute(sa.text("CREATE INDEX events_occurred_on ON events (occurred_on)"))
    maintain(engine)
    engine.dispose()
    return time.perf_counter() - started


def maintain(engine: sa.Engine) -> None:
    """After the build: statistics up to date, pages marked all-visible, and every change on disk."""
    postgres = engine.dialect.name == "postgresql"
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(sa.text("VACUUM ANALYZE events" if postgres else "ANALYZE"))
        if postgres:
            connection.execute(sa.text("CHECKPOINT"))
    os.sync()


def fresh_copy(url: str) -> str:
    """A copy of the pristine database at `url`, identical page for page (see the module); its URL."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        pristine = Path(parsed.database or "")
        copy = pristine.with_name(f"{pristine.stem}_run{pristine.suffix}")
        shutil.copyfile(pristine, copy)
        return parsed.set(database=str(copy)).render_as_string(hide_password=False)
    name = f"{parsed.database}_run"
    admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        strategy = " STRATEGY FILE_COPY" if (connection.dialect.server_version_info or (0,)) >= (15,) else ""
        connection.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{parsed.database}"{strategy}'))
        connection.execute(sa.text("CHECKPOINT"))
    admin.dispose()
    os.sync()
    return parsed.set(database=name).render_as_string(hide_password=False)


def count_rows(url: str, before: dt.date | None = None) -> int:
    engine = create_engine_for_url(url)
    with engine.connect() as connection:
        if before is None:
            count = connection.execute(sa.text("SELECT count(*) FROM events")).scalar_one()
        else:
            count = connection.execute(
                sa.text("SELECT count(*) FROM events WHERE occurred_on < :before"), {"before": before}
            ).scalar_one()
    engine.dispose()
    return int(count)


def as_of_for(due: int, rows: int) -> tuple[dt.date, dt.date]:
    """The as-of date on which about `due` rows are due, and the first date not due then."""
    days = max(1, round(DAYS * due / rows))
    cutoff = START + dt.timedelta(days=days - 1)
    as_of = KEEP.add_to(cutoff)
    assert KEEP.last_start_run_out(as_of) == cutoff, "pick a cutoff that is no 29 February"
    return as_of, cutoff + dt.timedelta(days=1)


# The two sides, each in a process of its own -------------------------------------


def events_policy(url: str) -> Policy:
    dataset = {
        "key": "id",
        "fields": {
            "occurred_on": {"type": "date"},
            "person_ref": {"category": "identification.customer_number"},
            "payload": {"category": "usage.browsing"},
        },
        "erase": "delete",
    }
    activity = {
        "name": "Events",
        "purpose": "Service events",
        "legal_basis": "contract",
        "datasets": ["bench.events"],
        "retention": {"keep": str(KEEP), "from": "bench.events.occurred_on"},
    }
    return Policy.model_validate(
        {
            "registre": 1,
            "organisation": {"name": "Bench SAS", "contacts": {"requests": {"email": "privacy@bench.example"}}},
            "systems": {"bench": {"url": url, "location": "FR", "datasets": {"events": dataset}}},
            "activities": {"events": activity},
        }
    )


def sweep(url: str, as_of: dt.date, batch_size: int) -> int:
    run = run_retention(events_policy(url), as_of=as_of, batch_size=batch_size)
    assert run.ok, run.to_dict()
    return run.deleted


def reference(url: str, as_of: dt.date, batch_size: int) -> int:
    """The reference: one set-based DELETE of every due row, in one transaction (`batch_size` is not used)."""
    before = KEEP.last_start_run_out(as_of) + dt.timedelta(days=1)
    engine = create_engine_for_url(url)
    with write_transaction(engine) as connection:
        deleted = connection.execute(sa.text(REFERENCE), {"before": before}).rowcount
    engine.dispose()
    return int(deleted)


def work(arguments: argparse.Namespace) -> None:
    """A worker process: run one side once, print its measures as JSON."""
    as_of = dt.date.fromisoformat(arguments.as_of)
    side = sweep if arguments.worker == "sweep" else reference
    if arguments.trace:
        tracemalloc.start()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    deleted = side(arguments.url, as_of, arguments.batch_size)
    seconds = time.perf_counter() - started
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    traced = tracemalloc.get_traced_memory()[1] if arguments.trace else None
    measures = {"seconds": seconds, "deleted": deleted, "rss_kb": rss_after, "rss_growth_kb": rss_after - rss_before}
    print(json.dumps({**measures, "traced_peak_bytes": traced}))


def measure(side: str, url: str, as_of: dt.date, batch_size: int, *, trace: bool = False) -> dict[str, Any]:
    command = [sys.executable, __file__, "--worker", side, "--url", url, "--as-of", as_of.isoformat()]
    command += ["--batch-size", str(batch_size), *(["--trace"] if trace else [])]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    found: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    return found


# The comparison ---------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    backend: str
    due: int
    sweep: float
    reference: float
    rss_kb: int
    rss_growth_kb: int
    traced_peak_kb: float

    @property
    def ratio(self) -> float:
        return self.sweep / self.reference


def compare(backend: str, url: str, due: int, arguments: argparse.Namespace) -> Result:
    """Alternate sweep and reference runs (ABBA...), restoring the table after each; then one traced sweep."""
    as_of, before = as_of_for(due, arguments.rows)
    due_rows = count_rows(url, before)
    times: dict[str, list[float]] = {"sweep": [], "reference": []}
    memory: list[dict[str, Any]] = []
    for round_number in range(arguments.repeat):
        sides = ("sweep", "reference") if round_number % 2 == 0 else ("reference", "sweep")
        for side in sides:
            found = measure(side, fresh_copy(url), as_of, arguments.batch_size)
            assert found["deleted"] == due_rows, (side, found, due_rows)
            times[side].append(found["seconds"])
            if side == "sweep":
                memory.append(found)
            print(f"  {backend} {due_rows:,} due: {side} {found['seconds']:.2f} s", file=sys.stderr, flush=True)
    traced = measure("sweep", fresh_copy(url), as_of, arguments.batch_size, trace=True)
    return Result(
        backend,
        due_rows,
        statistics.median(times["sweep"]),
        statistics.median(times["reference"]),
        max(found["rss_kb"] for found in memory),
        max(found["rss_growth_kb"] for found in memory),
        traced["traced_peak_bytes"] / 1024,
    )


def print_table(rows: int, batch_size: int, results: list[Result]) -> None:
    print(f"\nRetention sweep, {rows:,} rows, batches of {batch_size:,} (median of each side)\n")
    header = (
        "backend",
        "rows due",
        "sweep s",
        "one DELETE s",
        "ratio",
        "peak RSS MB",
        "RSS growth MB",
        "Python peak KB",
    )
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for result in results:
        cells = (
            result.backend,
            f"{result.due:,}",
            f"{result.sweep:.2f}",
            f"{result.reference:.2f}",
            f"{result.ratio:.2f}",
            f"{result.rss_kb / 1024:.1f}",
            f"{result.rss_growth_kb / 1024:.1f}",
            f"{result.traced_peak_kb:.0f}",
        )
        print("| " + " | ".join(cells) + " |")


def main() -> None:
    arguments = parse_arguments()
    if arguments.worker:
        work(arguments)
        return
    results = []
    for backend in arguments.backends:
        url = database_url(backend, arguments)
        if not (arguments.reuse and count_rows_or_none(url) == arguments.rows):
            seconds = build_table(url, arguments.rows)
            print(f"{backend}: built {arguments.rows:,} rows in {seconds:.0f} s", file=sys.stderr, flush=True)
        results += [compare(backend, url, due, arguments) for due in arguments.due]
    print_table(arguments.rows, arguments.batch_size, results)


def count_rows_or_none(url: str) -> int | None:
    try:
        return count_rows(url)
    except sa.exc.SQLAlchemyError:
        return None


if __name__ == "__main__":
    with audit_trail(ChangeList()):  # the benchmark's changes are not kept
        main()
