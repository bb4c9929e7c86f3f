"""Fixtures of the web tests: Django set up on a private data directory, the named users, databases, the CLI.

Django is configured here, not for the whole suite: `tests/core` and `tests/cli`
run without it. The application database is SQLite in memory (or
REGISTRE_DATABASE_URL when set). Tests that must also prove PostgreSQL ask
for the `database` fixture: it runs them once on "default" and once on the
"postgresql" alias (REGISTRE_TEST_POSTGRES_URL, default the local server;
pytest-django creates and drops a private test database there).
"""

from __future__ import annotations

import importlib
import os
import socket
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Read when the settings module loads, below; then taken out again, so that they leak neither into the other
# tests nor into pytest-xdist's workers (which must load the settings through this file, not before it).
TEST_ENVIRONMENT = {
    "DJANGO_SETTINGS_MODULE": "registre.web.settings",
    "REGISTRE_DATA_DIR": tempfile.mkdtemp(prefix="registre-tests-"),
    "REGISTRE_POLICY": str(ROOT / "examples" / "cloud-host" / "registre.yaml"),
}
os.environ.update(TEST_ENVIRONMENT)
POSTGRES_URL = os.environ.get("REGISTRE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")

import dj_database_url  # noqa: E402
import django  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connections  # noqa: E402

from registre.web.environment import postgresql_options  # noqa: E402

# The second application database of the `database` fixture, with Django's defaults filled in
# (whether or not the connection handler has read DATABASES yet).
postgresql = dj_database_url.parse(POSTGRES_URL.replace("+psycopg", ""))
postgresql["TEST"] = {"NAME": f"test_registre_{uuid.uuid4().hex[:10]}"}
postgresql["OPTIONS"] = postgresql_options({})  # as the settings configure it
settings.DATABASES["postgresql"] = connections.configure_settings({"default": postgresql, "postgresql": postgresql})[
    "postgresql"
]
django.setup()
for name in TEST_ENVIRONMENT:
    del os.environ[name]

from django.contrib.auth.models import Group, User  # noqa: E402
from django.test import Client  # noqa: E402
from django_tasks_db.management.commands import db_worker  # noqa: E402
from typer import Typer  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from registre.cli import audit, dpia, dsr, holds, keys, retention, serve, staff, worker  # noqa: E402

SQLITE_TRIGGERS = importlib.import_module("registre.web.audit.migrations.0003_sqlite_append_only_triggers")

ROLES = ("administrator", "dpo", "agent", "auditor")
# The named users of the permission matrix: anonymous, outsider (logged in, no role), one per role.
PEOPLE = ("anonymous", "outsider", "agent", "auditor", "dpo", "admin")
ROLE_OF = {"admin": "administrator", "dpo": "dpo", "agent": "agent", "auditor": "auditor"}


def postgres_reachable() -> bool:
    parts = urlsplit(POSTGRES_URL)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 5432), timeout=2):
            return True
    except OSError:
        return False


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without a PostgreSQL server, leave out the tests that need it (under CI=true they run, and fail)."""
    if os.environ.get("CI", "").lower() == "true" or postgres_reachable():
        return
    needing = [item for item in items if item.get_closest_marker("postgresql") and _is_web(item)]
    if needing:
        config.hook.pytest_deselected(items=needing)
        items[:] = [item for item in items if item not in needing]


def _is_web(item: pytest.Item) -> bool:
    return Path(str(item.fspath)).is_relative_to(Path(__file__).parent)


@pytest.fixture(autouse=True)
def fast_passwords(settings: object) -> None:
    """MD5 in tests: Argon2 is slow on purpose (test_settings checks it is the first hasher in production)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


@pytest.fixture(
    params=[
        pytest.param("default", marks=pytest.mark.django_db),
        pytest.param("postgresql", marks=[pytest.mark.postgresql, pytest.mark.django_db(databases=["postgresql"])]),
    ]
)
def database(request: pytest.FixtureRequest) -> str:
    """The alias of the application database: the test runs on SQLite and on PostgreSQL."""
    return str(request.param)


@pytest.fixture
def tamper() -> Callable[..., None]:
    """Run raw SQL on the audit table as someone with full database access would (past PostgreSQL's trigger)."""

    def run(sql: str, params: list[object] | None = None, using: str = "default") -> None:
        vendor = connections[using].vendor
        with connections[using].cursor() as cursor:
            if vendor == "postgresql":
                cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER USER")
            for statement in SQLITE_TRIGGERS.SQLITE_DROP if vendor == "sqlite" else ():
                cursor.execute(statement)
            cursor.execute(sql, params or [])
            if vendor == "postgresql":
                cursor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER USER")
            for statement in SQLITE_TRIGGERS.SQLITE_TRIGGERS if vendor == "sqlite" else ():
                cursor.execute(statement)

    return run


@pytest.fixture(autouse=True)
def test_data_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    """The commands run in-process look for the default application database in the tests' data folder, as
    Django does, not in a `.registre/` the working directory may hold."""
    monkeypatch.setenv("REGISTRE_DATA_DIR", str(settings.DATA_DIR))


@pytest.fixture
def whole_rate_window() -> None:
    """Start a test of rate limits early in a clock minute: the limits count in clock-aligned windows (a
    minute, ten minutes, an hour), so calls that straddle a boundary would be counted in two windows."""
    left = 60 - time.time() % 60
    if left < 15:
        time.sleep(left + 0.05)


