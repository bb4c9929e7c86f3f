"""The engine on the example of the project: the cloud-host policy and its synthetic CRM, on every backend."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
import sqlalchemy as sa

from registre.core.demo import DEMO_TODAY, generate_demo_databases
from registre.core.engine import Subject, execute_access, execute_erasure, plan_request
from registre.core.policy import Duration, load_policy

KEY = "cloud-host-key"


class CloudHost:
    """The demo databases (both systems in the fixture's database) and the policy pointing at them."""

    def __init__(self, url, folder, example):
        for source in example.glob("*.yaml"):
            shutil.copyfile(source, folder / source.name)
        self.url = url
        self.report = generate_demo_databases(url, subjects=100, tenants=3, seed=11)
        self.policy = load_policy(folder / "registre.yaml", {"CRM_DATABASE_URL": url, "PLATFORM_DATABASE_URL": url})
        self.engine = sa.create_engine(url)

    def scalar(self, sql, **parameters):
        with self.engine.connect() as connection:
            return connection.execute(sa.text(sql), parameters).scalar_one()

    def column(self, sql, **parameters):
        with self.engine.connect() as connection:
            return list(connection.execute(sa.text(sql), parameters).scalars())

    def contact_with_invoices(self):
        """The email of a contact with an invoice still held, the one whose first invoice is the oldest.

        The hold counts from the close of the invoice's financial year (31 December): an invoice of the
        year ten years before today's is still held, and older ones may not be.
        """
        first_held = dt.date(DEMO_TODAY.year - 10, 1, 1)
        with self.engine.connect() as connection:
            return (
                connection.execute(
                    sa.text(
                        "SELECT c.email FROM contacts c JOIN invoices i ON i.contact_id = c.id GROUP BY c.email "
                        "HAVING max(i.issued_at) >= :held ORDER BY min(i.issued_at), c.email"
                    ),
                    {"held": first_held},
                )
                .scalars()
                .first()
            )


@pytest.fixture
def cloud_host(database_url, tmp_path, cloud_host_policy_path):
    built = CloudHost(database_url, tmp_path, cloud_host_policy_path.parent)
    yield built
    built.engine.dispose()


def test_access_finds_a_contact_and_the_rows_that_reference_them(cloud_host):
    email = cloud_host.report.sample_contacts[0]["email"]
    result = execute_access(cloud_host.policy, Subject.of(f"email={email}"), today=DEMO_TODAY)
    assert result.ok
    datasets = {dataset.reference: dataset for dataset in result.datasets}
    (contact,) = datasets["crm.contacts"].rows
    assert contact["email"] == email
    for reference in ("crm.tickets", "crm.invoices", "crm.access_logs", "crm.calls"):
        rows = datasets[reference].rows if reference in datasets else ()
        assert all(row["contact_id"] == contact["id"] for row in rows)
    assert "crm.customers" not in datasets, "a contact's company is not the contact's data"


def test_erasure_keeps_invoices_for_ten_years_from_the_close_of_their_financial_year(cloud_host):
    email = cloud_host.contact_with_invoices()
    contact_id = cloud_host.scalar("SELECT id FROM contacts WHERE email = :email", email=email)
    issued = [
        row if isinstance(row, dt.date) else dt.date.fromisoformat(str(row)[:10])
        for row in cloud_host.column("SELECT issued_at FROM invoices WHERE contact_id = :id", id=contact_id)
    ]
    # Code de commerce L123-22: ten years from the close of the financial year (31 December here), through that day.
    closes = [dt.date(day.year, 12, 31) for day in issued]
    held = [close for close in closes if Duration(years=10).add_to(close) >= DEMO_TODAY]
    result = execute_erasure(cloud_host.policy, Subject.of(f"email={email}"), today=DEMO_TODAY, key=KEY)
    assert result.ok, result.to_dict()
    invoices = next(dataset for dataset in result.datasets if dataset.dataset == "invoices")
    assert held and (invoices.kept, invoices.anonymised) == (len(held), len(issued) - len(held))
    assert invoices.until == Duration(years=10).add_to(max(closes))
    assert "Code de commerce, art. L123-22" in invoices.holds[0].reason()
    # The contact is kept for the invoices' sake, without its identity.
    assert cloud_host.scalar("SELECT count(*) FROM contacts WHERE email = :email", email=email) == 0
    assert cloud_host.scalar("SELECT last_name FROM contacts WHERE id = :id", id=contact_id) == "ANONYME"


def test_a_contact_who_is_a_client_user_is_erased_from_the_client_only_on_its_instruction(cloud_host):
    shared = cloud_host.report.shared_contact
    subject = Subject.of(f"email={shared['email']}")
    person = execute_erasure(cloud_host.policy, subject, today=DEMO_TODAY, key=KEY)
    assert {dataset.system for dataset in person.datasets} == {"crm"}
    users = "SELECT count(*) FROM tenant_users WHERE email = :email AND tenant_id = :tenant"
    assert cloud_host.scalar(users, email=shared["email"], tenant=shared["tenant_id"]) == 1
    client = execute_erasure(cloud_host.policy, subject, tenant=shared["tenant_id"], today=DEMO_TODAY, key=KEY)
    assert {dataset.system for dataset in client.datasets} == {"platform"}
    assert cloud_host.scalar(users, email=shared["email"], tenant=shared["tenant_id"]) == 0


def test_a_batch_plan_counts_what_single_plans_count(cloud_host):
    samples = cloud_host.report.sample_contacts[:5]
    subjects = [Subject.of(f"email={sample['email']}", reference=f"s{n}") for n, sample in enumerate(samples)]
    batch = plan_request(cloud_host.policy, "erase", subjects, today=DEMO_TODAY, key=KEY)
    for subject in subjects:
        single = plan_request(cloud_host.policy, "erase", subject, today=DEMO_TODAY, key=KEY)
        for planned, alone in zip(batch.datasets, single.datasets, strict=True):
            expected = {"rows": alone.rows, **{d.kind: d.rows for d in alone.decisions if d.kind != "skip"}}
            found = {k: v for k, v in planned.per_subject.get(subject.reference, {"rows": 0}).items() if k != "skip"}
            assert found == expected, (planned.reference, subject.reference)
