"""A command-line erasure reads the case holds and writes its audit entries without starting Django.

Each command runs as its own process, as a user runs it, on an application database of its own (an
SQLite file, a PostgreSQL database). Holds are placed and lifted through Django (`registre holds`),
erasures go the direct way, and Django's `registre audit verify` then checks the one chain both wrote.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from tests.conftest import _postgres_database_url  # type: ignore[import-not-found]
from tests.web.cli.test_serve import environment  # type: ignore[import-not-found]

from registre.core.demo import generate_demo_databases

# Runs the command line, then says on standard error whether the process loaded Django's ORM.
PROBE = """
import sys
from registre.cli.main import app
try:
    app()
finally:
    print("django loaded:", "django.db.models" in sys.modules, file=sys.stderr)
"""


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def application_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'application.sqlite'}"
        return
    for url in _postgres_database_url(f"app_{tmp_path.name[-20:].lower().replace('-', '_')}"):
        yield url.replace("+psycopg", "")  # as a user writes it for Django


@pytest.fixture
def crm_env(tmp_path: Path) -> dict[str, str]:
    """The demo's databases and the environment of a command that erases there; the default application database."""
    crm, platform = f"sqlite:///{tmp_path / 'crm.sqlite'}", f"sqlite:///{tmp_path / 'platform.sqlite'}"
    generate_demo_databases(crm, platform, subjects=40, tenants=1)
    return environment(tmp_path) | {
        "CRM_DATABASE_URL": crm,
        "PLATFORM_DATABASE_URL": platform,
        "REGISTRE_PSEUDONYM_KEY": "test-key",
    }


@pytest.fixture
def app_env(crm_env: dict[str, str], application_url: str) -> dict[str, str]:
    """The same, with REGISTRE_DATABASE_URL naming an application database of the test's own."""
    return crm_env | {"REGISTRE_DATABASE_URL": application_url}


