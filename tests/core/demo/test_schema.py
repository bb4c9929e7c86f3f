"""The demo tables are exactly the datasets of the cloud-host example, on every database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from registre.core.demo.schema import SYSTEMS, create_empty_tables, create_indexes
from registre.core.policy import Dataset, parse_policy


def _datasets(policy_path: Path) -> list[tuple[str, str, Dataset]]:
    """(system, dataset name, dataset) for every dataset of the policy."""
    policy = parse_policy(policy_path).policy
    assert policy is not None
    return [(reference.partition(".")[0], name, dataset) for reference, _, name, dataset in policy.iter_datasets()]


NOW = dt.datetime(2026, 11, 23, 12, 0)


@pytest.fixture
def created(database_url: str) -> Iterator[sa.Inspector]:
    engine = sa.create_engine(database_url)
    with engine.begin() as connection:
        for metadata in SYSTEMS.values():
            create_empty_tables(connection, metadata)
            create_indexes(connection, metadata)
    yield sa.inspect(engine)
    engine.dispose()


def test_there_is_one_table_per_dataset_of_the_example(cloud_host_policy_path: Path) -> None:
    expected = {(system, dataset.table_name(name)) for system, name, dataset in _datasets(cloud_host_policy_path)}
    actual = {(system, table) for system, metadata in SYSTEMS.items() for table in metadata.tables}
    assert actual == expected


def test_tables_have_exactly_the_columns_the_policy_declares(
    created: sa.Inspector, cloud_host_policy_path: Path
) -> None:
    for _, name, dataset in _datasets(cloud_host_policy_path):
        columns = {column["name"] for column in created.get_columns(dataset.table_name(name))}
        assert columns == dataset.declared_columns(), name


def test_foreign_keys_match_the_references_of_the_policy(created: sa.Inspector, cloud_host_policy_path: Path) -> None:
    for _, name, dataset in _datasets(cloud_host_policy_path):
        foreign_keys = {
            (key["constrained_columns"][0], f"{key['referred_table']}.{key['referred_columns'][0]}")
            for key in created.get_foreign_keys(dataset.table_name(name))
        }
        # A mention by key (a contract's signatory) is a foreign key too, but not ownership.
        mentions = {(column, m.person) for column, m in dataset.mentions.items() if m.person is not None}
        assert foreign_keys == set(dataset.references.items()) | mentions, name


def test_each_table_has_its_key_as_primary_key(created: sa.Inspector, cloud_host_policy_path: Path) -> None:
    for _, name, dataset in _datasets(cloud_host_policy_path):
        assert created.get_pk_constraint(dataset.table_name(name))["constrained_columns"] == [dataset.key]


def test_identity_reference_and_tenant_columns_are_indexed(created: sa.Inspector, cloud_host_policy_path: Path) -> None:
    for _, name, dataset in _datasets(cloud_host_policy_path):
        leading = {index["column_names"][0] for index in created.get_indexes(dataset.table_name(name))}
        looked_up = {*dataset.identity.values(), *dataset.references, *filter(None, [dataset.tenant])}
        assert looked_up <= leading, name


def test_restricted_defaults_to_false(database_url: str) -> None:
    engine = sa.create_engine(database_url)
    crm = SYSTEMS["crm"]
    with engine.begin() as connection:
        create_empty_tables(connection, crm)
        connection.execute(
            crm.tables["customers"].insert().values(id=1, customer_number="C1", company_name="Exemple", created_at=NOW)
        )
        connection.execute(
            crm.tables["contacts"]
            .insert()
            .values(id=1, customer_id=1, email="a@b.example", last_name="X", created_at=NOW)
        )
        restricted = connection.execute(sa.select(crm.tables["contacts"].c.restricted)).scalar_one()
    engine.dispose()
    assert restricted is False


def test_creating_the_tables_again_empties_them(sqlite_url: str) -> None:
    engine = sa.create_engine(sqlite_url)
    crm = SYSTEMS["crm"]
    customers = crm.tables["customers"]
    with engine.begin() as connection:
        create_empty_tables(connection, crm)
        connection.execute(
            customers.insert().values(id=1, customer_number="C1", company_name="Exemple", created_at=NOW)
        )
    with engine.begin() as connection:
        create_empty_tables(connection, crm)
        assert connection.execute(sa.select(sa.func.count()).select_from(customers)).scalar_one() == 0
    engine.dispose()
