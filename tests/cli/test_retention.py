"""`registre retention plan` and `registre retention run` on the demo CRM (SQLite)."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from registre.cli.retention import app
from registre.core.demo import generate_demo_databases
from registre.core.sources.catalog import close_catalogs

AS_OF = "2026-11-23"


@pytest.fixture
def demo(tmp_path):
    """The demo databases, and the environment that points the example policy at them."""
    environ = {
        "CRM_DATABASE_URL": f"sqlite:///{tmp_path / 'crm.sqlite'}",
        "PLATFORM_DATABASE_URL": f"sqlite:///{tmp_path / 'platform.sqlite'}",
    }
    generate_demo_databases(environ["CRM_DATABASE_URL"], environ["PLATFORM_DATABASE_URL"], subjects=80, tenants=2)
    close_catalogs()
    yield environ
    close_catalogs()


@pytest.fixture
def retention(cloud_host_policy_path, demo):
    """Run `registre retention ARGS...` on the demo; `input` answers prompts."""
    runner = CliRunner()

    def run(*args, input=None):
        arguments = [*args, "--policy", str(cloud_host_policy_path)]
        return runner.invoke(app, arguments, env=demo, input=input, catch_exceptions=False)

    return run


def calls(demo):
    engine = sa.create_engine(demo["CRM_DATABASE_URL"])
    with engine.connect() as connection:
        count = connection.execute(sa.text("SELECT count(*) FROM calls")).scalar_one()
    engine.dispose()
    return count


def test_plan_shows_what_is_due_per_dataset_and_the_rules(retention):
    result = retention("plan", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Retention plan on 2026-11-23:")
    assert "crm.calls:" in result.stdout
    assert "rule call-quality: 6 months from crm.calls.started_at, then delete" in result.stdout
    assert "platform.tenant_users: 16 rows; never due: waits for hosted-messaging" in result.stdout


def test_plan_as_json_for_one_system(retention):
    result = retention("plan", "--as-of", AS_OF, "--format", "json", "--system", "crm")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [system["system"] for system in data["systems"]] == ["crm"]
    assert data["due"] == data["delete"] + data["anonymise"] > 0


def test_plan_refuses_an_unknown_system_and_a_bad_date(retention):
    assert retention("plan", "--system", "nope").exit_code == 2
    result = retention("plan", "--as-of", "23/11/2026")
    assert result.exit_code == 2
    assert "--as-of takes a date as YYYY-MM-DD" in result.stderr


def test_run_dry_run_prints_the_counts_and_changes_nothing(retention, demo):
    before = calls(demo)
    result = retention("run", "--as-of", AS_OF, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Dry run as of 2026-11-23" in result.stdout
    assert calls(demo) == before


def test_run_asks_before_sweeping_and_stops_on_no(retention, demo):
    before = calls(demo)
    result = retention("run", "--as-of", AS_OF, input="n\n")
    assert result.exit_code == 1
    assert "Due on 2026-11-23" in result.stdout
    assert calls(demo) == before


def test_run_sweeps_on_yes_in_batches_as_planned(retention):
    planned = json.loads(retention("plan", "--as-of", AS_OF, "--format", "json").stdout)
    result = retention("run", "--as-of", AS_OF, "--yes", "--batch-size", "25", "--format", "json")
    assert result.exit_code == 0, result.output
    swept = json.loads(result.stdout)
    assert (swept["deleted"], swept["anonymised"]) == (planned["delete"], planned["anonymise"])
    calls_planned = next(d for d in planned["systems"][0]["datasets"] if d["dataset"] == "calls")
    calls_swept = next(d for d in swept["systems"][0]["datasets"] if d["dataset"] == "calls")
    # Full batches, then the last one (with what is left, possibly nothing).
    assert calls_swept["batches"] == calls_planned["delete"] // 25 + 1


def test_run_prints_a_summary_table_and_a_second_run_finds_nothing(retention):
    result = retention("run", "--as-of", AS_OF, "--yes")
    assert result.exit_code == 0, result.output
    assert "Swept in" in result.stdout and "crm.calls" in result.stdout and "total" in result.stdout
    again = json.loads(retention("run", "--as-of", AS_OF, "--yes", "--format", "json").stdout)
    assert (again["deleted"], again["anonymised"]) == (0, 0)
    asked = retention("run", "--as-of", AS_OF)
    assert asked.exit_code == 0, asked.output
    assert "Nothing is due as of 2026-11-23." in asked.stdout


def test_run_refuses_an_unknown_system_with_or_without_confirmation(retention):
    assert retention("run", "--system", "nope", "--yes").exit_code == 2
    assert retention("run", "--system", "nope").exit_code == 2


def test_plan_and_run_exit_1_when_a_system_cannot_be_read(cloud_host_policy_path, demo, tmp_path):
    broken = {**demo, "PLATFORM_DATABASE_URL": f"sqlite:///{tmp_path / 'missing.sqlite'}"}
    runner = CliRunner()
    arguments = ["--policy", str(cloud_host_policy_path), "--as-of", AS_OF]
    planned = runner.invoke(app, ["plan", *arguments], env=broken)
    assert planned.exit_code == 1
    assert "platform (sqlite:///" in planned.stdout and "ERROR" in planned.stdout
    swept = runner.invoke(app, ["run", *arguments, "--yes"], env=broken)
    assert swept.exit_code == 1
    assert "error: platform:" in swept.stderr


def test_check_live_reports_rows_that_can_never_become_due_and_fails_under_strict(tmp_path):
    from registre.cli.main import app as main_app

    database = tmp_path / "terrain.sqlite"
    engine = sa.create_engine(f"sqlite:///{database}")
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE contacts (id INTEGER PRIMARY KEY, email TEXT, vu_le DATE)"))
        connection.execute(sa.text("INSERT INTO contacts VALUES (1, 'a@x.fr', NULL), (2, 'b@x.fr', '2020-01-01')"))
    engine.dispose()
    policy = tmp_path / "registre.yaml"
    policy.write_text(
        f"""registre: 1
organisation:
  name: Terrain SAS
  contacts: {{requests: {{email: privacy@terrain.example}}}}
systems:
  terrain:
    url: sqlite:///{database}
    location: FR
    datasets:
      contacts:
        identity: {{email: email}}
        fields:
          email: {{category: contact.email}}
          vu_le: {{type: date}}
activities:
  prospection:
    name: Prospection
    purpose: Prospection
    legal_basis: legitimate_interest
    legitimate_interest: Prospection
    data_subjects: [prospects]
    datasets: [terrain.contacts]
    security: [access_control]
    retention: {{keep: P3Y, from: terrain.contacts.vu_le}}
""",
        encoding="utf-8",
    )
    runner = CliRunner()
    plain = runner.invoke(main_app, ["check", "--policy", str(policy), "--strict"])
    live = runner.invoke(main_app, ["check", "--policy", str(policy), "--live"])
    strict = runner.invoke(main_app, ["check", "--policy", str(policy), "--strict", "--live"])
    assert plain.exit_code == 0, plain.output
    assert live.exit_code == 0 and "terrain.contacts: 1 row(s) can never become due" in live.output
    assert strict.exit_code == 1
