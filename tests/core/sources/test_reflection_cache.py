"""Reflected tables kept on disk between processes, read back while their definition is unchanged."""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa

from registre.core.policy import Dataset, System
from registre.core.sources import (
    SourceError,
    catalog_for,
    close_catalogs,
    create_engine_for,
    read_only_connection,
    use_reflection_cache,
    write_transaction,
)
from registre.core.sources.reflection import reflect_tables
from registre.core.sources.reflection_cache import ReflectionCache, default_cache_directory, fingerprint

NAMES = ["crm_contacts", "crm_tickets"]


@pytest.fixture
def engine(database_url):
    metadata = sa.MetaData()
    sa.Table(
        "crm_contacts",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(200), nullable=False),
    )
    sa.Table(
        "crm_tickets",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("contact_id", sa.Integer, sa.ForeignKey("crm_contacts.id")),
        sa.Column("body", sa.Text),
    )
    engine = create_engine_for(System(url=database_url, location="FR"))
    with write_transaction(engine) as connection:
        metadata.create_all(connection)
    yield engine
    engine.dispose()


class Reflections:
    """`reflect` for the cache, counting the times the database was actually asked."""

    def __init__(self, connection: sa.Connection) -> None:
        self.connection = connection
        self.count = 0

    def __call__(self) -> dict[str, sa.Table]:
        self.count += 1
        return reflect_tables(self.connection, None, NAMES, sa.MetaData())


def cached_tables(cache: ReflectionCache, engine: sa.Engine) -> tuple[dict[str, sa.Table], int]:
    with read_only_connection(engine) as connection:
        reflections = Reflections(connection)
        tables = cache.tables(connection, None, NAMES, reflections)
    return tables, reflections.count


def test_the_next_process_reads_the_tables_back_without_reflecting_them(engine, tmp_path):
    first, reflected = cached_tables(ReflectionCache(tmp_path), engine)
    assert reflected == 1
    again, reflected = cached_tables(ReflectionCache(tmp_path), engine)
    assert reflected == 0
    assert set(again) == set(NAMES)
    assert again["crm_contacts"].c.keys() == ["id", "email"]
    assert [column.name for column in again["crm_contacts"].primary_key] == ["id"]
    assert not again["crm_contacts"].c.email.nullable
    assert again["crm_contacts"] is not first["crm_contacts"]


def test_the_cached_tables_run_statements(engine, tmp_path):
    cached_tables(ReflectionCache(tmp_path), engine)
    tables, _ = cached_tables(ReflectionCache(tmp_path), engine)
    with write_transaction(engine) as connection:
        connection.execute(tables["crm_contacts"].insert(), {"id": 1, "email": "ada@example.org"})
        found = connection.execute(sa.select(tables["crm_contacts"].c.email)).scalars().all()
    assert found == ["ada@example.org"]


def test_a_migration_changes_the_fingerprint_and_the_tables_are_reflected_again(engine, tmp_path):
    cached_tables(ReflectionCache(tmp_path), engine)
    with write_transaction(engine) as connection:
        connection.execute(sa.text("ALTER TABLE crm_tickets ADD COLUMN opened_at DATE"))
    tables, reflected = cached_tables(ReflectionCache(tmp_path), engine)
    assert reflected == 1
    assert "opened_at" in tables["crm_tickets"].c
    _, reflected = cached_tables(ReflectionCache(tmp_path), engine)
    assert reflected == 0


def test_the_fingerprint_follows_the_definition_not_the_rows(engine):
    with read_only_connection(engine) as connection:
        before = fingerprint(connection, None, NAMES)
    with write_transaction(engine) as connection:
        connection.execute(sa.text("INSERT INTO crm_contacts (id, email) VALUES (7, 'x@example.org')"))
    with read_only_connection(engine) as connection:
        assert fingerprint(connection, None, NAMES) == before
    with write_transaction(engine) as connection:
        connection.execute(sa.text("ALTER TABLE crm_contacts ADD COLUMN phone VARCHAR(20)"))
    with read_only_connection(engine) as connection:
        assert fingerprint(connection, None, NAMES) != before


def test_an_unreadable_cache_file_is_replaced(engine, tmp_path):
    cached_tables(ReflectionCache(tmp_path), engine)
    (path,) = tmp_path.glob("*.pickle")
    path.write_bytes(b"not a pickle")
    os.chmod(path, 0o600)
    _, reflected = cached_tables(ReflectionCache(tmp_path), engine)
    assert reflected == 1
    _, reflected = cached_tables(ReflectionCache(tmp_path), engine)
    assert reflected == 0


def test_a_cache_file_others_may_write_is_never_read(engine, tmp_path):
    cached_tables(ReflectionCache(tmp_path), engine)
    (path,) = tmp_path.glob("*.pickle")
    os.chmod(path, 0o666)
    _, reflected = cached_tables(ReflectionCache(tmp_path), engine)
    assert reflected == 1


def test_the_cache_folder_is_private_and_holds_no_password(engine, tmp_path):
    folder = tmp_path / "cache"
    cached_tables(ReflectionCache(folder), engine)
    assert folder.stat().st_mode & 0o777 == 0o700
    (path,) = folder.glob("*.pickle")
    assert path.stat().st_mode & 0o077 == 0
    password = engine.url.password
    assert not password or str(password).encode() not in path.read_bytes()


def test_a_catalog_uses_the_cache_and_still_names_a_missing_table(engine, tmp_path):
    system = System(url=engine.url.render_as_string(hide_password=False), location="FR")
    use_reflection_cache(tmp_path)
    try:
        close_catalogs()
        catalog = catalog_for(system)
        with read_only_connection(catalog.engine) as connection:
            tables = catalog.tables(connection, {"contacts": Dataset(table="crm_contacts")})
            assert tables["contacts"].name == "crm_contacts"
            with pytest.raises(SourceError, match="dataset invoices: table invoices does not exist"):
                catalog.tables(connection, {"invoices": Dataset()})
        assert list(tmp_path.glob("*.pickle"))
    finally:
        close_catalogs()
        use_reflection_cache(default_cache_directory())


def test_the_default_folder_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("REGISTRE_CACHE_DIR", str(tmp_path))
    assert default_cache_directory() == tmp_path / "reflection"
    monkeypatch.delenv("REGISTRE_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_directory() == tmp_path / "xdg" / "registre" / "reflection"
