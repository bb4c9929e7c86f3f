"""What a breach concerns: from the policy (activities, systems, subjects) and from the data (tenants)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from registre.core.breaches import derive_scope, find_tenants
from registre.core.demo import generate_demo_databases
from registre.core.policy import load_policy
from registre.core.sources import SourceError, close_catalogs


@pytest.fixture
def policy(cloud_host_policy_path):
    return load_policy(cloud_host_policy_path, {})


@pytest.fixture
def demo(database_url, cloud_host_policy_path):
    """The cloud-host example with both systems in one database of each backend."""
    generate_demo_databases(database_url, database_url, subjects=40, tenants=3)
    loaded = load_policy(
        cloud_host_policy_path, {"CRM_DATABASE_URL": database_url, "PLATFORM_DATABASE_URL": database_url}
    )
    yield loaded, database_url
    close_catalogs()


def test_the_activities_are_those_that_use_the_datasets(policy):
    found = derive_scope(policy, ["crm.contacts"])
    using = [key for key, activity in policy.activities.items() if "crm.contacts" in activity.datasets]
    assert list(found.controller_activities) == using
    assert found.processor_activities == ()
    assert found.systems == ("crm",)


def test_a_processor_dataset_brings_its_processor_activity_and_its_tenant(policy):
    found = derive_scope(policy, ["platform.tenant_messages"])
    assert found.processor_activities == ("hosted-messaging",)
    assert found.controller_activities == ()
    assert found.tenant_datasets == ("platform.tenant_messages",)
    assert "recipients_of_communications" in found.subjects
    assert "usage.fax_sms_content" in found.categories


def test_datasets_keep_the_order_of_the_policy(policy):
    found = derive_scope(policy, ["platform.tenant_users", "crm.invoices", "crm.contacts"])
    assert found.datasets == ("crm.contacts", "crm.invoices", "platform.tenant_users")
    assert found.systems == ("crm", "platform")


def test_unknown_datasets_are_named(policy):
    with pytest.raises(ValueError, match=r"crm\.nothing"):
        derive_scope(policy, ["crm.contacts", "crm.nothing"])
    with pytest.raises(ValueError, match="at least one"):
        derive_scope(policy, [])


def test_the_tenants_are_those_with_rows_in_the_breached_datasets(demo):
    policy, url = demo
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        first = connection.execute(sa.text("SELECT MIN(tenant_id) FROM tenant_messages")).scalar_one()
        connection.execute(sa.text("DELETE FROM tenant_messages WHERE tenant_id = :tenant"), {"tenant": first})
        expected = {
            str(tenant): count
            for tenant, count in connection.execute(
                sa.text("SELECT tenant_id, COUNT(*) FROM tenant_messages GROUP BY tenant_id")
            )
        }
    engine.dispose()
    found = find_tenants(policy, derive_scope(policy, ["platform.tenant_messages"]))
    assert found == expected
    assert str(first) not in found and len(found) == 2


def test_the_rows_of_several_datasets_add_up_per_tenant(demo):
    policy, url = demo
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        expected: dict[str, int] = {}
        for table in ("tenant_users", "tenant_messages"):
            query = sa.text(f"SELECT tenant_id, COUNT(*) FROM {table} GROUP BY tenant_id")  # noqa: S608
            for tenant, count in connection.execute(query):
                expected[str(tenant)] = expected.get(str(tenant), 0) + count
    engine.dispose()
    found = find_tenants(policy, derive_scope(policy, ["platform.tenant_users", "platform.tenant_messages"]))
    assert found == expected


def test_a_controller_dataset_reads_no_database(policy):
    assert find_tenants(policy, derive_scope(policy, ["crm.contacts"])) == {}


def test_a_missing_table_is_a_source_error(tmp_path, cloud_host_policy_path):
    url = f"sqlite:///{tmp_path / 'empty.sqlite'}"
    sa.create_engine(url).connect().close()
    policy = load_policy(cloud_host_policy_path, {"PLATFORM_DATABASE_URL": url})
    try:
        with pytest.raises(SourceError, match="tenant_messages"):
            find_tenants(policy, derive_scope(policy, ["platform.tenant_messages"]))
    finally:
        close_catalogs()
