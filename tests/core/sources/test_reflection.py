"""Reflecting the table of a dataset, on SQLite, PostgreSQL and MariaDB."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from registre.core.policy import Dataset, System
from registre.core.sources import (
    create_engine_for,
    qualified_name,
    read_only_connection,
    reflect_dataset,
    write_transaction,
)


@pytest.fixture
def engine(database_url):
    metadata = sa.MetaData()
    sa.Table(
        "crm_contacts",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(200), nullable=False),
    )
    engine = create_engine_for(System(url=database_url, location="FR"))
    with write_transaction(engine) as connection:
        metadata.create_all(connection)
    yield engine
    engine.dispose()


def test_a_dataset_is_reflected_from_its_declared_table(engine):
    dataset = Dataset(table="crm_contacts", fields={"email": {"category": "contact.email"}})
    with read_only_connection(engine) as connection:
        table = reflect_dataset(connection, "contacts", dataset)
    assert table.name == "crm_contacts"
    assert [column.name for column in table.primary_key] == ["id"]
    assert not table.c.email.nullable


def test_a_dataset_without_table_is_reflected_by_its_name(engine):
    with read_only_connection(engine) as connection:
        table = reflect_dataset(connection, "crm_contacts", Dataset())
    assert set(table.c.keys()) == {"id", "email"}


def test_reflecting_a_missing_table_raises(engine):
    with pytest.raises(sa.exc.NoSuchTableError), read_only_connection(engine) as connection:
        reflect_dataset(connection, "invoices", Dataset())


def test_a_qualified_name_shows_the_schema_only_when_there_is_one():
    assert qualified_name("contacts", None) == "contacts"
    assert qualified_name("contacts", "crm") == "crm.contacts"
