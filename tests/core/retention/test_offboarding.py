"""Client offboarding: deleting a tenant's rows in the processor datasets of the cloud-host example, on every backend.

The demo databases (both systems in the fixture's database) hold three
client tenants; the clock is frozen on 2026-11-23, the demo's today.
"""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
import sqlalchemy as sa
import yaml

from registre.core.demo import DEMO_TODAY, generate_demo_databases
from registre.core.engine import Subject
from registre.core.policy import load_policy
from registre.core.retention import CaseHold, delete_tenant, plan_tenant_deletion

TODAY = dt.date(2026, 11, 23)
NOW = dt.datetime(2026, 11, 23, 9, 30, tzinfo=dt.UTC)
TENANT = "tenant-001"
TENANT_TABLES = ("tenant_users", "tenant_messages")
CRM_TABLES = ("customers", "contacts", "contracts", "invoices", "tickets", "calls", "newsletter", "access_logs")


def frozen() -> dt.datetime:
    return NOW


class CloudHost:
    """The demo databases on one backend, and the example policy (changed by `change`) pointing at them."""

    def __init__(self, url, folder, example, change=None):
        assert DEMO_TODAY == TODAY
        for source in example.glob("*.yaml"):
            shutil.copyfile(source, folder / source.name)
        if change is not None:
            declaration = yaml.safe_load((folder / "registre.yaml").read_text(encoding="utf-8"))
            change(declaration)
            (folder / "registre.yaml").write_text(yaml.safe_dump(declaration, allow_unicode=True), encoding="utf-8")
        self.url = url
        self.report = generate_demo_databases(url, subjects=100, tenants=3, seed=11, today=TODAY)
        self.policy = load_policy(folder / "registre.yaml", {"CRM_DATABASE_URL": url, "PLATFORM_DATABASE_URL": url})
        self.engine = sa.create_engine(url)

    def scalar(self, sql, **parameters):
        with self.engine.connect() as connection:
            return connection.execute(sa.text(sql), parameters).scalar_one()

    def tenant_counts(self):
        """Rows per (table, tenant)."""
        counts = {}
        with self.engine.connect() as connection:
            for table in TENANT_TABLES:
                query = sa.text(f"SELECT tenant_id, count(*) FROM {table} GROUP BY tenant_id")  # noqa: S608
                counts.update({(table, tenant): count for tenant, count in connection.execute(query)})
        return counts

    def crm_snapshot(self):
        """Every row of the controller's tables, as they are."""
        with self.engine.connect() as connection:
            return {
                table: connection.execute(sa.text(f"SELECT * FROM {table} ORDER BY id")).all()  # noqa: S608
                for table in CRM_TABLES
            }


def hold_messages(declaration):
    """Messages are traffic data: kept one year from sending (Code des postes et des communications électroniques)."""
    messages = declaration["systems"]["platform"]["datasets"]["tenant_messages"]
    messages["holds"] = [{"reference": "fr.cpce.L34-1", "from": "sent_at"}]


@pytest.fixture
def cloud_host(database_url, tmp_path, cloud_host_policy_path):
    built = CloudHost(database_url, tmp_path, cloud_host_policy_path.parent)
    yield built
    built.engine.dispose()


@pytest.fixture
def held_cloud_host(database_url, tmp_path, cloud_host_policy_path):
    built = CloudHost(database_url, tmp_path, cloud_host_policy_path.parent, hold_messages)
    yield built
    built.engine.dispose()


@pytest.fixture
def sqlite_cloud_host(sqlite_url, tmp_path, cloud_host_policy_path):
    built = CloudHost(sqlite_url, tmp_path, cloud_host_policy_path.parent)
    yield built
    built.engine.dispose()


def test_it_deletes_every_row_of_the_tenant_and_nothing_else(cloud_host):
    before = cloud_host.tenant_counts()
    crm = cloud_host.crm_snapshot()
    assert before[("tenant_users", TENANT)] and before[("tenant_messages", TENANT)]
    deletion = delete_tenant(cloud_host.policy, TENANT, as_of=TODAY, clock=frozen)
    assert deletion.complete
    assert deletion.dataset("platform.tenant_users").deleted == before[("tenant_users", TENANT)]
    assert deletion.dataset("platform.tenant_messages").deleted == before[("tenant_messages", TENANT)]
    assert deletion.kept == 0
    after = cloud_host.tenant_counts()
    assert {key: count for key, count in before.items() if key[1] != TENANT} == after
    assert cloud_host.crm_snapshot() == crm


def test_it_deletes_children_before_parents_and_only_in_processor_datasets(cloud_host):
    deletion = delete_tenant(cloud_host.policy, TENANT, as_of=TODAY, clock=frozen)
    assert [dataset.reference for dataset in deletion.datasets] == ["platform.tenant_messages", "platform.tenant_users"]
    assert [system.system for system in deletion.systems] == ["platform"]


