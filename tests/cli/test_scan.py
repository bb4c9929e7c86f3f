import json
import shutil

import pytest
import sqlalchemy as sa

from registre.core.demo import generate_demo_databases


@pytest.fixture
def policy(cloud_host_policy_path, tmp_path):
    """A copy of the example policy: a scan keeps its report beside the policy file."""
    copy = tmp_path / "policy" / "registre.yaml"
    shutil.copytree(cloud_host_policy_path.parent, copy.parent)
    return copy


def test_scan_compares_the_databases_with_the_policy(registre, policy, tmp_path):
    env = {
        "CRM_DATABASE_URL": f"sqlite:///{tmp_path / 'crm.sqlite'}",
        "PLATFORM_DATABASE_URL": f"sqlite:///{tmp_path / 'p.sqlite'}",
    }
    generate_demo_databases(env["CRM_DATABASE_URL"], env["PLATFORM_DATABASE_URL"], subjects=40, tenants=2)
    result = registre("scan", "--policy", policy, "--format", "json", env=env)
    columns = {(c["table"], c["column"]): c for c in json.loads(result.stdout)["columns"]}
    assert columns[("contacts", "email")]["kind"] == "email"
    assert columns[("invoices", "iban")]["declared"] == "economic.bank_account"
    assert not any(c["undeclared"] or c["contradicted"] for c in columns.values())
    assert result.exit_code == 0, result.output


def test_scan_exits_1_and_prints_a_snippet_for_an_undeclared_column(registre, policy, tmp_path):
    env = {
        "CRM_DATABASE_URL": f"sqlite:///{tmp_path / 'crm.sqlite'}",
        "PLATFORM_DATABASE_URL": f"sqlite:///{tmp_path / 'p.sqlite'}",
    }
    generate_demo_databases(env["CRM_DATABASE_URL"], env["PLATFORM_DATABASE_URL"], subjects=40, tenants=2)
    engine = sa.create_engine(env["CRM_DATABASE_URL"])
    with engine.begin() as connection:
        connection.execute(sa.text("ALTER TABLE contacts ADD COLUMN c9 VARCHAR(40)"))
        connection.execute(sa.text("UPDATE contacts SET c9 = 'FR7630006000011234567890189'"))
    engine.dispose()
    result = registre("scan", "--policy", policy, "--system", "crm", "--format", "yaml", env=env)
    assert result.exit_code == 1
    assert (
        "      contacts:\n        fields:\n          c9:\n            category: economic.bank_account" in result.stdout
    )


def test_scan_text_prints_spans_and_hides_values_unless_asked(registre, tmp_path):
    text = tmp_path / "note.txt"
    text.write_text("Rappeler Marie Dupont au 06 12 34 56 78.", encoding="utf-8")
    hidden = registre("scan", "--text", text, "--format", "json")
    assert [span["kind"] for span in json.loads(hidden.stdout)] == ["person_name", "phone"]
    assert "Dupont" not in hidden.stdout
    shown = registre("scan", "--text", text, "--format", "json", "--show-values")
    assert json.loads(shown.stdout)[1]["text"] == "06 12 34 56 78"


def test_scan_of_a_missing_text_file_is_one_line(registre, tmp_path):
    result = registre("scan", "--text", tmp_path / "absent.txt")
    assert result.exit_code == 1
    assert "cannot read" in result.stderr


def test_map_live_shows_the_last_scan(registre, policy, tmp_path):
    env = {
        "CRM_DATABASE_URL": f"sqlite:///{tmp_path / 'crm.sqlite'}",
        "PLATFORM_DATABASE_URL": f"sqlite:///{tmp_path / 'p.sqlite'}",
    }
    generate_demo_databases(env["CRM_DATABASE_URL"], env["PLATFORM_DATABASE_URL"], subjects=40, tenants=2)
    before = registre("map", "--live", "--policy", policy, env=env)
    assert "No scan of the databases yet" in before.stdout
    engine = sa.create_engine(env["CRM_DATABASE_URL"])
    with engine.begin() as connection:
        connection.execute(sa.text("ALTER TABLE contacts ADD COLUMN c9 VARCHAR(40)"))
        connection.execute(sa.text("UPDATE contacts SET c9 = 'FR7630006000011234567890189'"))
    engine.dispose()
    assert registre("scan", "--policy", policy, env=env).exit_code == 1
    after = registre("map", "--live", "--policy", policy, env=env)
    assert "crm.contacts.c9: undeclared economic.bank_account" in after.stdout
