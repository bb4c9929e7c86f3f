"""Erasing several people one after the other in a table whose personal columns are UNIQUE NOT NULL.

The columns declare no anonymisation method: the default of a NOT NULL text is a constant, which the
database refuses at the second person. A UNIQUE column gets a value unique to the row instead
(`anonymised-<key>`), as sweeps do. Expected rows are computed by plain SQL, on the three databases.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa

from registre.core.engine import Subject, execute_erasure
from registre.core.policy import Policy

TODAY = dt.date(2026, 6, 15)
KEY = "cle-unique"

METADATA = sa.MetaData()
CLIENTS = sa.Table(
    "clients_uniques",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("courriel", sa.String(254), nullable=False, unique=True),
    sa.Column("numero_client", sa.String(20), nullable=False),
    sa.Column("nom", sa.String(100), nullable=False),
    sa.UniqueConstraint("numero_client", name="uq_numero_client"),
)
ROWS = [
    {"id": 1, "courriel": "ana@exemple.fr", "numero_client": "C-0001", "nom": "Ana Lopes"},
    {"id": 2, "courriel": "bruno@exemple.fr", "numero_client": "C-0002", "nom": "Bruno Diaz"},
    {"id": 3, "courriel": "chloe@exemple.fr", "numero_client": "C-0003", "nom": "Chloé Roy"},
]


def policy(url: str) -> Policy:
    return Policy.model_validate(
        {
            "registre": 1,
            "organisation": {"name": "Clients SAS", "contacts": {"requests": {"email": "rgpd@clients.example"}}},
            "systems": {
                "crm": {
                    "url": url,
                    "location": "FR",
                    "datasets": {
                        "clients_uniques": {
                            "subject": "customers",
                            "identity": {"email": "courriel"},
                            "fields": {
                                "courriel": {"category": "contact.email", "required": True, "type": "email"},
                                "numero_client": {"category": "identification.identifier", "required": True},
                                "nom": {"category": "identification.name", "required": True},
                            },
                            "erase": "anonymize",
                        }
                    },
                }
            },
            "activities": {
                "clientele": {
                    "name": "Gestion de la clientèle",
                    "purpose": "Gestion des clients",
                    "legal_basis": "contract",
                    "datasets": ["crm.clients_uniques"],
                }
            },
        }
    )


@pytest.fixture
def clients(database_url):
    engine = sa.create_engine(database_url)
    with engine.begin() as connection:
        METADATA.drop_all(connection)
        METADATA.create_all(connection)
        connection.execute(CLIENTS.insert(), ROWS)
    yield engine, policy(database_url)
    with engine.begin() as connection:
        METADATA.drop_all(connection)
    engine.dispose()


def rows(engine: sa.Engine) -> list[dict[str, Any]]:
    with engine.connect() as connection:
        sql = "SELECT id, courriel, numero_client, nom FROM clients_uniques ORDER BY id"
        return [dict(row) for row in connection.execute(sa.text(sql)).mappings()]


def test_people_erased_one_after_the_other_get_row_unique_values_in_unique_columns(clients):
    engine, declared = clients
    for email in ("ana@exemple.fr", "bruno@exemple.fr"):
        result = execute_erasure(declared, Subject.of(f"email={email}"), today=TODAY, key=KEY)
        assert result.ok, result.to_dict()
    expected = [
        {"id": 1, "courriel": "anonymised-1", "numero_client": "anonymised-1", "nom": "[redacted]"},
        {"id": 2, "courriel": "anonymised-2", "numero_client": "anonymised-2", "nom": "[redacted]"},
        ROWS[2],
    ]
    assert rows(engine) == expected
    # Erasing again changes nothing, and the third person is untouched until asked.
    again = execute_erasure(declared, Subject.of("email=ana@exemple.fr"), today=TODAY, key=KEY)
    assert again.ok and rows(engine) == expected