def test_the_plan_counts_what_the_deletion_does_and_changes_nothing(cloud_host):
    before = cloud_host.tenant_counts()
    plan = plan_tenant_deletion(cloud_host.policy, TENANT, as_of=TODAY)
    assert cloud_host.tenant_counts() == before
    deletion = delete_tenant(cloud_host.policy, TENANT, as_of=TODAY, clock=frozen)
    assert [(d.reference, d.deleted, d.kept) for d in plan.datasets] == [
        (d.reference, d.deleted, d.kept) for d in deletion.datasets
    ]


def test_a_second_run_deletes_nothing(cloud_host):
    first = delete_tenant(cloud_host.policy, TENANT, as_of=TODAY, clock=frozen)
    second = delete_tenant(cloud_host.policy, TENANT, as_of=TODAY, clock=frozen)
    assert first.deleted > 0
    assert (second.deleted, second.kept, second.complete) == (0, 0, True)
    assert plan_tenant_deletion(cloud_host.policy, TENANT, as_of=TODAY).deleted == 0


def test_a_deletion_stopped_half_way_finishes_when_run_again(sqlite_cloud_host):
    before = sqlite_cloud_host.tenant_counts()

    def crash(batch):
        if batch.number == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        delete_tenant(sqlite_cloud_host.policy, TENANT, as_of=TODAY, batch_size=5, progress=crash)
    halfway = sqlite_cloud_host.tenant_counts()
    assert halfway[("tenant_messages", TENANT)] == before[("tenant_messages", TENANT)] - 10, "two whole batches"
    deletion = delete_tenant(sqlite_cloud_host.policy, TENANT, as_of=TODAY, batch_size=5, clock=frozen)
    assert deletion.dataset("platform.tenant_messages").deleted == halfway[("tenant_messages", TENANT)]
    after = sqlite_cloud_host.tenant_counts()
    assert (TENANT not in {tenant for _table, tenant in after}) and deletion.complete
    assert {key: count for key, count in before.items() if key[1] != TENANT} == after