@pytest.fixture
def in_test_transaction(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let the job worker run inside the test's transaction: it must not close the connection between jobs."""
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


def make_person(name: str, using: str = "default") -> User:
    user = User.objects.db_manager(using).create_user(username=name, email=f"{name}@registre.test", password="pw")
    if name in ROLE_OF:
        # get_or_create: a transactional test before this one may have flushed the groups of the migration.
        user.groups.add(Group.objects.using(using).get_or_create(name=ROLE_OF[name])[0])
    return user


@pytest.fixture
def admin(db: None) -> User:
    return make_person("admin")


@pytest.fixture
def dpo(db: None) -> User:
    return make_person("dpo")


@pytest.fixture
def agent(db: None) -> User:
    return make_person("agent")


@pytest.fixture
def auditor(db: None) -> User:
    return make_person("auditor")


@pytest.fixture
def outsider(db: None) -> User:
    return make_person("outsider")


@pytest.fixture
def people(db: None) -> dict[str, User | None]:
    """Every named user, by name; "anonymous" is None."""
    return {"anonymous": None, **{name: make_person(name) for name in PEOPLE if name != "anonymous"}}


@pytest.fixture
def client_for(db: None) -> Callable[[User | None], Client]:
    """A test client logged in as the given user (or anonymous for None)."""

    def make(user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


def cli_app() -> Typer:
    """The commands of the web layer, registered as `registre.cli.main` registers them."""
    app = Typer(no_args_is_help=True)
    app.command("serve")(serve.serve)
    app.command("migrate")(serve.migrate)
    app.command("worker")(worker.worker)
    app.command("dpia")(dpia.dpia)
    app.add_typer(audit.app, name="audit")
    app.add_typer(keys.app, name="keys")
    app.add_typer(staff.app, name="staff")
    app.add_typer(holds.app, name="holds")
    app.add_typer(retention.app, name="retention")
    app.add_typer(dsr.app, name="dsr")
    return app


@pytest.fixture
def registre_web() -> Callable[..., object]:
    """Run a web command in-process (`registre_web("audit", "verify")`), on the test database."""
    runner = CliRunner()
    app = cli_app()

    def run(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(app, [str(arg) for arg in args], catch_exceptions=False)

    return run


# --- Rights requests: the demo workspace (policy, CRM and platform databases) in a temporary folder -----------


class Workspace:
    """The cloud-host example with its synthetic databases, copied for one test, and the settings pointing at it."""

    def __init__(self, folder: Path, template: Path, report: object) -> None:
        import shutil

        for source in template.iterdir():
            if source.is_file():
                shutil.copyfile(source, folder / source.name)
        self.folder = folder
        self.policy = folder / "registre.yaml"
        self.report = report
        self.crm = f"sqlite:///{folder / 'crm.sqlite'}"
        self.platform = f"sqlite:///{folder / 'platform.sqlite'}"

    def sample(self, number: int = 1) -> dict[str, str]:
        """A CRM contact (number 0 is also a user of a client's tenant)."""
        return self.report.sample_contacts[number]  # type: ignore[attr-defined,no-any-return]

    def query(self, sql: str, url: str | None = None, **parameters: object) -> list[tuple[object, ...]]:
        """Rows of `sql` (with `:name` parameters) on the CRM database, or on `url`."""
        import sqlalchemy as sa

        engine = sa.create_engine(url or self.crm)
        try:
            with engine.connect() as connection:
                return [tuple(row) for row in connection.execute(sa.text(sql), parameters)]
        finally:
            engine.dispose()

    def count(self, table: str, url: str | None = None, **where: object) -> int:
        """The rows of `table` (CRM, or `url`) whose columns equal `where`."""
        import sqlalchemy as sa

        query = sa.select(sa.func.count()).select_from(sa.table(table))
        query = query.where(*(sa.column(name) == value for name, value in where.items()))
        engine = sa.create_engine(url or self.crm)
        try:
            with engine.connect() as connection:
                return int(connection.execute(query).scalar_one())
        finally:
            engine.dispose()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    """The demo workspace built once per test process: 60 people, 3 client tenants."""
    import shutil

    from registre.core.demo import generate_demo_databases

    folder = tmp_path_factory.mktemp("demo-template")
    for source in (ROOT / "examples" / "cloud-host").glob("*.yaml"):
        shutil.copyfile(source, folder / source.name)
    report = generate_demo_databases(
        f"sqlite:///{folder / 'crm.sqlite'}", f"sqlite:///{folder / 'platform.sqlite'}", subjects=60, tenants=3
    )
    return folder, report


@pytest.fixture
def workspace(demo_template, tmp_path, settings) -> Workspace:  # type: ignore[no-untyped-def]
    """A fresh copy of the demo workspace, as the application's policy; emails in `mail.outbox`."""
    from registre.core.engine import forget_templates
    from registre.core.sources.catalog import close_catalogs

    folder, report = demo_template
    copy = tmp_path / "workspace"
    copy.mkdir()
    built = Workspace(copy, folder, report)
    settings.REGISTRE_POLICY = built.policy
    settings.REGISTRE_FILES_DIR = tmp_path / "files"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.REGISTRE_BASE_URL = "http://testserver"
    yield built
    close_catalogs()
    forget_templates()


@pytest.fixture
def demo_clients(workspace: Workspace) -> list[object]:
    """A client for each tenant of the demo platform (processor mode)."""
    from registre.web.clients.actions import ensure_client

    tenants = workspace.report.tenant_ids  # type: ignore[attr-defined]
    return [ensure_client(f"Client {t[-3:]}", t, f"privacy@{t}.example", language="en") for t in tenants]
