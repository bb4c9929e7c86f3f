"""Temporary tables of identities: created in the session, filled, read in a read-only transaction, dropped."""

from __future__ import annotations

import sqlite3

import pytest
import sqlalchemy as sa
from tests.conftest import make_database_url

from registre.core.policy import System
from registre.core.sources import create_engine_for, create_engine_for_url, write_transaction
from registre.core.sources.batches import (
    IDENTITY_TABLE,
    IdentityRow,
    create_identity_table,
    drop_identity_table,
    fits_row_table,
    read_only_batch,
    searches_index,
    split_rows,
)

ROWS = [
    IdentityRow("ada", "email", "ada@example.org", "p1"),
    IdentityRow("ada", "email", "Ada@Example.org", "p1"),
    IdentityRow("bob", "phone", "+33612345678", None),
    IdentityRow("bob", "phone", "+33612345678", None),
]


@pytest.fixture
def engine(database_url):
    engine = create_engine_for(System(url=database_url, location="FR"))
    yield engine
    engine.dispose()


def test_a_batch_is_readable_in_a_read_only_transaction_then_dropped(engine):
    other = sa.Table("others", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True, autoincrement=False))
    with write_transaction(engine) as connection:
        other.create(connection)
    with read_only_batch(engine, ROWS) as (connection, values):
        assert values is None, "a session that may write reads the temporary table"
        table = IDENTITY_TABLE
        rows = connection.execute(sa.select(table.c.subject_ref, table.c.value).order_by(table.c.position)).all()
        with pytest.raises(sa.exc.DBAPIError):
            connection.execute(other.insert().values(id=1))
    assert [tuple(row) for row in rows] == [
        ("ada", "ada@example.org"),
        ("ada", "Ada@Example.org"),
        ("bob", "+33612345678"),
    ]
    with engine.connect() as connection:
        assert not sa.inspect(connection).has_table("registre_subjects")


def test_a_batch_lives_in_the_write_transaction_and_can_be_made_again(engine):
    for _ in range(2):
        with write_transaction(engine) as connection:
            table = create_identity_table(connection, ROWS[:1])
            assert connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one() == 1
            drop_identity_table(connection, table)


def test_a_batch_is_private_to_its_session(engine):
    with write_transaction(engine) as connection:
        table = create_identity_table(connection, ROWS)
        with engine.connect() as other:
            assert not sa.inspect(other).has_table(table.name)
        drop_identity_table(connection, table)


def test_rows_are_split_under_the_limit_and_a_subject_is_never_split():
    rows = [IdentityRow(ref, "email", f"{ref}{n}@example.org", "p") for ref in "abc" for n in range(3)]
    parts = split_rows(rows, limit=26)  # 4 parameters a row: two subjects (24) fit, three (36) do not
    assert [[row.subject_ref for row in part] for part in parts] == [["a"] * 3 + ["b"] * 3, ["c"] * 3]
    without_pseudonym = [row._replace(pseudonym=None) for row in rows]  # NULL is written, not bound: 3 a row
    assert len(split_rows(without_pseudonym, limit=27)) == 1
    assert split_rows(rows, limit=5) == [rows[0:3], rows[3:6], rows[6:9]]  # a subject over the limit goes alone
    assert split_rows([], limit=10) == [[]]


TRICKY = [
    IdentityRow("quote", "email", "jeanne.d'arc@exemple.fr", "p1"),
    IdentityRow("wild", "code", "50% off_été 'x'", None),
    IdentityRow("sql", "code", "'; DROP TABLE people; --", "p3"),
    IdentityRow("sql", "code", "'; DROP TABLE people; --", "p3"),
    IdentityRow("space", "name", "  Zoé Ñandú  ", None),
]


def _session_that_may_not_write(database) -> sa.Engine:  # type: ignore[no-untyped-def]
    """An engine whose sessions may not create a temporary table (SQLite: `query_only` on every connection)."""
    if database.backend == "sqlite":
        return create_engine_for_url(database.writer, read_only=True)
    return create_engine_for_url(database.reader())


