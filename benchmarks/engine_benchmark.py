"""Benchmark: the engine against the same work written by hand in SQL, on the synthetic CRM.

1. Build the cloud-host demo databases at N subjects (about ten rows each)
   in PostgreSQL (database `registre_engine_bench`) and in SQLite (a file under /tmp).
2. Draw disjoint sets of contacts from each database.
3. Measure, alternating engine and hand-written SQL (`handwritten_sql.py`):
   access for one subject (median and p95 over 100 subjects), erasure of one
   subject (median and p95 over 100 subjects), and erasure of a batch of
   10,000 subjects (median of 3 batches), after a warm-up.
   Identities are compared normalised (`lower(trim(email))`...): the
   expression indexes that `registre map --live` advises are created first.
4. Print a table: engine, hand-written, ratio. Target: ratio <= 1.25, and
   one access or erasure well under 50 ms on PostgreSQL.

    PYTHONPATH=src .venv/bin/python benchmarks/engine_benchmark.py --subjects 1000000

Times are end to end from the Python API (`execute_access`, `execute_erasure`),
after a warm-up (engines pooled, tables reflected).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import handwritten_sql
import sqlalchemy as sa

from registre.core.demo import DEMO_TODAY, generate_demo_databases
from registre.core.engine import Subject, execute_access, execute_erasure, pseudonym_of
from registre.core.engine.indexes import identity_indexes
from registre.core.policy import Policy, System, load_policy
from registre.core.sources import ChangeList, audit_trail, create_engine_for
from registre.core.sources.catalog import close_catalogs

ROOT = Path(__file__).resolve().parent.parent
POLICY = ROOT / "examples" / "cloud-host" / "registre.yaml"
KEY = "benchmark-pseudonym-key"


@dataclass(frozen=True)
class Measure:
    backend: str
    operation: str
    engine: float
    hand: float
    unit: str

    @property
    def ratio(self) -> float:
        return self.engine / self.hand if self.hand else float("nan")


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--subjects", type=int, default=1_000_000, help="contacts in the synthetic CRM")
    parser.add_argument("--backends", nargs="+", default=["postgresql", "sqlite"], choices=["postgresql", "sqlite"])
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432", help="server URL")
    parser.add_argument("--database", default="registre_engine_bench", help="PostgreSQL database (created if missing)")
    parser.add_argument("--sqlite", default="/tmp/registre_engine_bench.sqlite", help="SQLite file")
    parser.add_argument("--samples", type=int, default=100, help="subjects for one-subject access")
    parser.add_argument("--erasures", type=int, default=100, help="subjects for one-subject erasure (each side)")
    parser.add_argument("--batch", type=int, default=10_000, help="subjects of the batch erasure")
    parser.add_argument("--rounds", type=int, default=3, help="batch erasures on each side (the median is shown)")
    parser.add_argument("--reuse", action="store_true", help="reuse the databases of a previous run")
    parser.add_argument("--seed", type=int, default=2026, help="draw of the subjects (change it to reuse a database)")
    return parser.parse_args()


def database_url(backend: str, arguments: argparse.Namespace) -> str:
    if backend == "sqlite":
        return f"sqlite:///{arguments.sqlite}"
    admin = sa.create_engine(f"{arguments.postgres}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.execute(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": arguments.database}
        ).first()
        if not exists:
            connection.execute(sa.text(f'CREATE DATABASE "{arguments.database}"'))
    admin.dispose()
    return f"{arguments.postgres}/{arguments.database}"


def generate(url: str, subjects: int) -> None:
    started = time.perf_counter()
    step = max(1, subjects // 10)

    def report(done: int, total: int) -> None:
        if done % step < 2_000 or done == total:
            print(f"  {done:,}/{total:,} people, {time.perf_counter() - started:.0f} s", file=sys.stderr)

    result = generate_demo_databases(url, None, subjects=subjects, progress=report)
    print(f"  {result.total_rows:,} rows in {result.duration:.0f} s", file=sys.stderr)
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"))
    engine.dispose()


def create_identity_indexes(policy: Policy, url: str) -> None:
    """The expression indexes that normalised identity lookups need (`registre map --live` prints them)."""
    advice, errors = identity_indexes(policy)
    if errors:
        raise SystemExit(f"cannot inspect the identity indexes: {errors}")
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        for index in advice:
            if index.statement and not index.present:
                print(f"  {index.statement}", file=sys.stderr)
                connection.execute(sa.text(index.statement))
        if engine.dialect.name == "postgresql":
            connection.execute(sa.text("ANALYZE"))
    engine.dispose()
    close_catalogs()


def draw_emails(url: str, count: int, seed: int) -> list[str]:
    """`count` distinct contacts' emails, drawn at random (seeded) over the whole table.

    Contacts that an earlier run erased (deleted, or anonymised: their email
    is a pseudonym) are passed over, so that a reused database still
    measures real erasures.
    """
    engine = sa.create_engine(url)
    query = sa.text("SELECT email FROM contacts WHERE id IN :ids AND email LIKE '%@%'").bindparams(
        sa.bindparam("ids", expanding=True)
    )
    with engine.connect() as connection:
        highest = connection.execute(sa.text("SELECT max(id) FROM contacts")).scalar_one()
        ids = list(range(1, highest + 1))
        random.Random(seed).shuffle(ids)
        emails: list[str] = []
        for start in range(0, len(ids), 5_000):
            if len(emails) >= count:
                break
            emails += connection.execute(query, {"ids": ids[start : start + 5_000]}).scalars().all()
    engine.dispose()
    if len(emails) < count:
        raise SystemExit(f"only {len(emails):,} contacts left to erase: build the databases again (without --reuse)")
    random.Random(seed).shuffle(emails)
    return emails[:count]


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 20 else max(values)


def measure_backend(backend: str, policy: Policy, url: str, arguments: argparse.Namespace) -> list[Measure]:
    """Steps 2 and 3 of the module's docstring on one database."""
    sizes = {"warm": 206, "readers": arguments.samples, "engine": arguments.erasures, "hand": arguments.erasures}
    sizes.update({f"batch {side} {n}": arguments.batch for n in range(arguments.rounds) for side in ("engine", "hand")})
    drawn = iter(draw_emails(url, sum(sizes.values()), arguments.seed))
    groups = {name: [next(drawn) for _ in range(size)] for name, size in sizes.items()}
    hand = create_engine_for(System(url=url, location="FR"))
    sides = Sides(policy, hand, DEMO_TODAY)
    sides.warm_up(groups["warm"])
    access = alternate(sides.engine_access, sides.hand_access, groups["readers"], groups["readers"])
    erasure = alternate(sides.engine_erase, sides.hand_erase, groups["engine"], groups["hand"])
    batches = alternate(
        sides.engine_batch,
        sides.hand_batch,
        [groups[f"batch engine {n}"] for n in range(arguments.rounds)],
        [groups[f"batch hand {n}"] for n in range(arguments.rounds)],
    )
    hand.dispose()
    return [
        *summarise(backend, "access, one subject", *access),
        *summarise(backend, "erasure, one subject", *erasure),
        Measure(backend, f"erasure, batch of {arguments.batch:,}, median", *map(statistics.median, batches), "s"),
    ]


