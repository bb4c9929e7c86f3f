"""The walk by pages (PostgreSQL): a table whose due rows are spread over it is swept range of pages after range
of pages, and the rows swept are exactly those plain SQL finds due; anything refused falls back to the batches
along the date, which name the rows."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
import sqlalchemy as sa
from tests.conftest import make_database_url

from registre.core.policy.model import Policy
from registre.core.retention import run_retention
from registre.core.retention import sweep as sweep_module
from registre.core.retention.pages import page_range, page_walk
from registre.core.sources.catalog import close_catalogs
from registre.core.sources.trail import ChangeList, audit_trail

pytestmark = pytest.mark.postgresql

ROWS = 6_000
AS_OF = dt.date(2026, 6, 1)
CUTOFF = dt.date(2025, 6, 2)  # kept one year: a row dated 1 June 2025 has run out on AS_OF, its anniversary


def policy(url: str, erase: str = "delete") -> Policy:
    reference: dict[str, str] = {"category": "identification.customer_number"}
    if erase == "anonymize":
        reference["anonymize"] = "redact"
    fields = {"happened_on": {"type": "date"}, "reference": reference}
    dataset = {"table": "événements", "key": "id", "fields": fields, "erase": erase}
    activity = {
        "name": "Events",
        "purpose": "Service events",
        "legal_basis": "contract",
        "datasets": ["app.events"],
        "retention": {"keep": "P1Y", "from": "app.events.happened_on", "then": erase},
    }
    return Policy.model_validate(
        {
            "registre": 1,
            "organisation": {"name": "Test SAS", "contacts": {"requests": {"email": "privacy@test.example"}}},
            "systems": {"app": {"url": url, "location": "FR", "datasets": {"events": dataset}}},
            "activities": {"events": activity},
        }
    )


@pytest.fixture
def spread(tmp_path):
    """`événements` whose dates are unrelated to where the rows lie: each page holds due rows and others."""
    urls = make_database_url("postgresql", tmp_path)
    url = next(urls)
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                'CREATE TABLE "événements" (id bigint PRIMARY KEY, happened_on date NOT NULL, reference text, '
                "payload text)"
            )
        )
        connection.execute(
            sa.text(
                "INSERT INTO \"événements\" SELECT n, DATE '2023-01-01' + ((n * 7919) % 1200)::int, "
                "'R-' || n, repeat('x', 100) FROM generate_series(1, :rows) AS n"
            ),
            {"rows": ROWS},
        )
        connection.execute(sa.text('CREATE INDEX "événements_happened_on" ON "événements" (happened_on)'))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(sa.text('VACUUM ANALYZE "événements"'))
    yield url, engine
    engine.dispose()
    close_catalogs()
    urls.close()


def due_ids(engine: sa.Engine) -> set[int]:
    with engine.connect() as connection:
        found = connection.execute(
            sa.text('SELECT id FROM "événements" WHERE happened_on < :cutoff'), {"cutoff": CUTOFF}
        )
        return set(found.scalars())


def all_ids(engine: sa.Engine) -> set[int]:
    with engine.connect() as connection:
        return set(connection.execute(sa.text('SELECT id FROM "événements"')).scalars())


def sweep(url: str, batch_size: int, erase: str = "delete"):
    with audit_trail(ChangeList()) as trail:
        run = run_retention(policy(url, erase), as_of=AS_OF, batch_size=batch_size)
    return run, trail


def test_spread_due_rows_are_walked_by_pages_and_exactly_the_due_rows_go(spread, monkeypatch):
    url, engine = spread
    ranges = []
    monkeypatch.setattr(
        sweep_module, "page_range", lambda first, end: ranges.append((first, end)) or page_range(first, end)
    )
    due, everything = due_ids(engine), all_ids(engine)
    assert 0 < len(due) < ROWS
    table = sa.Table("événements", sa.MetaData(), autoload_with=engine)
    with engine.connect() as connection:
        walk = page_walk(connection, table, table.c.happened_on, table.c.happened_on < CUTOFF, 500)
    assert walk is not None and walk.pages > 1

    run, trail = sweep(url, batch_size=500)

    assert run.ok and run.deleted == len(due)
    assert all_ids(engine) == everything - due
    assert sum(change.counts.get("événements.deleted", 0) for change in trail.changes) == len(due)
    # The ranges follow the pages, one after the other to the end of the table, about a batch of due rows each.
    assert ranges[0][0] == 0 and ranges[-1][1] is None and len(ranges) == run.datasets[0].batches
    assert all(end == following for (_, end), (following, _) in itertools.pairwise(ranges))
    assert len(ranges) >= len(due) // 1000


def test_a_walk_by_pages_anonymises_exactly_the_due_rows(spread):
    url, engine = spread
    due = due_ids(engine)
    run, _trail = sweep(url, batch_size=400, erase="anonymize")
    assert run.ok and run.anonymised == len(due)
    with engine.connect() as connection:
        redacted = set(
            connection.execute(
                sa.text("SELECT id FROM \"événements\" WHERE reference IS DISTINCT FROM 'R-' || id")
            ).scalars()
        )
    assert redacted == due


def test_a_range_the_database_refuses_hands_over_to_the_batches_along_the_date_which_name_the_rows(spread):
    url, engine = spread
    due = sorted(due_ids(engine))
    kept = due[::97]  # rows an undeclared table still points at: the database refuses to delete them
    with engine.begin() as connection:
        connection.execute(
            sa.text('CREATE TABLE notes (id serial PRIMARY KEY, event_id bigint REFERENCES "événements" (id))')
        )
        connection.execute(sa.text("INSERT INTO notes (event_id) SELECT unnest(CAST(:ids AS bigint[]))"), {"ids": kept})
    everything = all_ids(engine)

    run, _trail = sweep(url, batch_size=300)

    assert not run.ok
    assert sorted(int(failure.key) for failure in run.failures) == kept
    assert all("foreign key" in failure.error.lower() for failure in run.failures)
    assert all_ids(engine) == everything - set(due) | set(kept)


def test_rows_in_the_order_of_their_date_keep_the_batches_along_it(tmp_path):
    urls = make_database_url("postgresql", tmp_path)
    url = next(urls)
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE log (id bigint PRIMARY KEY, happened_on date NOT NULL)"))
        connection.execute(
            sa.text("INSERT INTO log SELECT n, DATE '2023-01-01' + n / 5 FROM generate_series(1, 6000) AS n")
        )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(sa.text("VACUUM ANALYZE log"))
        table = sa.Table("log", sa.MetaData(), autoload_with=connection)
        assert page_walk(connection, table, table.c.happened_on, table.c.happened_on < CUTOFF, 500) is None
    engine.dispose()
    urls.close()