def test_batches_are_cut_along_the_key_and_reported(sqlite_cloud_host):
    batches = []
    rows = sqlite_cloud_host.tenant_counts()[("tenant_messages", TENANT)]
    deletion = delete_tenant(sqlite_cloud_host.policy, TENANT, as_of=TODAY, batch_size=4, progress=batches.append)
    messages = [batch for batch in batches if batch.dataset == "tenant_messages"]
    assert [batch.number for batch in messages] == list(range(1, rows // 4 + 2))
    assert all(batch.deleted == 4 for batch in messages[:-1])
    assert sum(batch.deleted for batch in messages) == rows
    assert deletion.dataset("platform.tenant_messages").batches == len(messages)


def test_a_case_hold_on_the_tenant_stops_the_whole_deletion(cloud_host):
    before = cloud_host.tenant_counts()
    hold = CaseHold(tenant=TENANT, reference="LIT-2026-031")
    deletion = delete_tenant(cloud_host.policy, TENANT, as_of=TODAY, case_holds=[hold], clock=frozen)
    assert deletion.stopped_by == (hold,)
    assert (deletion.deleted, deletion.complete) == (0, False)
    assert "stopped by a case hold on the tenant (LIT-2026-031)" in deletion.to_text()
    assert cloud_host.tenant_counts() == before
    plan = plan_tenant_deletion(cloud_host.policy, TENANT, as_of=TODAY, case_holds=[hold])
    assert plan.stopped and plan.deleted == 0
    assert plan.dataset("platform.tenant_users").case_held == before[("tenant_users", TENANT)]


def test_a_case_hold_on_another_tenant_or_a_subject_outside_it_does_not_stop_it(cloud_host):
    email = cloud_host.report.shared_contact["email"]
    holds = [CaseHold(tenant="tenant-002"), CaseHold(Subject.of(f"email={email}"))]
    deletion = delete_tenant(cloud_host.policy, TENANT, as_of=TODAY, case_holds=holds, clock=frozen)
    assert not deletion.stopped and deletion.kept == 0 and deletion.complete


def test_a_case_hold_on_a_subject_within_the_tenant_keeps_their_rows_only(cloud_host):
    with cloud_host.engine.connect() as connection:
        query = sa.text("SELECT id, email FROM tenant_users WHERE tenant_id = :t ORDER BY id")
        user_id, email = connection.execute(query, {"t": TENANT}).first()
    messages = cloud_host.scalar("SELECT count(*) FROM tenant_messages WHERE user_id = :u", u=user_id)
    hold = CaseHold(Subject.of(f"email={email}"), tenant=TENANT, reference="CNIL-2026-7")
    plan = plan_tenant_deletion(cloud_host.policy, TENANT, as_of=TODAY, case_holds=[hold])
    deletion = delete_tenant(cloud_host.policy, TENANT, as_of=TODAY, case_holds=[hold], clock=frozen)
    users, sent = deletion.dataset("platform.tenant_users"), deletion.dataset("platform.tenant_messages")
    assert (users.case_held, sent.case_held) == (1, messages)
    assert deletion.case_references == ("CNIL-2026-7",)
    assert plan.kept == deletion.kept == 1 + messages and deletion.complete
    assert cloud_host.tenant_counts().get(("tenant_users", TENANT)) == 1


def test_rows_under_a_legal_hold_are_kept_with_their_basis_and_until_date(held_cloud_host):
    host = held_cloud_host
    first_held = dt.datetime(2025, 11, 24)  # one year back, the day after: still within the year
    held = host.scalar("SELECT count(*) FROM tenant_messages WHERE tenant_id = :t AND sent_at >= :d", t=TENANT,
                       d=first_held)  # fmt: skip
    latest = host.scalar("SELECT max(sent_at) FROM tenant_messages WHERE tenant_id = :t", t=TENANT)
    users = host.scalar("SELECT count(DISTINCT user_id) FROM tenant_messages WHERE tenant_id = :t AND sent_at >= :d",
                        t=TENANT, d=first_held)  # fmt: skip
    assert held > 0, "the demo sends messages every year"
    before = host.tenant_counts()
    plan = plan_tenant_deletion(host.policy, TENANT, as_of=TODAY)
    deletion = delete_tenant(host.policy, TENANT, as_of=TODAY, clock=frozen)
    messages = deletion.dataset("platform.tenant_messages")
    (kept,) = messages.held
    latest = latest if isinstance(latest, dt.datetime) else dt.datetime.fromisoformat(latest)
    assert (kept.rows, kept.rule.basis, kept.until) == (held, "fr.cpce.L34-1", latest.date().replace(year=2027))
    assert "Code des postes et des communications électroniques" in kept.rule.citation
    assert messages.deleted == before[("tenant_messages", TENANT)] - held
    tenant_users = deletion.dataset("platform.tenant_users")
    assert (tenant_users.referenced, tenant_users.deleted) == (users, before[("tenant_users", TENANT)] - users)
    assert [(d.deleted, d.kept) for d in plan.datasets] == [(d.deleted, d.kept) for d in deletion.datasets]
    assert deletion.complete and deletion.kept_until == kept.until
    again = delete_tenant(host.policy, TENANT, as_of=TODAY, clock=frozen)
    assert (again.deleted, again.kept) == (0, held + users)


def test_kept_rows_go_once_their_hold_has_ended(held_cloud_host):
    first = delete_tenant(held_cloud_host.policy, TENANT, as_of=TODAY, clock=frozen)
    assert first.kept_until is not None and first.kept_until <= dt.date(2027, 11, 23)
    last_day = delete_tenant(held_cloud_host.policy, TENANT, as_of=first.kept_until, clock=frozen)
    assert last_day.kept > 0, "a legal hold keeps its rows through its last day"
    later = delete_tenant(held_cloud_host.policy, TENANT, as_of=first.kept_until + dt.timedelta(days=1), clock=frozen)
    assert later.kept_until is None
    assert later.kept == 0 and later.deleted > 0
    assert TENANT not in {tenant for _table, tenant in held_cloud_host.tenant_counts()}


def test_a_missing_table_stops_its_system_and_is_reported(sqlite_cloud_host):
    with sqlite_cloud_host.engine.begin() as connection:
        connection.execute(sa.text("DROP TABLE tenant_messages"))
    deletion = delete_tenant(sqlite_cloud_host.policy, TENANT, as_of=TODAY, clock=frozen)
    (system,) = deletion.systems
    assert "table tenant_messages does not exist" in system.error
    assert not deletion.ok and not deletion.complete
    assert "ERROR" in deletion.to_text()


def test_the_deletion_is_dated_by_the_clock_and_reported_as_json(sqlite_cloud_host):
    deletion = delete_tenant(sqlite_cloud_host.policy, TENANT, as_of=TODAY, clock=frozen)
    found = deletion.to_dict()
    assert found["started_at"] == found["finished_at"] == "2026-11-23T09:30:00+00:00"
    assert found["tenant"] == TENANT and found["complete"] is True
    assert found["systems"][0]["datasets"][0]["dataset"] == "tenant_messages"
    assert found["deleted"] == deletion.deleted


def test_it_refuses_an_empty_tenant_and_a_batch_size_below_one(sqlite_cloud_host):
    with pytest.raises(ValueError, match="name the tenant"):
        delete_tenant(sqlite_cloud_host.policy, "", as_of=TODAY)
    with pytest.raises(ValueError, match="at least 1"):
        delete_tenant(sqlite_cloud_host.policy, TENANT, as_of=TODAY, batch_size=0)


def test_an_unknown_tenant_has_nothing_to_delete(sqlite_cloud_host):
    before = sqlite_cloud_host.tenant_counts()
    deletion = delete_tenant(sqlite_cloud_host.policy, "tenant-999", as_of=TODAY, clock=frozen)
    assert (deletion.deleted, deletion.kept, deletion.complete) == (0, 0, True)
    assert sqlite_cloud_host.tenant_counts() == before
