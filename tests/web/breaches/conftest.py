"""Fixtures of the breach register: the demo workspace with its platform on SQLite or PostgreSQL, and its clients."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from django.utils import timezone

from registre.core.demo import generate_demo_databases
from registre.web.breaches import actions
from registre.web.clients.actions import ensure_client

POSTGRES_URL = os.environ.get("REGISTRE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)],
)
def platform(request, workspace, monkeypatch) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The URL of the processor system (`platform`): the workspace's SQLite file, or a private PostgreSQL schema."""
    if request.param == "sqlite":
        yield workspace.platform
        return
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{name}"'))
    url = f"{POSTGRES_URL}?options=-csearch_path%3D{name}"
    try:
        generate_demo_databases(workspace.crm, url, subjects=60, tenants=3)
        monkeypatch.setenv("PLATFORM_DATABASE_URL", url)
        os.utime(workspace.policy)  # the application reads the policy again, with this URL
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()


@pytest.fixture
def clients(workspace) -> list[Any]:  # type: ignore[no-untyped-def]
    """A client for each demo tenant, and one whose tenant has no rows anywhere."""
    tenants = [*workspace.report.tenant_ids, "tenant-999"]
    return [ensure_client(f"Client {t[-3:]}", t, f"privacy@{t}.example", language="fr") for t in tenants]


def declare(actor: Any, datasets: list[str], **facts: Any) -> Any:
    """A breach with plausible facts, known for one hour unless `aware_at` is given."""
    defaults: dict[str, Any] = {
        "title": "Export bucket left public",
        "aware_at": timezone.now() - dt.timedelta(hours=1),
        "natures": ["confidentiality"],
        "description": "A storage bucket holding an export was readable without authentication.",
        "consequences": "Phishing attempts using the contacts' details.",
        "measures_taken": "Bucket made private; access logs reviewed.",
        "risk": "risk",
        "risk_reasons": "Contact details only; no financial data.",
    }
    defaults.update(facts)
    return actions.declare_breach(actor, datasets=datasets, **defaults)
