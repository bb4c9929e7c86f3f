"""No change to a target database is committed without its audit entry, on SQLite, PostgreSQL and MariaDB."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from registre.core.sources import (
    ChangeList,
    TargetChange,
    UnauditedChange,
    audit_trail,
    create_engine_for_url,
    write_transaction,
)

METADATA = sa.MetaData()
TICKETS = sa.Table(
    "tickets",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("status", sa.String(20)),
)


class RefusingTrail:
    """A trail whose record fails (the audit log unreachable)."""

    @contextmanager
    def committing(self, change: TargetChange) -> Iterator[None]:
        raise RuntimeError("the audit log is unreachable")
        yield  # pragma: no cover


@pytest.fixture
def engine(database_url):
    engine = create_engine_for_url(database_url)
    with write_transaction(engine) as connection:
        METADATA.create_all(connection)
        connection.execute(TICKETS.insert(), [{"id": n, "status": "open"} for n in range(1, 6)])
    yield engine
    engine.dispose()


def ticket_count(engine: sa.Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(sa.text("SELECT COUNT(*) FROM tickets")).scalar_one())


def in_fresh_context(work):  # type: ignore[no-untyped-def]
    """Run `work` in a new thread: it starts with no audit trail in force (context variables do not follow)."""
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            work()
            outcome.append(None)
        except BaseException as error:
            outcome.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return outcome[0]


def test_a_write_with_no_trail_in_force_is_refused_before_anything_changes(engine):
    def delete_all() -> None:
        with write_transaction(engine) as connection:
            connection.execute(sa.delete(TICKETS))

    assert isinstance(in_fresh_context(delete_all), UnauditedChange)
    assert ticket_count(engine) == 5


def test_the_trail_records_the_rows_changed_by_table_and_verb(engine, recorded_changes):
    recorded_changes.clear()
    with write_transaction(engine, system="support") as connection:
        connection.execute(sa.delete(TICKETS).where(TICKETS.c.id <= 2))
        connection.execute(sa.update(TICKETS).where(TICKETS.c.id == 5).values(status="closed"))
    [change] = recorded_changes
    assert change.system == "support"
    assert change.counts == {"tickets.deleted": 2, "tickets.updated": 1}


def test_a_change_whose_entry_cannot_be_recorded_is_rolled_back(engine):
    refused = pytest.raises(RuntimeError, match="unreachable")
    with refused, audit_trail(RefusingTrail()), write_transaction(engine) as connection:
        connection.execute(sa.delete(TICKETS))
    assert ticket_count(engine) == 5


def test_a_block_that_raises_records_nothing(engine):
    trail = ChangeList()
    with pytest.raises(ValueError), audit_trail(trail), write_transaction(engine) as connection:
        connection.execute(sa.delete(TICKETS))
        raise ValueError("stop")
    assert trail.changes == [] and ticket_count(engine) == 5


def test_a_transaction_that_changes_no_row_needs_no_entry(engine):
    trail = ChangeList()
    with audit_trail(trail), write_transaction(engine) as connection:
        connection.execute(sa.delete(TICKETS).where(TICKETS.c.id > 100))
        connection.execute(sa.select(TICKETS)).all()
    assert trail.changes == []


def test_the_trail_in_force_is_the_innermost(engine):
    outer, inner = ChangeList(), ChangeList()
    with audit_trail(outer):
        with audit_trail(inner), write_transaction(engine) as connection:
            connection.execute(sa.delete(TICKETS).where(TICKETS.c.id == 1))
        with write_transaction(engine) as connection:
            connection.execute(sa.delete(TICKETS).where(TICKETS.c.id == 2))
    assert [change.counts for change in inner.changes] == [{"tickets.deleted": 1}]
    assert [change.counts for change in outer.changes] == [{"tickets.deleted": 1}]
