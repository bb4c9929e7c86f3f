"""Fixtures of the client instructions' tests: the application database under test, a client of each language."""

from __future__ import annotations

import pytest
from django.db import connections

from registre.web.clients.actions import ensure_client


@pytest.fixture
def app_database(database):
    """Every query of the application (actions, views, audit) on the alias under test: SQLite, then PostgreSQL."""
    if database == "default":
        yield database
        return
    saved = connections["default"]
    connections["default"] = connections["postgresql"]
    try:
        yield database
    finally:
        connections["default"] = saved


@pytest.fixture
def acme(db):
    return ensure_client("Acme SAS", "acme", "dpo@acme.example", language="fr")


@pytest.fixture
def globex(db):
    return ensure_client("Globex Ltd", "globex", "privacy@globex.example", language="en")
