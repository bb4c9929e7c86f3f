"""Drift between the declared datasets and the real tables, on SQLite, PostgreSQL and MariaDB."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from registre.core.policy import Policy, System, load_policy
from registre.core.sources import SystemDrift, create_engine_for, inspect_drift, write_transaction

POLICY = """\
registre: 1
organisation:
  name: Petite Boîte SAS
  contacts:
    requests: {{email: privacy@petite.fr}}
systems:
  crm:
    url: "{url}"
    location: FR
    datasets:
      contacts:
        subject: client_contacts
        identity: {{email: email}}
        fields:
          email: {{category: contact.email, required: true}}
          last_name: identification.last_name
          last_contact_at: {{type: datetime}}
      invoices:
        table: invoice_lines
        references: {{contact_id: contacts.id}}
        fields:
          contact_id: {{}}
          number: economic.invoice
          issued_at: {{type: date}}
{extra}
activities:
  prospecting:
    name: Prospection
    purpose: Prospection commerciale
    legal_basis: legitimate_interest
    legitimate_interest: Développer notre activité
    data_subjects: [client_contacts]
    datasets: [crm.contacts, crm.invoices]
    retention: {{keep: P3Y, from: crm.contacts.last_contact_at}}
    security: [access_control]
"""

UNREACHABLE = """\
  billing:
    url: "postgresql://registre:s3cret@127.0.0.1:1/billing"
    location: FR