def test_a_session_that_may_not_create_the_table_reads_the_batch_from_bound_values(read_only_database):
    others = sa.Table("others", sa.MetaData(), sa.Column("value", sa.String(60), primary_key=True))
    engine = sa.create_engine(read_only_database.writer)
    with engine.begin() as connection:
        others.create(connection)
        connection.execute(others.insert(), [{"value": "50% off_été 'x'"}, {"value": "50% offXété 'x'"}])
    engine.dispose()
    reader = _session_that_may_not_write(read_only_database)
    with read_only_batch(reader, TRICKY) as (connection, values):
        assert values is not None
        table = IDENTITY_TABLE
        (listed,) = values.statements(
            sa.select(table.c.subject_ref, table.c.identity_type, table.c.value, table.c.pseudonym)
        )
        (joined,) = values.statements(
            sa.select(table.c.subject_ref, others.c.value).select_from(
                others.join(table, sa.cast(others.c.value, sa.LargeBinary) == sa.cast(table.c.value, sa.LargeBinary))
            )
        )
        found = sorted(tuple(row) for row in connection.execute(listed))
        matched = [tuple(row) for row in connection.execute(joined)]
    reader.dispose()
    assert found == sorted(dict.fromkeys(TRICKY))
    assert matched == [("wild", "50% off_été 'x'")]


def test_a_batch_over_the_parameter_limit_is_read_in_parts_that_the_database_accepts(tmp_path):
    url = f"sqlite:///{tmp_path / 'batch.sqlite'}"
    sqlite3.connect(tmp_path / "batch.sqlite").close()
    rows = [IdentityRow(f"s{n}", "email", f"person{n}@example.org", f"pseudonym-{n}") for n in range(9_000)]
    reader = create_engine_for_url(url, read_only=True)
    with read_only_batch(reader, rows) as (connection, values):
        assert values is not None and len(values.parts) == 2  # 36,000 parameters: over SQLite's 32,766
        statement = sa.select(IDENTITY_TABLE.c.subject_ref).where(IDENTITY_TABLE.c.value.like("person%"))
        found = [row[0] for part in values.statements(statement) for row in connection.execute(part)]
    reader.dispose()
    assert sorted(found) == sorted(f"s{n}" for n in range(9_000))


def test_the_planner_says_whether_it_searches_an_index_with_an_array(tmp_path):
    urls = make_database_url("postgresql", tmp_path)
    engine = create_engine_for(System(url=next(urls), location="FR"))
    people = sa.Table(
        "people", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True), sa.Column("email", sa.Text)
    )
    among = sa.func.lower(people.c.email) == sa.any_(sa.func.array(sa.select(IDENTITY_TABLE.c.value).scalar_subquery()))
    query = sa.select(people.c.id).where(among)
    try:
        with write_transaction(engine) as connection:
            people.create(connection)
            create_identity_table(connection, ROWS)
            connection.execute(sa.text("SET LOCAL enable_seqscan = off"))  # the table is small: ask for the index
            assert not searches_index(connection, query), "no index on lower(email)"
            sa.Index("ix_people_email_lower", sa.func.lower(people.c.email)).create(connection)
            assert searches_index(connection, query)
            drop_identity_table(connection, IDENTITY_TABLE)
    finally:
        engine.dispose()
        urls.close()


def test_a_key_too_long_for_a_mariadb_primary_key_gets_no_table_of_resolved_rows():
    def key(column_type):
        return sa.Table("t", sa.MetaData(), sa.Column("id", column_type, primary_key=True)).c.id

    assert fits_row_table(key(sa.String(500)), "postgresql")
    assert fits_row_table(key(sa.Text()), "sqlite")
    for dialect in ("mysql", "mariadb"):
        assert fits_row_table(key(sa.Integer()), dialect)
        assert fits_row_table(key(sa.String(255)), dialect)
        assert not fits_row_table(key(sa.String(500)), dialect)
        assert not fits_row_table(key(sa.Text()), dialect)


def test_a_key_the_database_does_not_keep_unique_gets_no_table_of_resolved_rows():
    metadata = sa.MetaData()
    table = sa.Table(
        "t",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(20), unique=True),
        sa.Column("number", sa.String(20), index=True),
        sa.Column("line", sa.Integer, primary_key=True),
    )
    assert fits_row_table(table.c.code, "postgresql")
    assert not fits_row_table(table.c.number, "postgresql"), "an index that is not unique"
    assert not fits_row_table(table.c.id, "postgresql"), "a part of the primary key"
