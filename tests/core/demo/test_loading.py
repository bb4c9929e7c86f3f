"""Loading batches: the values written are the values read back, on every database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from registre.core.demo.loading import load_system, write_rows
from registre.core.demo.schema import create_empty_tables, crm_metadata

CUSTOMERS = crm_metadata.tables["customers"]
CONTRACTS = crm_metadata.tables["contracts"]
TICKETS = crm_metadata.tables["tickets"]
CREATED = dt.datetime(2020, 2, 29, 13, 45, 7)


def _customer(customer_id: int) -> dict[str, Any]:
    return {
        "id": customer_id,
        "customer_number": f"C{customer_id:08d}",
        "company_name": "Éts Lefèvre & Fils",
        "vat_number": None,
        "country": "FR",
        "created_at": CREATED,
        "closed_at": None,
    }


def _batches(count: int) -> list[tuple[dict[str, list[dict[str, Any]]], int]]:
    batches = []
    for index in range(count):
        batch: dict[str, list[dict[str, Any]]] = {table: [] for table in crm_metadata.tables}
        batch["customers"] = [_customer(index * 10 + offset + 1) for offset in range(10)]
        batches.append((batch, (index + 1) * 10))
    return batches


def test_values_come_back_as_they_were_written(database_url: str) -> None:
    body = "Bonjour,\n\tla facture « n° 12 » \\ est fausse ; merci.\r\nO'Brien — 100 %"
    engine = sa.create_engine(database_url)
    with engine.begin() as connection:
        create_empty_tables(connection, crm_metadata)
        write_rows(connection, CUSTOMERS, [_customer(1)])
        write_rows(
            connection,
            CONTRACTS,
            [
                {
                    "id": 1,
                    "customer_id": 1,
                    "signatory_id": None,
                    "product": "Serveur dédié",
                    "started_at": dt.date(2019, 3, 1),
                    "ended_at": None,
                    "monthly_amount": Decimal("1234.56"),
                }
            ],
        )
        write_rows(
            connection,
            TICKETS,
            [
                {
                    "id": 1,
                    "contact_id": None,
                    "subject": "Ça ne marche pas",
                    "body": body,
                    "opened_at": CREATED,
                    "closed_at": None,
                }
            ],
        )
    with engine.connect() as connection:
        customer = connection.execute(sa.select(CUSTOMERS)).one()
        contract = connection.execute(sa.select(CONTRACTS)).one()
        ticket = connection.execute(sa.select(TICKETS)).one()
    engine.dispose()
    assert customer.company_name == "Éts Lefèvre & Fils"
    assert customer.created_at == CREATED
    assert customer.closed_at is None
    assert contract.started_at == dt.date(2019, 3, 1)
    assert Decimal(str(contract.monthly_amount)) == Decimal("1234.56")
    assert ticket.body == body


def test_an_empty_list_writes_nothing(sqlite_url: str) -> None:
    engine = sa.create_engine(sqlite_url)
    with engine.begin() as connection:
        create_empty_tables(connection, crm_metadata)
        write_rows(connection, CUSTOMERS, [])
        assert connection.execute(sa.select(sa.func.count()).select_from(CUSTOMERS)).scalar_one() == 0
    engine.dispose()


def test_load_system_counts_rows_and_reports_each_batch(database_url: str) -> None:
    reported: list[int] = []
    engine = sa.create_engine(database_url)
    counts = load_system(engine, crm_metadata, _batches(3), reported.append)
    with engine.connect() as connection:
        stored = connection.execute(sa.select(sa.func.count()).select_from(CUSTOMERS)).scalar_one()
    engine.dispose()
    assert reported == [10, 20, 30]
    assert counts["customers"] == stored == 30
    assert counts["contacts"] == 0
    assert list(counts) == list(crm_metadata.tables)


def test_loaded_tables_get_their_indexes(database_url: str) -> None:
    engine = sa.create_engine(database_url)
    load_system(engine, crm_metadata, _batches(1), lambda done: None)
    indexed = {index["column_names"][0] for index in sa.inspect(engine).get_indexes("contacts")}
    engine.dispose()
    assert {"email", "phone", "customer_id"} <= indexed


def test_ids_continue_after_the_loaded_rows(database_url: str) -> None:
    engine = sa.create_engine(database_url)
    load_system(engine, crm_metadata, _batches(2), lambda done: None)
    with engine.begin() as connection:
        row = {key: value for key, value in _customer(0).items() if key != "id"}
        inserted = connection.execute(CUSTOMERS.insert().values(**row)).inserted_primary_key
    engine.dispose()
    assert inserted is not None and inserted[0] == 21
