"""Shared engines and reflected tables: one per database, reflected once, forgotten on request."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from registre.core.policy import Dataset, System
from registre.core.sources import SourceError
from registre.core.sources.catalog import catalog_for, close_catalogs


@pytest.fixture(autouse=True)
def _no_shared_catalog():
    close_catalogs()
    yield
    close_catalogs()


def test_systems_on_the_same_database_share_one_catalog(sqlite_url):
    first, second = System(url=sqlite_url, location="FR"), System(url=sqlite_url, location="DE")
    assert catalog_for(first) is catalog_for(second)


def test_tables_are_reflected_once(database_url):
    engine = sa.create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE contacts (id INTEGER PRIMARY KEY, email VARCHAR(200))"))
    catalog = catalog_for(System(url=database_url, location="FR"))
    datasets = {"contacts": Dataset()}
    with catalog.engine.connect() as connection:
        first = catalog.tables(connection, datasets)["contacts"]
        assert list(first.c.keys()) == ["id", "email"]
        assert catalog.tables(connection, datasets)["contacts"] is first
    engine.dispose()


def test_a_missing_table_is_a_source_error_naming_the_dataset(sqlite_url):
    catalog = catalog_for(System(url=sqlite_url, location="FR"))
    with (
        catalog.engine.connect() as connection,
        pytest.raises(SourceError, match="dataset contacts: table crm_contacts"),
    ):
        catalog.tables(connection, {"contacts": Dataset(table="crm_contacts")})


def test_closing_the_catalogs_gives_new_ones(sqlite_url):
    system = System(url=sqlite_url, location="FR")
    first = catalog_for(system)
    close_catalogs()
    assert catalog_for(system) is not first
