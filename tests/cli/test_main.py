"""`registre` itself: commands listed from their summaries, each loaded (with its libraries) only when it runs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from registre.cli.main import COMMANDS, app
from registre.core.demo import generate_demo_databases

HEAVY = ("weasyprint", "django", "openpyxl", "faker", "sqlalchemy", "jinja2", "babel", "psycopg", "pydantic")

# Runs `registre ARGS...` in a fresh interpreter, then writes the heavy libraries it imported to OUT.
PROBE = """
import json, sys
from registre.cli.main import app
out, args, heavy = sys.argv[1], sys.argv[2:], {heavy!r}
try:
    app(args)
except SystemExit as stop:
    code = stop.code
with open(out, "w") as file:
    json.dump({{"code": code, "loaded": [name for name in heavy if name in sys.modules]}}, file)
"""


def run_probe(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> dict[str, object]:
    out = tmp_path / "probe.json"
    script = PROBE.format(heavy=HEAVY)
    completed = subprocess.run(
        [sys.executable, "-c", script, str(out), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        cwd=tmp_path,  # no application database here (a developer's .registre/ would hold case holds to read)
    )
    assert out.exists(), completed.stderr
    return json.loads(out.read_text())  # type: ignore[no-any-return]


def test_help_imports_none_of_the_heavy_libraries(tmp_path):
    probe = run_probe(tmp_path, "--help")
    assert probe["code"] == 0
    assert probe["loaded"] == []


def test_help_lists_every_command_with_its_summary():
    result = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for name, command in COMMANDS.items():
        assert name in result.stdout
        assert command.summary in result.stdout


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_summary_is_the_first_line_of_the_command_help(name):
    group = typer.main.get_command(app)
    command = group.commands[name]  # type: ignore[attr-defined]
    assert command.name == name
    assert (command.help or "").strip().split("\n")[0] == COMMANDS[name].summary


def test_a_command_runs_once_loaded_on_demand(cloud_host_policy_path):
    result = CliRunner().invoke(app, ["check", "--policy", str(cloud_host_policy_path)])
    assert result.exit_code == 0, result.output


def test_a_mistyped_command_is_answered_with_the_closest_one():
    result = CliRunner().invoke(app, ["chek"])
    assert result.exit_code == 2
    assert "'check'" in result.output


def test_the_check_command_leaves_documents_and_web_unloaded(tmp_path, cloud_host_policy_path):
    probe = run_probe(tmp_path, "check", "--policy", str(cloud_host_policy_path))
    assert probe["code"] == 0
    assert {"weasyprint", "django", "openpyxl", "faker", "jinja2"}.isdisjoint(probe["loaded"])  # type: ignore[arg-type]


def test_an_access_request_prints_no_pdf_and_loads_no_pdf_library_unless_asked(tmp_path, cloud_host_policy_path):
    crm, platform = f"sqlite:///{tmp_path / 'crm.sqlite'}", f"sqlite:///{tmp_path / 'platform.sqlite'}"
    report = generate_demo_databases(crm, platform, subjects=20)
    env = {**_environment(), "CRM_DATABASE_URL": crm, "PLATFORM_DATABASE_URL": platform}
    email = report.sample_contacts[0]["email"]
    args = ("dsr", "access", "--subject", f"email={email}", "--policy", str(cloud_host_policy_path))
    probe = run_probe(tmp_path, *args, "--out", str(tmp_path / "bundle"), env=env)
    assert probe["code"] == 0
    assert {"weasyprint", "django", "openpyxl", "faker"}.isdisjoint(probe["loaded"])  # type: ignore[arg-type]
    assert (tmp_path / "bundle" / "report-fr.html").exists()
    assert not list((tmp_path / "bundle").glob("*.pdf"))


def test_an_erasure_loads_neither_the_documents_nor_the_web_layer(tmp_path, cloud_host_policy_path):
    crm, platform = f"sqlite:///{tmp_path / 'crm.sqlite'}", f"sqlite:///{tmp_path / 'platform.sqlite'}"
    report = generate_demo_databases(crm, platform, subjects=20)
    env = {**_environment(), "CRM_DATABASE_URL": crm, "PLATFORM_DATABASE_URL": platform}
    email = report.sample_contacts[1]["email"]
    args = ("dsr", "erase", "--subject", f"email={email}", "--policy", str(cloud_host_policy_path), "--dry-run")
    probe = run_probe(tmp_path, *args, env=env)
    assert probe["code"] == 0
    assert {"weasyprint", "django", "openpyxl", "faker", "jinja2"}.isdisjoint(probe["loaded"])  # type: ignore[arg-type]


def _environment() -> dict[str, str]:
    import os

    return {key: value for key, value in os.environ.items() if not key.startswith("REGISTRE_")}


def test_the_console_script_leaves_the_collector_on_for_the_commands_work(monkeypatch):
    import gc

    from registre.cli import run

    seen: list[bool] = []
    monkeypatch.setattr(sys, "argv", ["registre", "check", "--help"])
    monkeypatch.setattr("registre.cli.main.app", lambda: seen.append(gc.isenabled()))
    try:
        run()
    finally:
        gc.unfreeze()  # the objects the console script sets aside are this test process's
    assert seen == [True] and gc.isenabled()
    assert "registre.cli.check" in sys.modules  # the invoked command's module is loaded before it runs


def test_python_m_registre_runs_the_command_line(tmp_path):
    completed = subprocess.run(
        [sys.executable, "-m", "registre", "--version"], capture_output=True, text=True, timeout=60, cwd=tmp_path
    )
    assert completed.returncode == 0 and completed.stdout.startswith("registre ")
