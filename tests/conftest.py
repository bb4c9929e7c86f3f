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
# Commands the tests run are never handed to a preloader the developer started (tests/cli/test_preload.py
# starts its own).
os.environ["REGISTRE_PRELOAD"] = "off"


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


# Read-only credentials ---------------------------------------------------------------------------------------------

READ_ONLY_KINDS = ("sqlite-mode-ro", "postgresql-select-only", "postgresql-read-only-default", "mariadb-select-only")
_PASSWORD = "lecture-seule"


class ReadOnlyDatabase:
    """An empty database for the test to fill (`writer`), and a login that may only read it (`reader()`).

    - sqlite-mode-ro: the file opened `mode=ro` (the session may still create temporary tables);
    - postgresql-select-only: a role with SELECT only, in a database whose TEMPORARY privilege is
      revoked from PUBLIC (it cannot create a temporary table);
    - postgresql-read-only-default: a role with SELECT and `default_transaction_read_only = on`;
    - mariadb-select-only: a user with SELECT only on the database (no CREATE TEMPORARY TABLES).
    """

    def __init__(self, kind: str, writer: str, admin: sa.Engine | None, name: str) -> None:
        self.kind = kind
        self.writer = writer
        self.admin = admin
        self.name = name
        self.login = f"ro_{uuid.uuid4().hex[:12]}"
        self.granted = False

    @property
    def backend(self) -> str:
        return self.kind.split("-", 1)[0]

    def reader(self) -> str:
        """The read-only URL, the login granted SELECT on every table the writer has made so far."""
        url = sa.engine.make_url(self.writer)
        if self.backend == "sqlite":
            return f"sqlite:///file:{url.database}?mode=ro&uri=true"
        assert self.admin is not None
        self.granted = True
        with self.admin.connect() as connection:
            for statement in self._grants():
                connection.execute(sa.text(statement))
        return url.set(username=self.login, password=_PASSWORD).render_as_string(hide_password=False)

    def _grants(self) -> list[str]:
        if self.backend == "mariadb":
            return [
                f"CREATE USER '{self.login}'@'%' IDENTIFIED BY '{_PASSWORD}'",
                f"GRANT SELECT ON `{self.name}`.* TO '{self.login}'@'%'",
            ]
        schema = "public" if self.kind == "postgresql-select-only" else self.name
        statements = [
            f"CREATE ROLE {self.login} LOGIN PASSWORD '{_PASSWORD}'",
            f'GRANT USAGE ON SCHEMA "{schema}" TO {self.login}',
            f'GRANT SELECT ON ALL TABLES IN SCHEMA "{schema}" TO {self.login}',
        ]
        if self.kind == "postgresql-read-only-default":
            statements.append(f"ALTER ROLE {self.login} SET default_transaction_read_only = on")
        return statements

    def drop_login(self) -> None:
        if not self.granted or self.admin is None:
            return
        with self.admin.connect() as connection:
            if self.backend == "mariadb":
                connection.execute(sa.text(f"DROP USER '{self.login}'@'%'"))
                return
            connection.execute(sa.text(f"DROP OWNED BY {self.login}"))
            connection.execute(sa.text(f"DROP ROLE {self.login}"))


def _postgres_database_url(name: str) -> Iterator[str]:
    """A database of its own, whose TEMPORARY privilege PUBLIC does not have."""
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
            connection.execute(sa.text(f'REVOKE TEMPORARY ON DATABASE "{name}" FROM PUBLIC'))
    except sa.exc.OperationalError as error:
        admin.dispose()
        _unavailable("PostgreSQL", error)
    try:
        yield sa.engine.make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=READ_ONLY_KINDS)
def read_only_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ReadOnlyDatabase]:
    """An empty database and a login that may only read it, on each kind of read-only credentials."""
    kind: str = request.param
    name = f"t_{uuid.uuid4().hex[:12]}"
    if kind == "postgresql-select-only":
        urls = _postgres_database_url(name)
    else:
        urls = make_database_url(kind.split("-", 1)[0], tmp_path)
    writer = next(urls)
    backend = kind.split("-", 1)[0]
    if backend == "sqlite":
        admin = None
    elif backend == "mariadb":
        admin = sa.create_engine(MARIADB_URL, isolation_level="AUTOCOMMIT")
        name = str(sa.engine.make_url(writer).database)
    else:
        # The role's grants and DROP OWNED are made in the database it reads (in the schema of its search path).
        admin = sa.create_engine(writer, isolation_level="AUTOCOMMIT")
        options = str(sa.engine.make_url(writer).query.get("options", ""))
        name = options.partition("search_path=")[2] or name
    database = ReadOnlyDatabase(kind, writer, admin, name)
    try:
        yield database
    finally:
        database.drop_login()
        if admin is not None:
            admin.dispose()
        urls.close()