"""


def write_policy(tmp_path: Path, url: str, extra: str = "") -> Policy:
    path = tmp_path / "registre.yaml"
    path.write_text(POLICY.format(url=url, extra=extra), encoding="utf-8")
    return load_policy(path, environ={})


def create_tables(url: str, *tables: tuple[str, list[str]]) -> None:
    """Create each `(table, columns)` with an integer `id` key and string columns."""
    metadata = sa.MetaData()
    for name, columns in tables:
        sa.Table(
            name,
            metadata,
            sa.Column("id", sa.Integer, primary_key=True),
            *(sa.Column(column, sa.String(100)) for column in columns),
        )
    engine = create_engine_for(System(url=url, location="FR"))
    with write_transaction(engine) as connection:
        metadata.create_all(connection)
    engine.dispose()


CONTACTS = ("contacts", ["email", "last_name", "last_contact_at"])
INVOICES = ("invoice_lines", ["contact_id", "number", "issued_at"])


def inspect_crm(policy: Policy) -> SystemDrift:
    (drift,) = inspect_drift(policy, systems=["crm"])
    return drift


def test_tables_that_match_the_policy_show_no_drift(tmp_path, database_url):
    create_tables(database_url, CONTACTS, INVOICES)
    drift = inspect_crm(write_policy(tmp_path, database_url))
    assert drift.ok, drift.messages()
    assert drift.error is None
    assert [dataset.dataset for dataset in drift.datasets] == ["crm.contacts", "crm.invoices"]
    assert drift.messages() == []
    assert drift.undeclared_tables == []


def test_a_declared_column_that_is_missing_is_reported(tmp_path, database_url):
    create_tables(database_url, ("contacts", ["email", "last_contact_at"]), INVOICES)
    drift = inspect_crm(write_policy(tmp_path, database_url))
    contacts = drift.datasets[0]
    assert not drift.ok
    assert contacts.missing_columns == ["last_name"]
    assert contacts.undeclared_columns == []
    assert drift.messages() == ["crm.contacts: declared column contacts.last_name is missing"]


def test_every_name_the_policy_gives_a_column_is_checked(tmp_path, database_url):
    # The key, the identity, the reference and the field names all count as declared columns.
    create_tables(database_url, CONTACTS, ("invoice_lines", ["number"]))
    drift = inspect_crm(write_policy(tmp_path, database_url))
    assert drift.datasets[1].missing_columns == ["contact_id", "issued_at"]


def test_a_column_the_policy_does_not_declare_is_reported(tmp_path, database_url):
    create_tables(database_url, ("contacts", [*CONTACTS[1], "birth_date"]), INVOICES)
    drift = inspect_crm(write_policy(tmp_path, database_url))
    contacts = drift.datasets[0]
    assert not drift.ok
    assert contacts.undeclared_columns == ["birth_date"]
    assert contacts.missing_columns == []
    assert drift.messages() == ["crm.contacts: column contacts.birth_date is not declared"]


def test_a_missing_table_is_reported(tmp_path, database_url):
    create_tables(database_url, CONTACTS)
    drift = inspect_crm(write_policy(tmp_path, database_url))
    invoices = drift.datasets[1]
    assert not drift.ok
    assert (invoices.missing_table, invoices.table, invoices.schema) == (True, "invoice_lines", None)
    assert drift.messages() == ["crm.invoices: table invoice_lines is missing"]


def test_a_missing_table_is_reported_with_its_schema(tmp_path, database_url):
    create_tables(database_url, CONTACTS, INVOICES)
    extra = "      archive:\n        schema: nowhere\n        table: old_contacts\n"
    drift = inspect_crm(write_policy(tmp_path, database_url, extra))
    archive = drift.datasets[2]
    assert (archive.missing_table, archive.schema, archive.table) == (True, "nowhere", "old_contacts")
    assert "crm.archive: table nowhere.old_contacts is missing" in drift.messages()


def test_tables_that_no_dataset_declares_are_listed_for_information(tmp_path, database_url):
    create_tables(database_url, CONTACTS, INVOICES, ("audit_trail", ["actor"]))
    drift = inspect_crm(write_policy(tmp_path, database_url))
    assert drift.undeclared_tables == ["audit_trail"]
    assert drift.ok


def test_an_unreachable_database_is_reported_without_its_password(tmp_path, sqlite_url):
    create_tables(sqlite_url, CONTACTS, INVOICES)
    policy = write_policy(tmp_path, sqlite_url, UNREACHABLE)
    crm, billing = inspect_drift(policy)
    assert crm.ok
    assert not billing.ok
    assert billing.error
    assert billing.url == "postgresql://registre:***@127.0.0.1:1/billing"
    text = json.dumps(billing.to_dict()) + "\n".join(billing.messages())
    assert "s3cret" not in text
    assert billing.messages()[0].startswith("billing: cannot connect to postgresql://registre:***@127.0.0.1:1")


def test_only_the_named_systems_are_inspected(tmp_path, sqlite_url):
    create_tables(sqlite_url, CONTACTS, INVOICES)
    policy = write_policy(tmp_path, sqlite_url, UNREACHABLE)
    assert [drift.system for drift in inspect_drift(policy, systems=["billing"])] == ["billing"]


def test_an_undeclared_system_name_is_refused(tmp_path, sqlite_url):
    policy = write_policy(tmp_path, sqlite_url)
    with pytest.raises(ValueError, match="unknown system"):
        inspect_drift(policy, systems=["warehouse"])


def test_the_drift_report_is_json_ready(tmp_path, database_url):
    create_tables(database_url, ("contacts", ["email", "phone"]))
    drift = inspect_crm(write_policy(tmp_path, database_url))
    report = json.loads(json.dumps(drift.to_dict()))
    assert report["ok"] is False
    assert report["datasets"][0]["missing_columns"] == ["last_contact_at", "last_name"]
    assert report["datasets"][0]["undeclared_columns"] == ["phone"]
    assert report["datasets"][1]["missing_table"] is True


def test_a_missing_sqlite_file_is_reported_and_not_created(tmp_path):
    missing = tmp_path / "typo.sqlite"
    (drift,) = inspect_drift(write_policy(tmp_path, f"sqlite:///{missing}"))
    assert not drift.ok
    assert "unable to open database file" in str(drift.error)
    assert not missing.exists()
