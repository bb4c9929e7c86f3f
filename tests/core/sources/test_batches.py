"""Temporary tables of identities: created in the session, filled, read in a read-only transaction, dropped."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from registre.core.policy import System
from registre.core.sources import create_engine_for, write_transaction
from registre.core.sources.batches import (
    IDENTITY_TABLE,
    IdentityRow,
    create_identity_table,
    drop_identity_table,
    read_only_batch,
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