@dataclass(frozen=True)
class Sides:
    """The engine and the hand-written SQL, doing the same work."""

    policy: Policy
    hand: sa.Engine
    today: dt.date

    def engine_access(self, email: str) -> None:
        execute_access(self.policy, Subject.of(f"email={email}"), today=self.today)

    def hand_access(self, email: str) -> None:
        handwritten_sql.access(self.hand, email)

    def engine_erase(self, email: str) -> None:
        result = execute_erasure(self.policy, Subject.of(f"email={email}"), today=self.today, key=KEY)
        assert result.ok, result.to_dict()

    def hand_erase(self, email: str) -> None:
        handwritten_sql.erase(self.hand, email, pseudonym_of(f"email:{email}", KEY.encode()), self.today)

    def engine_batch(self, emails: list[str]) -> None:
        subjects = [Subject.of(f"email={email}", reference=f"b{n}") for n, email in enumerate(emails)]
        result = execute_erasure(self.policy, subjects, today=self.today, key=KEY)
        assert result.ok, result.to_dict()

    def hand_batch(self, emails: list[str]) -> None:
        pairs = [(email, pseudonym_of(f"email:{email}", KEY.encode())) for email in emails]
        handwritten_sql.erase_batch(self.hand, pairs, self.today)

    def warm_up(self, emails: list[str]) -> None:
        """Pool connections, reflect tables and compile statements on both sides, off the clock."""
        for email in emails[:3]:
            self.engine_access(email)
            self.hand_access(email)
        self.engine_erase(emails[3])
        self.hand_erase(emails[4])
        self.engine_batch(emails[6:106])
        self.hand_batch(emails[106:206])


Item = TypeVar("Item")


def alternate(
    engine: Callable[[Item], object], hand: Callable[[Item], object], engine_items: list[Item], hand_items: list[Item]
) -> tuple[list[float], list[float]]:
    """Time each item on each side, taking turns to go first, so that both meet the same conditions."""
    engine_times, hand_times = [], []
    for turn, (mine, theirs) in enumerate(zip(engine_items, hand_items, strict=True)):
        if turn % 2:
            engine_times.append(timed(lambda item=mine: engine(item)))
        hand_times.append(timed(lambda item=theirs: hand(item)))
        if not turn % 2:
            engine_times.append(timed(lambda item=mine: engine(item)))
    return engine_times, hand_times


def summarise(backend: str, operation: str, engine: list[float], hand: list[float]) -> list[Measure]:
    """Median and p95, in milliseconds."""
    return [
        Measure(
            backend, f"{operation}, median", statistics.median(engine) * 1000, statistics.median(hand) * 1000, "ms"
        ),
        Measure(backend, f"{operation}, p95", p95(engine) * 1000, p95(hand) * 1000, "ms"),
    ]


def print_table(measures: list[Measure]) -> None:
    print(f"\n{'backend':<11} {'operation':<34} {'engine':>11} {'hand SQL':>11} {'ratio':>6}")
    for row in measures:
        digits = 1 if row.unit == "ms" else 2
        engine, hand = f"{row.engine:.{digits}f} {row.unit}", f"{row.hand:.{digits}f} {row.unit}"
        print(f"{row.backend:<11} {row.operation:<34} {engine:>11} {hand:>11} {row.ratio:>6.2f}")


def main() -> None:
    arguments = parse_arguments()
    measures = []
    for backend in arguments.backends:
        url = database_url(backend, arguments)
        if not arguments.reuse:
            print(f"{backend}: generating {arguments.subjects:,} subjects", file=sys.stderr)
            generate(url, arguments.subjects)
        policy = load_policy(POLICY, {"CRM_DATABASE_URL": url, "PLATFORM_DATABASE_URL": url})
        create_identity_indexes(policy, url)
        print(f"{backend}: measuring", file=sys.stderr)
        measures += measure_backend(backend, policy, url, arguments)
    print_table(measures)


if __name__ == "__main__":
    with audit_trail(ChangeList()):  # the benchmark's changes are not kept
        main()
