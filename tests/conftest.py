"""Shared fixtures: real target databases (SQLite, PostgreSQL, MariaDB) and the example policies.

Each database fixture gives a URL to an empty, private namespace (a SQLite
file, a PostgreSQL schema, a MariaDB database) and drops it afterwards. When
a server is not reachable the tests that need it are skipped, except under
CI=true, where they fail: CI must prove the code on every database.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from registre.core.sources import ChangeList, TargetChange, audit_trail

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
POSTGRES_URL = os.environ.get("REGISTRE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
MARIADB_URL = os.environ.get("REGISTRE_TEST_MARIADB_URL", "mysql+pymysql://root@127.0.0.1:3306/test")
BACKENDS = ("sqlite", "postgresql", "mariadb")
# Reflected tables cached on disk by the engine: in a folder of this run, not the user's cache.
os.environ.setdefault("REGISTRE_CACHE_DIR", tempfile.mkdtemp(prefix="registre-test-cache-"))


def _unavailable(backend: str, error: Exception) -> None:
    message = f"{backend} is not reachable: {error}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


def _postgres_schema_url(name: str) -> Iterator[str]:
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE SCHEMA "{name}"'))
    except sa.exc.OperationalError as error:
        admin.dispose()
        _unavailable("PostgreSQL", error)
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()


def _mariadb_database_url(name: str) -> Iterator[str]:
    admin = sa.create_engine(MARIADB_URL)
    try:
        with admin.begin() as connection:
            connection.execute(sa.text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4"))
    except sa.exc.OperationalError as error:
        admin.dispose()
        _unavailable("MariaDB", error)
    base = sa.engine.make_url(MARIADB_URL)
    try:
        yield base.set(database=name, query={"charset": "utf8mb4"}).render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(sa.text(f"DROP DATABASE `{name}`"))
        admin.dispose()


def make_database_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """An empty private database on `backend`, dropped when the generator closes."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / (name + '.sqlite')}"
    elif backend == "postgresql":
        yield from _postgres_schema_url(name)
    else:
        yield from _mariadb_database_url(name)


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The same test on SQLite, PostgreSQL and MariaDB."""
    yield from make_database_url(request.param, tmp_path)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'db.sqlite'}"


@pytest.fixture
def cloud_host_policy_path() -> Path:
    return EXAMPLES / "cloud-host" / "registre.yaml"


@pytest.fixture
def field_services_policy_path() -> Path:
    return EXAMPLES / "field-services" / "registre.yaml"


@pytest.fixture(autouse=True)
def recorded_changes() -> Iterator[list[TargetChange]]:
    """The changes committed to target databases by the test, where the code under test brings no trail.

    Writes to a target database need an audit trail in force (`registre.core.sources.trail`): the web
    layer and the CLI bring the application's audit log; a test of the core gets this list.
    """
    trail = ChangeList()
    with audit_trail(trail):
        yield trail.changes
