"""A sweep and an erasure at the same time, on SQLite, PostgreSQL and MariaDB: both finish.

Deadlocks and serialisation failures (and SQLite's "database is locked") roll back a batch, or an
erasure's transaction, which runs again after a growing pause (`retry_transient`).
"""

from __future__ import annotations

import threading
import time

import sqlalchemy as sa

from registre.core.engine import Subject, execute_erasure
from registre.core.retention import run_retention
from registre.core.sources import ChangeList, audit_trail
from registre.core.sources.connection import is_transient, retry_transient


def test_a_sweep_and_an_erasure_run_concurrently_and_both_finish(crm):
    subjects = [Subject.of(f"email={name}@example.org") for name in ("alice", "bob", "carol", "dave", "erin", "frank")]
    outcomes: dict[str, object] = {}
    start = threading.Barrier(2)

    # A thread starts without the test's audit trail (a context variable): each brings its own.
    def sweep() -> None:
        start.wait()
        with audit_trail(ChangeList()):
            outcomes["sweep"] = run_retention(crm.policy, as_of=crm.AS_OF, batch_size=1)

    def erase() -> None:
        start.wait()
        with audit_trail(ChangeList()):
            outcomes["erasure"] = execute_erasure(crm.policy, subjects, today=crm.AS_OF, key=crm.KEY)

    threads = [threading.Thread(target=sweep), threading.Thread(target=erase)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    assert outcomes["sweep"].ok, outcomes["sweep"].to_text()
    assert outcomes["erasure"].ok, outcomes["erasure"].to_dict()
    # Plain SQL: whatever the order, no contact row of theirs still holds their email.
    with crm.engine.connect() as connection:
        left = connection.execute(sa.text("SELECT COUNT(*) FROM contacts WHERE email LIKE '%@example.org'")).scalar()
    assert left == 0
    again = run_retention(crm.policy, as_of=crm.AS_OF)
    assert again.ok and (again.deleted, again.anonymised) == (0, 0), "the sweep finished its work"


def test_a_write_refused_while_the_database_is_locked_is_run_again(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'locked.sqlite'}", connect_args={"timeout": 0})
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER)"))
        connection.execute(sa.text("INSERT INTO t VALUES (1, 0)"))
    holder = engine.raw_connection()
    holder.execute("BEGIN EXCLUSIVE")
    released = threading.Timer(0.3, holder.commit)
    released.start()
    attempts = []

    def work(connection: sa.Connection) -> int:
        attempts.append(time.monotonic())
        return connection.execute(sa.text("UPDATE t SET v = v + 1")).rowcount

    try:
        assert retry_transient(engine, work, pause=0.05) == 1
    finally:
        released.join()
        holder.close()
    assert len(attempts) > 1, "refused while locked, then run again"
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT v FROM t")).scalar() == 1


def test_an_integrity_error_is_not_retried(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'unique.sqlite'}")
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE t (id INTEGER PRIMARY KEY)"))
    attempts = []

    def work(connection: sa.Connection) -> None:
        attempts.append(1)
        connection.execute(sa.text("INSERT INTO t VALUES (1), (1)"))

    try:
        retry_transient(engine, work)
    except sa.exc.IntegrityError as error:
        assert not is_transient(error)
    assert attempts == [1]
