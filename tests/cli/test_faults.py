"""Every command against the faults a careful tester tries: one `error:` line and a non-zero exit, no traceback.

Target databases (the demo on SQLite) run in-process; the application database faults (down, misconfigured,
not migrated) run in child processes, as Django reads its settings once per process.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from registre.cli.main import app
from registre.core.demo import DEMO_TODAY, generate_demo_databases
from registre.core.sources.catalog import close_catalogs

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "cloud-host"


class Demo:
    def __init__(self, folder: Path) -> None:
        for source in EXAMPLES.glob("*.yaml"):
            shutil.copyfile(source, folder / source.name)
        self.folder = folder
        self.policy = folder / "registre.yaml"
        self.crm = f"sqlite:///{folder / 'crm.sqlite'}"
        platform = f"sqlite:///{folder / 'platform.sqlite'}"
        self.report = generate_demo_databases(self.crm, platform, subjects=20, tenants=2)
        self.environment = {"CRM_DATABASE_URL": self.crm, "PLATFORM_DATABASE_URL": platform}
        self.environment["REGISTRE_PSEUDONYM_KEY"] = "demo-key"

    def run(self, *arguments: str, input: str | None = None):  # type: ignore[no-untyped-def]
        close_catalogs()
        result = CliRunner().invoke(
            app, [*arguments, "--policy", str(self.policy)], env=self.environment, input=input, catch_exceptions=True
        )
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        assert "Traceback" not in result.output
        return result

    def execute(self, statement: str) -> None:
        engine = sa.create_engine(self.crm)
        with engine.begin() as connection:
            connection.execute(sa.text(statement))
        engine.dispose()

    def count(self, statement: str) -> int:
        engine = sa.create_engine(self.crm)
        with engine.connect() as connection:
            value = int(connection.execute(sa.text(statement)).scalar_one())
        engine.dispose()
        return value

    @property
    def email(self) -> str:
        return str(self.report.sample_contacts[0]["email"])


@pytest.fixture
def demo(tmp_path):
    built = Demo(tmp_path)
    yield built
    close_catalogs()


# Target databases -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ("dsr", "erase", "--subject", "email={email}", "--today", "2026-11-23"),
        ("dsr", "access", "--subject", "email={email}", "--out", "{folder}/bundle"),
        ("retention", "plan", "--as-of", "2026-11-23"),
        ("retention", "run", "--as-of", "2026-11-23", "--yes"),
    ],
)
def test_a_dropped_column_names_the_policy_field_and_suggests_map_live(demo, command):
    demo.execute("ALTER TABLE contacts DROP COLUMN job_title")
    arguments = [part.format(email=demo.email, folder=demo.folder) for part in command]
    result = demo.run(*arguments)
    assert result.exit_code == 1
    assert "job_title" in result.output and "registre map --live" in result.output


def test_garbage_in_a_date_column_is_no_traceback(demo):
    demo.execute("UPDATE calls SET started_at = 'garbage' WHERE id = 1")
    assert demo.run("retention", "plan", "--as-of", "2026-11-23").exit_code in (0, 1)
    assert demo.run("retention", "run", "--dry-run", "--as-of", "2026-11-23").exit_code in (0, 1)


@pytest.mark.parametrize(
    ("command", "option", "value"),
    [
        (("retention", "plan"), "--as-of", "9999-12-31"),
        (("retention", "run", "--dry-run"), "--as-of", "9999-12-31"),
        (("retention", "plan"), "--as-of", "0001-01-01"),
        (("dsr", "erase", "--subject", "email={email}"), "--today", "0001-01-01"),
        (("dsr", "erase", "--subject", "email={email}", "--dry-run"), "--today", "9999-12-31"),
        (("dsr", "access", "--subject", "email={email}", "--dry-run"), "--today", "0001-01-01"),
        (("dsr", "plan", "erase", "--subject", "email={email}"), "--today", "not-a-date"),
    ],
)
def test_a_day_out_of_the_calendar_is_a_usage_error(demo, command, option, value):
    arguments = [part.format(email=demo.email) for part in command]
    result = demo.run(*arguments, option, value)
    assert result.exit_code == 2
    assert option in result.output


def test_a_batch_file_that_is_not_utf8_names_its_line(demo):
    batch = demo.folder / "batch.csv"
    batch.write_bytes(b"subject,email\nA,ada@example.org\nB,caf\xe9@example.org\n")
    for command in (("dsr", "access", "--batch", str(batch)), ("dsr", "erase", "--batch", str(batch), "--dry-run")):
        result = demo.run(*command)
        assert result.exit_code == 2
        assert "batch.csv:3: byte 0xe9 is not UTF-8" in result.output


# Guards before destructive commands -----------------------------------------------------------


@pytest.mark.parametrize("tenant", ["", "  "])
@pytest.mark.parametrize("action", ["erase", "access", "restrict", "plan"])
def test_an_empty_or_blank_tenant_is_an_error_and_erases_nothing(demo, tenant, action):
    before = demo.count("SELECT count(*) FROM contacts WHERE last_name <> 'ANONYME'")
    head = ("plan", "erase") if action == "plan" else (action,)
    result = demo.run("dsr", *head, "--subject", f"email={demo.email}", "--tenant", tenant)
    assert result.exit_code == 2
    assert "--tenant is empty" in result.output
    assert demo.count("SELECT count(*) FROM contacts WHERE last_name <> 'ANONYME'") == before


def test_a_sweep_in_the_future_needs_allow_future_date_even_with_yes(demo):
    before = demo.count("SELECT count(*) FROM calls")
    future = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    result = demo.run("retention", "run", "--as-of", future, "--yes")
    assert result.exit_code == 2
    assert f"--as-of {future} is in the future" in result.output and "--allow-future-date" in result.output
    assert demo.count("SELECT count(*) FROM calls") == before
    allowed = demo.run("retention", "run", "--as-of", future, "--allow-future-date", input="n\n")
    assert f"as of {future} (a day in the future)?" in allowed.output
    assert demo.count("SELECT count(*) FROM calls") == before
    assert demo.run("retention", "run", "--as-of", future, "--allow-future-date", "--yes").exit_code == 0
    assert demo.count("SELECT count(*) FROM calls") < before


def test_an_erasure_in_the_future_needs_allow_future_date(demo):
    before = demo.count("SELECT count(*) FROM contacts WHERE last_name <> 'ANONYME'")
    future = (dt.date.today() + dt.timedelta(days=400)).isoformat()
    refused = demo.run("dsr", "erase", "--subject", f"email={demo.email}", "--today", future)
    assert refused.exit_code == 2 and f"--today {future} is in the future" in refused.output
    assert demo.count("SELECT count(*) FROM contacts WHERE last_name <> 'ANONYME'") == before
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()  # within the tolerance of time zones
    assert demo.run("dsr", "erase", "--subject", f"email={demo.email}", "--today", tomorrow).exit_code == 0


def test_a_dry_run_labels_what_would_happen(demo):
    result = demo.run("retention", "run", "--dry-run", "--as-of", DEMO_TODAY.isoformat())
    assert "would delete" in result.output and "would anonymise" in result.output


# The application database ---------------------------------------------------------------------

APP_COMMANDS = [
    ("migrate",),
    ("worker", "--batch"),
    ("audit", "verify"),
    ("audit", "export", "-o", "audit.csv"),
    ("staff", "create", "--email", "staff@example.org", "--role", "dpo"),
]
FAULTS = {
    "down": ("postgresql://registre@127.0.0.1:1/registre", "cannot use the application database"),
    "misconfigured": ("nosuchdb://x", "REGISTRE_DATABASE_URL=nosuchdb://x cannot be used"),
    "bad port": ("postgresql://registre@localhost:port/registre", "cannot be used"),
    "not migrated": ("sqlite:///{folder}/empty.sqlite", "run registre migrate"),
    "url and file": ("sqlite:///{folder}/x.sqlite", "set REGISTRE_DATABASE_URL or REGISTRE_DATABASE_URL_FILE"),
}


# One child process per fault (Django reads its settings once per process) runs every command in turn.
CHILD = """
import json, sys
from typer.testing import CliRunner
from registre.cli.main import app
results = []
for command in json.loads(sys.argv[1]):
    result = CliRunner().invoke(app, command)
    crashed = result.exception is not None and not isinstance(result.exception, SystemExit)
    results.append({"command": command, "code": result.exit_code, "stderr": result.stderr, "crashed": crashed})
