"""Order must not decide what remains: a sweep writes the keyed pseudonym an erasure writes.

A contact past its retention is anonymised by the sweep, not deleted, while their calls (kept 5 years)
still reference it. With a pseudonym key, the sweep writes the pseudonym of the contact's e-mail, so that a
later erasure by e-mail still finds the row, and through it the calls: sweeping then erasing leaves the
same tables as erasing then sweeping. Whole tables are compared, read by plain SQL.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa

from registre.core.engine import Subject, execute_erasure, pseudonym_of
from registre.core.policy import Policy
from registre.core.retention import plan_retention, run_retention
from registre.core.sources.catalog import close_catalogs

TODAY = dt.date(2026, 6, 15)
KEY = "cle-des-pseudonymes"
METADATA = sa.MetaData()
CONTACTS = sa.Table(
    "contacts",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("email", sa.String(254), nullable=False, unique=True),
    sa.Column("nom", sa.String(100), nullable=False),
    sa.Column("dernier_contact", sa.Date),
)
APPELS = sa.Table(
    "appels",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("contact_id", sa.Integer, sa.ForeignKey("contacts.id"), nullable=False, index=True),
    sa.Column("numero", sa.String(32)),
    sa.Column("passe_le", sa.Date, nullable=False),
)
ROWS = {
    "contacts": [
        {"id": 1, "email": "Ana.Lopes@Exemple.fr", "nom": "Ana Lopes", "dernier_contact": dt.date(2020, 3, 1)},
        {"id": 2, "email": "bruno@exemple.fr", "nom": "Bruno Diaz", "dernier_contact": dt.date(2020, 3, 1)},
        {"id": 3, "email": "chloe@exemple.fr", "nom": "Chloé Roy", "dernier_contact": dt.date(2026, 5, 1)},
    ],
    "appels": [
        {"id": 10, "contact_id": 1, "numero": "06 12 34 56 78", "passe_le": dt.date(2025, 1, 10)},
        {"id": 11, "contact_id": 2, "numero": "07 11 22 33 44", "passe_le": dt.date(2025, 1, 10)},
        {"id": 12, "contact_id": 2, "numero": "07 11 22 33 44", "passe_le": dt.date(2010, 1, 10)},
        {"id": 13, "contact_id": 3, "numero": "06 98 76 54 32", "passe_le": dt.date(2026, 1, 10)},
    ],
}


def policy_of(url: str) -> Policy:
    def activity(dataset: str, keep: str, anchor: str) -> dict[str, Any]:
        return {
            "name": dataset,
            "purpose": "Relation client",
            "legal_basis": "legitimate_interest",
            "legitimate_interest": "Suivre la relation",
            "datasets": [f"f.{dataset}"],
            "retention": {"keep": keep, "from": f"f.{dataset}.{anchor}"},
        }

    contacts = {
        "subject": "customers",
        "identity": {"email": "email"},
        "fields": {
            "email": {"category": "contact.email", "type": "email", "required": True, "anonymize": "hash"},
            "nom": {"category": "identification.name", "required": True},
            "dernier_contact": {"type": "date"},
        },
        "erase": "delete",
    }
    appels = {
        "references": {"contact_id": "contacts.id"},
        "fields": {"contact_id": {}, "numero": {"category": "contact.phone"}, "passe_le": {"type": "date"}},
        "erase": "delete",
    }
    return Policy.model_validate(
        {
            "registre": 1,
            "organisation": {"name": "Fichier SAS", "contacts": {"requests": {"email": "rgpd@fichier.example"}}},
            "systems": {"f": {"url": url, "location": "FR", "datasets": {"contacts": contacts, "appels": appels}}},
            "activities": {
                "relation": activity("contacts", "P1Y", "dernier_contact"),
                "qualite": activity("appels", "P5Y", "passe_le"),
            },
        }
    )


@pytest.fixture
def database(database_url, monkeypatch):
    monkeypatch.delenv("REGISTRE_PSEUDONYM_KEY", raising=False)
    engine = sa.create_engine(database_url)
    yield engine, database_url
    with engine.begin() as connection:
        METADATA.drop_all(connection)
    engine.dispose()


def fresh(engine: sa.Engine, url: str) -> Policy:
    close_catalogs()
    with engine.begin() as connection:
        METADATA.drop_all(connection)
        METADATA.create_all(connection)
        for table in METADATA.sorted_tables:
            connection.execute(table.insert(), ROWS[table.name])
    return policy_of(url)


def tables(engine: sa.Engine) -> dict[str, list[dict[str, Any]]]:
    with engine.connect() as connection:
        return {
            name: [dict(row) for row in connection.execute(sa.text(f"SELECT * FROM {name} ORDER BY id")).mappings()]  # noqa: S608
            for name in ("contacts", "appels")
        }


ANA = Subject.of("email=ana.lopes@exemple.fr")


def sweep_then_erase(engine: sa.Engine, url: str, key: str | None) -> dict[str, list[dict[str, Any]]]:
    policy = fresh(engine, url)
    assert run_retention(policy, as_of=TODAY, key=key).ok
    assert execute_erasure(policy, ANA, today=TODAY, key=KEY).ok
    return tables(engine)


def erase_then_sweep(engine: sa.Engine, url: str, key: str | None) -> dict[str, list[dict[str, Any]]]:
    policy = fresh(engine, url)
    assert execute_erasure(policy, ANA, today=TODAY, key=KEY).ok
    assert run_retention(policy, as_of=TODAY, key=key).ok
    return tables(engine)


def test_sweeping_then_erasing_leaves_what_erasing_then_sweeping_leaves(database):
    engine, url = database
    first = sweep_then_erase(engine, url, KEY)
    second = erase_then_sweep(engine, url, KEY)
    assert first == second
    # Plain SQL: Ana and her calls are gone; Bruno is pseudonymised, his recent call kept, the old one swept.
    assert [row["id"] for row in first["contacts"]] == [2, 3]
    assert [row["id"] for row in first["appels"]] == [11, 13]
    bruno = first["contacts"][0]
    assert bruno["email"] == pseudonym_of("email:bruno@exemple.fr", KEY.encode())
    assert bruno["nom"] == "[redacted]"


def test_without_a_key_the_sweep_unlinks_the_row_and_a_later_erasure_no_longer_finds_it(database):
    engine, url = database
    first = sweep_then_erase(engine, url, None)
    # The marker links nothing to Ana: her call stays (the behaviour a key avoids).
    assert [row["id"] for row in first["appels"]] == [10, 11, 13]
    assert first["contacts"][0]["email"] == "anonymised-1"


def test_a_second_sweep_with_a_key_changes_nothing_and_the_plan_counts_what_the_sweep_does(database):
    engine, url = database
    policy = fresh(engine, url)
    planned = plan_retention(policy, as_of=TODAY, key=KEY)
    run = run_retention(policy, as_of=TODAY, key=KEY)
    contacts = run.dataset("f.contacts")
    assert (contacts.anonymised, contacts.deleted) == (planned.dataset("f.contacts").figures.anonymise, 0) == (2, 0)
    again = run_retention(policy, as_of=TODAY, key=KEY)
    assert (again.dataset("f.contacts").anonymised, again.dataset("f.appels").deleted) == (0, 0)
    assert plan_retention(policy, as_of=TODAY, key=KEY).dataset("f.contacts").figures.anonymise == 0
