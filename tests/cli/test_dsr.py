"""`registre dsr` on the demo databases (SQLite): plans, access bundles, erasure, rectification, restriction."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from registre.cli.dsr import app
from registre.core.demo import DEMO_TODAY, generate_demo_databases
from registre.core.sources.catalog import close_catalogs

TODAY = DEMO_TODAY.isoformat()


class Demo:
    """The cloud-host example on SQLite in a temporary folder, and a runner of `registre dsr`."""

    def __init__(self, folder: Path, examples: Path) -> None:
        for source in examples.glob("*.yaml"):
            shutil.copyfile(source, folder / source.name)
        self.policy = folder / "registre.yaml"
        self.crm = f"sqlite:///{folder / 'crm.sqlite'}"
        self.report = generate_demo_databases(self.crm, f"sqlite:///{folder / 'platform.sqlite'}", subjects=60)
        self.environment = {
            "CRM_DATABASE_URL": self.crm,
            "PLATFORM_DATABASE_URL": f"sqlite:///{folder / 'platform.sqlite'}",
            "REGISTRE_PSEUDONYM_KEY": "demo-key",
        }

    def run(self, *arguments: str, environment: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
        close_catalogs()
        return CliRunner().invoke(
            app, [*arguments, "--policy", str(self.policy)], env={**self.environment, **(environment or {})}
        )

    def contacts(self) -> int:
        engine = sa.create_engine(self.crm)
        with engine.connect() as connection:
            count = connection.execute(
                sa.text("SELECT count(*) FROM contacts WHERE last_name <> 'ANONYME'")
            ).scalar_one()
        engine.dispose()
        return int(count)


@pytest.fixture
def demo(tmp_path, cloud_host_policy_path):
    built = Demo(tmp_path, cloud_host_policy_path.parent)
    yield built
    close_catalogs()


def email_of(demo: Demo, number: int = 0) -> str:
    return demo.report.sample_contacts[number]["email"]


def test_plan_prints_decisions_reasons_and_sql_without_identity_values(demo):
    email = email_of(demo)
    result = demo.run("plan", "erase", "--subject", f"email={email}", "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert "Plan: erase for s-" in result.stdout
    assert "crm.contacts: 1 row" in result.stdout
    assert "| DELETE FROM tickets WHERE tickets.contact_id IN (SELECT contacts.id" in result.stdout
    assert email not in result.stdout


def test_plan_as_json(demo):
    result = demo.run("plan", "access", "--subject", f"email={email_of(demo)}", "--format", "json")
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    assert plan["action"] == "access"
    assert [system["system"] for system in plan["systems"]] == ["crm", "platform"]


def test_access_writes_the_bundle_in_the_default_folder(demo, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = demo.run("access", "--subject", f"email={email_of(demo)}", "--today", TODAY)
    assert result.exit_code == 0, result.output
    (bundle,) = tmp_path.glob(f"access-{TODAY}-s-*")
    data = json.loads((bundle / "data.json").read_text(encoding="utf-8"))
    assert data["systems"]["crm"]["contacts"]["rows"][0]["email"] == email_of(demo)
    assert (bundle / "crm.contacts.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert "crm.contacts" in result.stdout
    for lang in ("fr", "en"):
        assert (bundle / f"report-{lang}.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert not list(bundle.glob("*.pdf")), "PDFs are printed only when asked"


def test_access_prints_the_pdf_reports_when_asked(demo, tmp_path):
    out = tmp_path / "bundle"
    result = demo.run("access", "--subject", f"email={email_of(demo)}", "--report", "pdf", "--out", str(out))
    assert result.exit_code == 0, result.output
    for lang in ("fr", "en"):
        assert (out / f"report-{lang}.pdf").read_bytes().startswith(b"%PDF")
        assert not (out / f"report-{lang}.html").exists()


def test_access_writes_both_report_formats_when_both_are_asked(demo, tmp_path):
    out = tmp_path / "bundle"
    result = demo.run(
        "access", "--subject", f"email={email_of(demo)}", "--report", "html", "--report", "pdf", "--out", str(out)
    )
    assert result.exit_code == 0, result.output
    assert {path.name for path in out.glob("report-*")} == {
        "report-fr.html",
        "report-fr.pdf",
        "report-en.html",
        "report-en.pdf",
    }


def test_access_for_portability_leaves_out_logs_kept_under_a_legal_obligation(demo, tmp_path):
    result = demo.run("access", "--subject", f"email={email_of(demo)}", "--portability", "--out", str(tmp_path / "p"))
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "p" / "crm.access_logs.csv").exists()
    assert not (tmp_path / "p" / "crm.invoices.csv").exists()


def test_erase_dry_run_changes_nothing(demo):
    before = demo.contacts()
    result = demo.run("erase", "--subject", f"email={email_of(demo)}", "--dry-run", "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert "Plan: erase" in result.stdout
    assert demo.contacts() == before


def test_erase_then_again_reports_that_nothing_remained(demo):
    before = demo.contacts()
    arguments = ("erase", "--subject", f"email={email_of(demo)}", "--today", TODAY)
    first = demo.run(*arguments)
    assert first.exit_code == 0, first.output
    assert "Erasure" in first.stdout and "row(s) erased" in first.stdout
    assert demo.contacts() == before - 1
    again = demo.run(*arguments)
    assert again.exit_code == 0, again.output
    assert "nothing remained to erase" in again.stdout


def test_erase_without_the_pseudonym_key_fails_and_says_which_variable_to_set(demo):
    result = demo.run("erase", "--subject", f"email={email_of(demo)}", environment={"REGISTRE_PSEUDONYM_KEY": ""})
    assert result.exit_code == 1
    assert "REGISTRE_PSEUDONYM_KEY" in result.stderr


def test_erase_a_batch_from_csv_with_a_summary(demo, tmp_path):
    batch = tmp_path / "subjects.csv"
    lines = ["subject,email,phone", *(f"r{n},{email_of(demo, n)}," for n in range(3)), "r9,,+33999999999"]
    batch.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = demo.run("erase", "--batch", str(batch), "--format", "json", "--today", TODAY)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    contacts = next(d for s in payload["systems"] for d in s["datasets"] if d["dataset"] == "contacts")
    assert set(contacts["per_subject"]) == {"r0", "r1", "r2"}
    assert payload["subjects"] == ["r0", "r1", "r2", "r9"]


def test_a_batch_with_an_unknown_identity_type_lists_the_declared_ones(demo, tmp_path):
    batch = tmp_path / "subjects.csv"
    batch.write_text("subject,fax\nr1,+33100000000\n", encoding="utf-8")
    result = demo.run("erase", "--batch", str(batch))
    assert result.exit_code == 2
    assert "unknown identity type fax; the policy declares: customer_number, email, phone" in result.stderr


def test_a_batch_needs_a_subject_column_first(demo, tmp_path):
    batch = tmp_path / "subjects.csv"
    batch.write_text("email\nada@example.org\n", encoding="utf-8")
    assert "the first line must be 'subject'" in demo.run("erase", "--batch", str(batch)).stderr


def test_a_subject_and_a_batch_cannot_be_given_together(demo, tmp_path):
    result = demo.run("access", "--subject", "email=a@b.org", "--batch", str(tmp_path / "x.csv"))
    assert result.exit_code == 2
    assert "--subject TYPE=VALUE, or a CSV file with --batch" in result.stderr


def test_rectify_sets_a_valid_value_and_refuses_an_invalid_one(demo):
    subject = f"email={email_of(demo)}"
    result = demo.run("rectify", "--subject", subject, "--set", "last_name=Lovelace")
    assert result.exit_code == 0, result.output
    assert "crm.contacts" in result.stdout
    refused = demo.run("rectify", "--subject", subject, "--set", "email=not-an-email")
    assert refused.exit_code == 2
    assert "is not a valid email" in refused.stderr


def test_restrict_and_lift(demo):
    subject = f"email={email_of(demo)}"
    restricted = demo.run("restrict", "--subject", subject, "--format", "json")
    assert restricted.exit_code == 0, restricted.output
    changed = {d["dataset"]: d["changed"] for s in json.loads(restricted.stdout)["systems"] for d in s["datasets"]}
    assert changed["contacts"] == 1
    lifted = demo.run("restrict", "--subject", subject, "--lift")
    assert lifted.exit_code == 0, lifted.output
    assert "cannot restrict: no restrict column" in lifted.stdout


def test_a_tenant_request_reaches_only_the_clients_data(demo):
    shared = demo.report.shared_contact
    result = demo.run(
        "plan", "erase", "--subject", f"email={shared['email']}", "--tenant", shared["tenant_id"], "--format", "json"
    )
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    reached = {
        (system["system"], dataset["dataset"])
        for system in plan["systems"]
        for dataset in system["datasets"]
        if dataset["decisions"][0]["kind"] != "skip"
    }
    assert ("platform", "tenant_users") in reached
    assert {system for system, _ in reached} == {"platform"}


def test_an_unknown_identity_type_on_the_command_line_is_a_usage_error(demo):
    result = demo.run("access", "--subject", "fax=+33100000000")
    assert result.exit_code == 2
    assert "the policy declares: customer_number, email, phone" in result.stderr


def test_policy_errors_are_shown_with_their_position(tmp_path):
    policy = tmp_path / "registre.yaml"
    policy.write_text("registre: 1\norganisation:\n  name: X\n  contacts: {requests: {email: a@b.fr}}\n  colour: red\n")
    result = CliRunner().invoke(app, ["access", "--subject", "email=a@b.org", "--policy", str(policy)])
    assert result.exit_code == 1
    assert "registre.yaml:5:3: error: unknown key 'colour'" in result.stderr
