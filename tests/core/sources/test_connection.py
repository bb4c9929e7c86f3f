"""Engines and transactions on SQLite, PostgreSQL and MariaDB: URLs, read-only reads, atomic writes."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from registre.core.policy import System
from registre.core.sources import (
    SourceError,
    create_engine_for,
    describe_error,
    display_url,
    normalise_url,
    read_only_connection,
    write_transaction,
)
from registre.core.sources.connection import READ_ONLY_HINT, create_engine_for_url, describe_write_error

METADATA = sa.MetaData()
CONTACTS = sa.Table(
    "contacts",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("email", sa.String(200)),
)
INVOICES = sa.Table(
    "invoices",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("contact_id", sa.Integer, sa.ForeignKey("contacts.id")),
)


def system_at(url: str) -> System:
    return System(url=url, location="FR")


@pytest.fixture
def engine(database_url):
    engine = create_engine_for(system_at(database_url))
    with write_transaction(engine) as connection:
        METADATA.create_all(connection)
        connection.execute(CONTACTS.insert(), [{"id": 1, "email": "ada@example.org"}])
    yield engine
    engine.dispose()


def count_contacts(engine: sa.Engine) -> int:
    with read_only_connection(engine) as connection:
        return connection.execute(sa.select(sa.func.count()).select_from(CONTACTS)).scalar_one()


# URLs ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://app@db/crm", "postgresql+psycopg://app@db/crm"),
        ("postgres://app@db/crm", "postgresql+psycopg://app@db/crm"),
        ("mysql://app@db/crm", "mysql+pymysql://app@db/crm?charset=utf8mb4"),
        ("mariadb://app@db/crm", "mariadb+pymysql://app@db/crm?charset=utf8mb4"),
        ("mysql+pymysql://app@db/crm?charset=latin1", "mysql+pymysql://app@db/crm?charset=latin1"),
        ("postgresql+psycopg2://app@db/crm", "postgresql+psycopg2://app@db/crm"),
        ("sqlite:///crm.sqlite", "sqlite:///crm.sqlite"),
    ],
)
def test_a_url_naming_only_the_database_gets_the_installed_driver(given, expected):
    assert normalise_url(given).render_as_string(hide_password=False) == expected


def test_an_invalid_url_is_refused_without_repeating_it():
    with pytest.raises(SourceError) as raised:
        normalise_url("not a url with s3cret inside")
    assert "s3cret" not in str(raised.value)


def test_a_url_is_displayed_with_its_password_hidden():
    shown = display_url("postgresql://app:s3cret@db/crm")
    assert "s3cret" not in shown
    assert shown == "postgresql://app:***@db/crm"


def test_an_unparsable_url_is_not_displayed():
    assert display_url("s3cret garbage") == "<invalid URL>"


def test_a_dialect_that_is_not_installed_is_a_source_error():
    with pytest.raises(SourceError, match="Can't load plugin"):
        create_engine_for(system_at("nosuchdialect://app:s3cret@db/crm"))


def test_a_connection_error_is_described_without_the_password():
    url = "postgresql://registre:s3cret@127.0.0.1:1/crm"
    engine = create_engine_for(system_at(url))
    with pytest.raises(sa.exc.OperationalError) as raised:
        engine.connect()
    engine.dispose()
    message = describe_error(raised.value, url)
    assert "s3cret" not in message
    assert "127.0.0.1" in message
    assert "\n" not in message


def test_describe_error_removes_a_password_the_driver_repeats():
    error = RuntimeError("login failed for app:s3cret@db")
    assert describe_error(error, "mysql://app:s3cret@db/crm") == "login failed for app:***@db"


# Engines and transactions on every backend ----------------------------------


def test_foreign_keys_are_enforced(engine):
    with pytest.raises(sa.exc.IntegrityError), write_transaction(engine) as connection:
        connection.execute(INVOICES.insert().values(id=1, contact_id=999))


def test_read_only_connections_refuse_writes(engine):
    with pytest.raises(sa.exc.DBAPIError), read_only_connection(engine) as connection:
        connection.execute(CONTACTS.insert().values(id=2, email="bob@example.org"))
    assert count_contacts(engine) == 1


def test_read_only_connections_read(engine):
    with read_only_connection(engine) as connection:
        assert connection.execute(sa.select(CONTACTS.c.email)).scalars().all() == ["ada@example.org"]


def test_a_read_only_connection_leaves_the_pool_writable(engine):
    for _ in range(3):
        count_contacts(engine)
    with write_transaction(engine) as connection:
        connection.execute(CONTACTS.insert().values(id=2, email="bob@example.org"))
    assert count_contacts(engine) == 2


def test_a_read_only_engine_refuses_writes_even_in_a_write_transaction(engine, database_url):
    reader = create_engine_for(system_at(database_url), read_only=True)
    try:
        with pytest.raises(sa.exc.DBAPIError), write_transaction(reader) as connection:
            connection.execute(CONTACTS.insert().values(id=2, email="bob@example.org"))
        with read_only_connection(reader) as connection:
            assert connection.execute(sa.select(sa.func.count()).select_from(CONTACTS)).scalar_one() == 1
    finally:
        reader.dispose()


def test_a_write_transaction_commits_when_the_block_ends(engine):
    with write_transaction(engine) as connection:
        connection.execute(CONTACTS.insert().values(id=2, email="bob@example.org"))
        connection.execute(INVOICES.insert().values(id=1, contact_id=2))
    assert count_contacts(engine) == 2


def test_a_write_transaction_rolls_back_every_statement_when_the_block_raises(engine):
    with pytest.raises(RuntimeError), write_transaction(engine) as connection:
        connection.execute(CONTACTS.insert().values(id=2, email="bob@example.org"))
        connection.execute(CONTACTS.update().values(email="changed@example.org"))
        raise RuntimeError("the erasure of the next dataset failed")
    with read_only_connection(engine) as connection:
        assert connection.execute(sa.select(CONTACTS.c.email)).scalars().all() == ["ada@example.org"]


def test_a_write_transaction_sees_its_own_reads_and_writes(engine):
    with write_transaction(engine) as connection:
        connection.execute(CONTACTS.insert().values(id=2, email="bob@example.org"))
        assert connection.execute(sa.select(sa.func.count()).select_from(CONTACTS)).scalar_one() == 2


def test_a_read_only_engine_reads_an_sqlite_file_whose_path_needs_quoting(tmp_path):
    path = tmp_path / "crm data #1.sqlite"
    writer = create_engine_for(system_at(f"sqlite:///{path}"))
    with write_transaction(writer) as connection:
        METADATA.create_all(connection)
    writer.dispose()
    reader = create_engine_for(system_at(f"sqlite:///{path}"), read_only=True)
    with read_only_connection(reader) as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(CONTACTS)).scalar_one() == 0
    reader.dispose()


def test_a_write_error_says_the_credentials_may_only_read_only_when_they_may(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    writer = sa.create_engine(url)
    with writer.begin() as connection:
        connection.execute(sa.text("CREATE TABLE t (id INTEGER PRIMARY KEY)"))
        connection.execute(sa.text("INSERT INTO t VALUES (1)"))
    with pytest.raises(sa.exc.IntegrityError) as duplicate, writer.begin() as connection:
        connection.execute(sa.text("INSERT INTO t VALUES (1)"))
    writer.dispose()
    reader = create_engine_for_url(url, read_only=True)
    with pytest.raises(sa.exc.OperationalError) as refused, reader.begin() as connection:
        connection.execute(sa.text("INSERT INTO t VALUES (2)"))
    reader.dispose()
    assert describe_write_error(refused.value, url) == f"attempt to write a readonly database: {READ_ONLY_HINT}"
    assert describe_write_error(duplicate.value, url) == describe_error(duplicate.value, url)
    assert READ_ONLY_HINT not in describe_error(refused.value, url)