def registre(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", PROBE, *args]
    return subprocess.run(command, env=env, cwd=env["REGISTRE_DATA_DIR"], capture_output=True, text=True, timeout=120)


def contacts(env: dict[str, str]) -> list[tuple[str, str]]:
    engine = sa.create_engine(env["CRM_DATABASE_URL"])
    with engine.connect() as connection:
        query = "SELECT email, phone FROM contacts WHERE phone IS NOT NULL ORDER BY id LIMIT 2"
        found = [(email, phone) for email, phone in connection.execute(sa.text(query))]
    engine.dispose()
    return found


def entries(url: str) -> list[sa.Row[tuple[object, ...]]]:
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as connection:
        query = (
            "SELECT sequence, action, actor_name, details, previous_hash, hash FROM audit_auditentry ORDER BY sequence"
        )
        found = list(connection.execute(sa.text(query)))
    engine.dispose()
    return found


def test_holds_placed_through_django_stop_a_direct_erasure_and_both_writers_keep_one_chain(app_env, application_url):
    crm_env = app_env
    assert registre(crm_env, "migrate").returncode == 0
    (held_email, held_phone), (free_email, _phone) = contacts(crm_env)
    # The hold names the phone first and an address nobody has: the erasure asks by email, the same person.
    placed = registre(
        crm_env, "holds", "place", "--reference", "RG-7", "--subject", "email=nobody@example.org",
        "--subject", f"phone={held_phone}", "--subject", f"email={held_email}",
    )  # fmt: skip
    assert placed.returncode == 0, placed.stderr

    refused = registre(crm_env, "dsr", "erase", "--subject", f"email={held_email}")
    assert refused.returncode == 1 and "RG-7" in refused.stderr
    assert "django loaded: False" in refused.stderr

    erased = registre(crm_env, "dsr", "erase", "--subject", f"email={free_email}")
    assert erased.returncode == 0, erased.stderr
    assert "django loaded: False" in erased.stderr

    assert registre(crm_env, "holds", "lift", "1").returncode == 0
    after_lift = registre(crm_env, "dsr", "erase", "--subject", f"email={held_email}")
    assert after_lift.returncode == 0 and "django loaded: False" in after_lift.stderr

    verified = registre(crm_env, "audit", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    written = entries(application_url)
    actions = [entry.action for entry in written]
    assert actions[0] == "case_hold.placed" and "case_hold.lifted" in actions
    lifted = actions.index("case_hold.lifted")
    direct = [entry for entry in written if entry.action == "request.data_changed"]
    assert {entry.sequence for entry in direct} & set(range(2, lifted + 1)), "an erasure between the two"
    assert any(entry.sequence > lifted + 1 for entry in direct), "an erasure after the lift"
    for entry in direct:
        details = entry.details if isinstance(entry.details, dict) else json.loads(entry.details)
        assert entry.actor_name.startswith("cli:") and details["command"] == "dsr erase"
        assert details["system"] in {"crm", "platform"}
    assert [entry.sequence for entry in written] == list(range(1, len(written) + 1))
    assert all(entry.previous_hash == before.hash for before, entry in itertools.pairwise(written))


def test_the_default_application_database_is_created_through_django_then_written_directly(crm_env):
    env = crm_env
    (first, _phone), (second, _other) = contacts(env)
    erased = registre(env, "dsr", "erase", "--subject", f"email={first}")
    assert erased.returncode == 0, erased.stderr
    assert "django loaded: True" in erased.stderr  # no file yet: Django creates its tables, then writes
    again = registre(env, "dsr", "erase", "--subject", f"email={second}")
    assert again.returncode == 0 and "django loaded: False" in again.stderr
    assert registre(env, "audit", "verify").returncode == 0
    default = Path(env["REGISTRE_DATA_DIR"]) / "registre.sqlite"
    written = entries(f"sqlite:///{default}")
    assert len(written) >= 2 and {entry.action for entry in written} == {"request.data_changed"}


def test_a_configured_database_without_registre_tables_stops_the_erasure_before_anything_changes(app_env):
    (email, phone), _other = contacts(app_env)
    refused = registre(app_env, "dsr", "erase", "--subject", f"email={email}")
    assert refused.returncode == 1 and "run registre migrate" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert (email, phone) in contacts(app_env)


def test_the_tables_written_and_read_directly_are_those_of_djangos_models():
    from django.apps import apps

    from registre.cli import web
    from registre.web.appdb import APPLICATIONS, ENTRIES, HEAD, HOLDS, RESTRICTION, ApplicationDatabaseError
    from registre.web.audit.chain import HASHED_FIELDS
    from registre.web.audit.models import AuditChainHead, AuditEntry
    from registre.web.retention.models import CaseHold

    assert {label: apps.get_app_config(label).name for label in APPLICATIONS} == APPLICATIONS
    for table, model, every_column in (
        (ENTRIES, AuditEntry, True),
        (HEAD, AuditChainHead, True),
        (HOLDS, CaseHold, False),
    ):
        columns = {field.column for field in model._meta.concrete_fields}
        assert table.name == model._meta.db_table
        assert set(table.c.keys()) == columns if every_column else set(table.c.keys()) <= columns
    assert set(HASHED_FIELDS) == {field.column for field in AuditEntry._meta.concrete_fields} - {"id", "hash"}
    assert CaseHold.Reason.RESTRICTION == RESTRICTION
    assert ApplicationDatabaseError.__module__ == web._DIRECT_MODULE  # how the command line knows its faults


def test_a_database_url_given_twice_stops_the_erasure_in_one_line(crm_env, tmp_path):
    (tmp_path / "url.txt").write_text("sqlite:////nowhere.sqlite")
    env = crm_env | {
        "REGISTRE_DATABASE_URL": "sqlite:////nowhere.sqlite",
        "REGISTRE_DATABASE_URL_FILE": str(tmp_path / "url.txt"),
    }
    (email, phone), _other = contacts(env)
    refused = registre(env, "dsr", "erase", "--subject", f"email={email}")
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert "error: set REGISTRE_DATABASE_URL or REGISTRE_DATABASE_URL_FILE, not both" in refused.stderr
    assert (email, phone) in contacts(env)


def test_a_target_that_refuses_the_erasure_is_reported_as_the_target_and_leaves_no_entry(app_env, application_url):
    assert registre(app_env, "migrate").returncode == 0
    (email, _phone), _other = contacts(app_env)
    engine = sa.create_engine(app_env["CRM_DATABASE_URL"])
    with engine.begin() as connection:
        for verb in ("UPDATE", "DELETE"):
            connection.execute(
                sa.text(
                    f"CREATE TRIGGER frozen_{verb.lower()} BEFORE {verb} ON contacts "
                    "BEGIN SELECT RAISE(ABORT, 'contacts are frozen'); END"
                )
            )
    engine.dispose()
    refused = registre(app_env, "dsr", "erase", "--subject", f"email={email}")
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert "contacts are frozen" in refused.stderr
    assert "cannot use the application database" not in refused.stderr
    assert all(details_system(entry) != "crm" for entry in entries(application_url))
    assert registre(app_env, "audit", "verify").returncode == 0


def details_system(entry: sa.Row[tuple[object, ...]]) -> object:
    details = entry.details if isinstance(entry.details, dict) else json.loads(entry.details)
    return details.get("system")
