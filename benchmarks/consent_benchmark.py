"""Benchmark: the consent ledger on PostgreSQL against the same work written by hand.

1. Create a fresh PostgreSQL database (`registre_consent_bench`, dropped and created again) and migrate
   Registre's application schema into it; copy the ledger's table as `handwritten_ledger` (same columns,
   same indexes).
2. Draw N events (default 1,000,000) over N/10 people and the two purposes of the example policy
   (`prospecting`, `call-quality`), given and withdrawn, at increasing times (seeded, the same for both).
3. Recording, chunk after chunk (default 100,000 events), alternately:
   - Registre: `consent.imports.import_events` (each event checked by `core.consent.check_event`, the
     address encrypted and its lookup hash computed, 5,000 rows per INSERT and transaction, one audit
     entry per batch);
   - by hand: the same values computed with the same vault functions (hash, encryption, wording), then
     psycopg's `executemany` of a plain INSERT, 5,000 rows per transaction.
4. The state of one person, for S people drawn at random (default 500), on each table:
   - Registre: `consent.actions.last_events(subject_ref)` (one query over the (subject_ref, purpose, id) index);
   - by hand: `SELECT DISTINCT ON (purpose) ... WHERE subject_ref = %s ORDER BY purpose, id DESC`.
5. Print the seconds and events per second of each side, the ratio (target <= 1.25), and the median and
   95th percentile of the state query in milliseconds (target: under 5 ms at 1M events).

    PYTHONPATH=src .venv/bin/python benchmarks/consent_benchmark.py --events 1000000
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PURPOSES = ("prospecting", "call-quality")
BATCH = 5000
START = dt.datetime(2026, 1, 2, tzinfo=dt.UTC)
INSERT = (
    "INSERT INTO handwritten_ledger (subject_ref, email, purpose, basis, state, method, at, lang, wording_version, "
    "wording_text, evidence, recorded_by_id, recorded_by_name, execution) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
)
STATE = (
    "SELECT DISTINCT ON (purpose) id, purpose, state, at, wording_version FROM handwritten_ledger "
    "WHERE subject_ref = %s ORDER BY purpose, id DESC"
)


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000, help="consent events recorded by each side")
    parser.add_argument("--chunk", type=int, default=100_000, help="events per alternation of the two sides")
    parser.add_argument("--samples", type=int, default=500, help="people whose state is read")
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432", help="PostgreSQL server URL")
    parser.add_argument("--database", default="registre_consent_bench", help="database (dropped and created)")
    return parser.parse_args()


def create_database(server: str, name: str) -> None:
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def start_django(url: str) -> None:
    """Registre's settings on the benchmark database, migrated; no other configuration."""
    folder = Path(tempfile.mkdtemp(prefix="registre-consent-bench-"))
    for source in (ROOT / "examples" / "cloud-host").glob("*.yaml"):  # a copy: edits cannot reach a long run
        shutil.copyfile(source, folder / source.name)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="registre.web.settings",
        REGISTRE_DATABASE_URL=url,
        REGISTRE_DATA_DIR=str(folder),
        REGISTRE_POLICY=str(folder / "registre.yaml"),
    )
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def draw_events(count: int, seed: int = 2026) -> Iterator[tuple[str, str, str, dt.datetime]]:
    """(email, purpose, state, at): N events over N/10 people, one second apart."""
    chance = random.Random(seed)
    people = max(1, count // 10)
    for number in range(count):
        person = chance.randrange(people)
        yield (
            f"person.{person}@bench.example",
            PURPOSES[chance.randrange(2)],
            "withdrawn" if chance.random() < 0.4 else "given",
            START + dt.timedelta(seconds=number),
        )


def record_with_registre(events: list[tuple[str, str, str, dt.datetime]]) -> float:
    from registre.web.consent.imports import Imported, import_events

    started = time.perf_counter()
    import_events("system", (Imported(email, purpose, state, at) for email, purpose, state, at in events), batch=BATCH)
    return time.perf_counter() - started


def record_by_hand(connection: psycopg.Connection[Any], events: list[tuple[str, str, str, dt.datetime]]) -> float:
    """The same rows, computed with the same functions, inserted with a plain INSERT."""
    from registre.core.consent import ledger_purposes
    from registre.web.policy import current_policy
    from registre.web.vault.keys import encrypt_text, lookup_hash

    policy = current_policy()
    assert policy is not None
    purposes = ledger_purposes(policy)
    started = time.perf_counter()
    for first in range(0, len(events), BATCH):
        rows = []
        for email, purpose, state, at in events[first : first + BATCH]:
            wording = purposes[purpose].wording(on=at.date())
            rows.append(
                (
                    lookup_hash(f"email:{email}"),
                    encrypt_text(email),
                    purpose,
                    purposes[purpose].basis,
                    state,
                    "import",
                    at,
                    "fr",
                    wording.version if wording else "",
                    wording.text.get("fr") if wording else "",
                    json.dumps({}),
                    None,
                    "system",
                    None,
                )
            )
        with connection.transaction(), connection.cursor() as cursor:
            cursor.executemany(INSERT, rows)
    return time.perf_counter() - started


def state_times(connection: psycopg.Connection[Any], refs: list[str]) -> tuple[list[float], list[float]]:
    """Milliseconds of the state of each person: Registre's query, and the hand-written one."""
    from registre.web.consent.actions import last_events

    ours, theirs = [], []
    for ref in refs:
        started = time.perf_counter()
        last_events(ref)
        ours.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        connection.execute(STATE, (ref,)).fetchall()
        theirs.append((time.perf_counter() - started) * 1000)
    return ours, theirs


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> int:
    arguments = parse_arguments()
    url = f"{arguments.server}/{arguments.database}"
    create_database(arguments.server, arguments.database)
    start_django(url)
    from django.db import connection as django_connection

    from registre.web.vault.keys import lookup_hash

    with django_connection.cursor() as cursor:
        cursor.execute("CREATE TABLE handwritten_ledger (LIKE consent_consentevent INCLUDING ALL)")
    hand = psycopg.connect(url, autocommit=True)
    events = draw_events(arguments.events)
    registre_seconds = hand_seconds = 0.0
    done = 0
    while done < arguments.events:
        chunk = [next(events) for _ in range(min(arguments.chunk, arguments.events - done))]
        registre_seconds += record_with_registre(chunk)
        hand_seconds += record_by_hand(hand, chunk)
        done += len(chunk)
        print(f"  {done:>10,} events: Registre {registre_seconds:8.1f} s, by hand {hand_seconds:8.1f} s", flush=True)
    hand.execute("ANALYZE handwritten_ledger")
    hand.execute("ANALYZE consent_consentevent")
    chance = random.Random(7)
    refs = [lookup_hash(f"email:person.{chance.randrange(max(1, arguments.events // 10))}@bench.example")]
    refs += [lookup_hash(f"email:person.{chance.randrange(max(1, arguments.events // 10))}@bench.example")
             for _ in range(arguments.samples - 1)]  # fmt: skip
    state_times(hand, refs[:20])  # warm both caches
    ours, theirs = state_times(hand, refs)
    hand.close()
    print(f"\nconsent ledger on PostgreSQL, {arguments.events:,} events over {arguments.events // 10:,} people")
    print(f"{'':28}{'Registre':>12}{'by hand':>12}{'ratio':>8}")
    ratio = registre_seconds / hand_seconds
    print(f"{'recording (s)':28}{registre_seconds:12.1f}{hand_seconds:12.1f}{ratio:8.2f}")
    rate = arguments.events / registre_seconds, arguments.events / hand_seconds
    print(f"{'events per second':28}{rate[0]:12,.0f}{rate[1]:12,.0f}")
    medians = statistics.median(ours), statistics.median(theirs)
    print(f"{'state of one person, median (ms)':28}{medians[0]:12.2f}{medians[1]:12.2f}{medians[0] / medians[1]:8.2f}")
    tails = percentile(ours, 0.95), percentile(theirs, 0.95)
    print(f"{'state of one person, p95 (ms)':28}{tails[0]:12.2f}{tails[1]:12.2f}{tails[0] / tails[1]:8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