print(json.dumps(results))
"""


def run_commands(folder: Path, url: str, commands: list[tuple[str, ...]], fault: str) -> subprocess.Popen[str]:
    environment = {**os.environ, "REGISTRE_DATABASE_URL": url, "REGISTRE_DATA_DIR": str(folder / "data")}
    if fault == "url and file":
        (folder / "url.txt").write_text(url)
        environment["REGISTRE_DATABASE_URL_FILE"] = str(folder / "url.txt")
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, json.dumps(commands)],
        cwd=folder,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_every_application_database_command_answers_each_fault_in_one_line(tmp_path):
    running = []
    try:
        for fault, (url, _expected) in FAULTS.items():
            folder = tmp_path / fault.replace(" ", "-")
            folder.mkdir()
            commands = [c for c in APP_COMMANDS if not (fault == "not migrated" and c[0] == "migrate")]
            running.append((fault, run_commands(folder, url.format(folder=folder), commands, fault)))
        for fault, process in running:
            stdout, stderr = process.communicate(timeout=300)
            assert process.returncode == 0, (fault, stderr[-2000:])
            for result in json.loads(stdout.splitlines()[-1]):
                where = (fault, result["command"], result["stderr"])
                assert not result["crashed"] and "Traceback" not in result["stderr"], where
                assert result["code"] == 1, where
                errors = [line for line in result["stderr"].splitlines() if line.startswith("error:")]
                assert len(errors) == 1, where
                assert FAULTS[fault][1] in errors[0], where
    finally:
        for _fault, process in running:
            if process.poll() is None:
                process.kill()
                process.wait()
