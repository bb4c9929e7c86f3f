"""The demo databases: complete, consistent, reproducible, replaceable, with a mix of old and new rows."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from registre.core.demo import DEMO_TODAY, GenerationReport, generate_demo_databases
from registre.core.demo.schema import SYSTEMS, crm_metadata, platform_metadata
from registre.core.policy import Duration

SUBJECTS = 200
CRM = crm_metadata.tables
PLATFORM = platform_metadata.tables
E164 = re.compile(r"^\+[1-9]\d{9,14}$")


def _count(connection: sa.Connection, query: sa.Select[Any]) -> int:
    return int(connection.execute(query).scalar_one())


def _rows(connection: sa.Connection, table: sa.Table) -> int:
    return _count(connection, sa.select(sa.func.count()).select_from(table))


def _fingerprint(url: str) -> dict[str, str]:
    """A hash of the content of every table, rows in id order."""
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        digests = {
            table.name: hashlib.sha256(
                repr(connection.execute(sa.select(table).order_by(table.c.id)).all()).encode()
            ).hexdigest()
            for metadata in SYSTEMS.values()
            for table in metadata.sorted_tables
        }
    engine.dispose()
    return digests


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[sa.Connection, GenerationReport, str]]:
    """One SQLite demo database of SUBJECTS contacts, shared by the read-only tests of this module."""
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.sqlite'}"
    report = generate_demo_databases(url, subjects=SUBJECTS)
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        yield connection, report, url
    engine.dispose()


# Every database --------------------------------------------------------------


def test_it_fills_every_table_and_reports_the_counts(database_url: str) -> None:
    report = generate_demo_databases(database_url, subjects=120, tenants=3)
    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        counted = {
            f"{system}.{table.name}": _rows(connection, table)
            for system, metadata in SYSTEMS.items()
            for table in metadata.sorted_tables
        }
    engine.dispose()
    assert counted == report.rows
    assert counted["crm.contacts"] == 120
    assert all(count > 0 for count in counted.values())
    assert report.total_rows == sum(counted.values())


def test_running_it_again_replaces_the_data(database_url: str) -> None:
    generate_demo_databases(database_url, subjects=150, seed=1)
    report = generate_demo_databases(database_url, subjects=60, seed=2)
    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        assert _rows(connection, CRM["contacts"]) == 60
        assert _rows(connection, CRM["invoices"]) == report.rows["crm.invoices"]
        assert _rows(connection, PLATFORM["tenant_messages"]) == report.rows["platform.tenant_messages"]
    engine.dispose()


def test_new_rows_get_ids_after_the_generated_ones(database_url: str) -> None:
    report = generate_demo_databases(database_url, subjects=30)
    engine = sa.create_engine(database_url)
    with engine.begin() as connection:
        result = connection.execute(
            CRM["customers"]
            .insert()
            .values(customer_number="C-NEW", company_name="Nouvelle SARL", created_at=dt.datetime(2026, 11, 23))
        )
        assert result.inserted_primary_key is not None
        assert result.inserted_primary_key[0] == report.rows["crm.customers"] + 1
    engine.dispose()


# Reproducibility and size ----------------------------------------------------


def test_the_same_seed_gives_the_same_data(tmp_path: Path, demo: tuple[sa.Connection, GenerationReport, str]) -> None:
    url = f"sqlite:///{tmp_path / 'again.sqlite'}"
    generate_demo_databases(url, subjects=SUBJECTS)
    assert _fingerprint(url) == _fingerprint(demo[2])


def test_another_seed_gives_other_data(tmp_path: Path, demo: tuple[sa.Connection, GenerationReport, str]) -> None:
    url = f"sqlite:///{tmp_path / 'other.sqlite'}"
    generate_demo_databases(url, subjects=SUBJECTS, seed=7)
    ours, theirs = _fingerprint(url), _fingerprint(demo[2])
    assert all(ours[table] != theirs[table] for table in ours)


def test_sizes_scale_with_subjects(tmp_path: Path) -> None:
    small = generate_demo_databases(f"sqlite:///{tmp_path / 'small.sqlite'}", subjects=100)
    large = generate_demo_databases(f"sqlite:///{tmp_path / 'large.sqlite'}", subjects=400)
    for table, count in small.rows.items():
        assert 2.5 < large.rows[table] / count < 6, table
    assert large.rows["crm.contacts"] == 4 * small.rows["crm.contacts"]


def test_there_are_about_ten_rows_per_subject(demo: tuple[sa.Connection, GenerationReport, str]) -> None:
    rows = demo[1].rows
    assert 8 * SUBJECTS < demo[1].total_rows < 13 * SUBJECTS
    assert SUBJECTS / 5 < rows["crm.customers"] < SUBJECTS / 2
    assert rows["platform.tenant_users"] == SUBJECTS / 5
    assert 2 < rows["platform.tenant_messages"] / rows["platform.tenant_users"] < 4


def test_progress_is_reported_up_to_the_total(sqlite_url: str) -> None:
    calls: list[tuple[int, int]] = []
    generate_demo_databases(sqlite_url, subjects=50, progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (60, 60)  # 50 contacts, then 10 tenant users
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_it_refuses_an_empty_demo(sqlite_url: str) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        generate_demo_databases(sqlite_url, subjects=0)


def test_the_platform_can_live_in_its_own_database(tmp_path: Path) -> None:
    crm_url, platform_url = f"sqlite:///{tmp_path / 'crm.sqlite'}", f"sqlite:///{tmp_path / 'platform.sqlite'}"
    generate_demo_databases(crm_url, platform_url, subjects=40)
    assert set(sa.inspect(sa.create_engine(crm_url)).get_table_names()) == set(CRM)
    assert set(sa.inspect(sa.create_engine(platform_url)).get_table_names()) == set(PLATFORM)


# Consistency -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "column", "target"),
    [
        (CRM["contacts"], "customer_id", CRM["customers"]),
        (CRM["contracts"], "customer_id", CRM["customers"]),
        (CRM["contracts"], "signatory_id", CRM["contacts"]),
        (CRM["invoices"], "customer_id", CRM["customers"]),
        (CRM["invoices"], "contact_id", CRM["contacts"]),
        (CRM["tickets"], "contact_id", CRM["contacts"]),
        (CRM["calls"], "contact_id", CRM["contacts"]),
        (CRM["access_logs"], "contact_id", CRM["contacts"]),
        (PLATFORM["tenant_messages"], "user_id", PLATFORM["tenant_users"]),
    ],
)
def test_every_reference_points_to_an_existing_row(
    demo: tuple[sa.Connection, GenerationReport, str], table: sa.Table, column: str, target: sa.Table
) -> None:
    # SQLite does not enforce foreign keys by default: check them by hand.
    orphans = sa.select(sa.func.count()).where(~table.c[column].in_(sa.select(target.c.id)))
    assert _count(demo[0], orphans) == 0


def test_messages_belong_to_the_tenant_of_their_sender(demo: tuple[sa.Connection, GenerationReport, str]) -> None:
    users, messages = PLATFORM["tenant_users"], PLATFORM["tenant_messages"]
    mixed = (
        sa.select(sa.func.count())
        .select_from(messages.join(users, messages.c.user_id == users.c.id))
        .where(messages.c.tenant_id != users.c.tenant_id)
    )
    assert _count(demo[0], mixed) == 0


def test_contacts_have_unique_emails_and_e164_phones(demo: tuple[sa.Connection, GenerationReport, str]) -> None:
    connection = demo[0]
    contacts = CRM["contacts"]
    emails = connection.execute(sa.select(contacts.c.email)).scalars().all()
    phones = connection.execute(sa.select(contacts.c.phone).where(contacts.c.phone.is_not(None))).scalars().all()
    assert len(set(emails)) == len(emails) == SUBJECTS
    assert len(set(phones)) == len(phones) > SUBJECTS / 2
    assert all(E164.match(phone) for phone in phones)
    assert all(email.endswith(".example") for email in emails)


def test_most_customers_are_french(demo: tuple[sa.Connection, GenerationReport, str]) -> None:
    customers = CRM["customers"]
    countries = demo[0].execute(sa.select(customers.c.country)).scalars().all()
    assert 0.5 < countries.count("FR") / len(countries) < 0.9
    assert {"GB", "US"} <= set(countries)


def test_the_newsletter_has_contacts_and_pure_prospects(demo: tuple[sa.Connection, GenerationReport, str]) -> None:
    newsletter, contacts = CRM["newsletter"], CRM["contacts"]
    known = newsletter.c.email.in_(sa.select(contacts.c.email))
    from_contacts = _count(demo[0], sa.select(sa.func.count()).where(known))
    prospects = _count(demo[0], sa.select(sa.func.count()).where(~known))
    assert from_contacts > prospects > 0


def test_some_tenant_users_are_also_crm_contacts(demo: tuple[sa.Connection, GenerationReport, str]) -> None:
    connection, report, _ = demo
    users, contacts = PLATFORM["tenant_users"], CRM["contacts"]
    both = sa.select(sa.func.count()).where(users.c.email.in_(sa.select(contacts.c.email)))
    assert _count(connection, both) > 0
    shared = report.shared_contact
    tenant = connection.execute(sa.select(users.c.tenant_id).where(users.c.email == shared["email"])).scalar_one()
    assert tenant == shared["tenant_id"]
    assert connection.execute(sa.select(contacts.c.phone).where(contacts.c.email == shared["email"])).scalar_one()


def test_sample_contacts_can_be_found_by_email_phone_and_customer_number(
    demo: tuple[sa.Connection, GenerationReport, str],
) -> None:
    connection, report, _ = demo
    contacts, customers = CRM["contacts"], CRM["customers"]
    for sample in report.sample_contacts:
        found = connection.execute(
            sa.select(contacts.c.id).where(contacts.c.email == sample["email"], contacts.c.phone == sample["phone"])
        ).all()
        assert len(found) == 1
    for sample in report.sample_contacts[:1]:
        number = customers.c.customer_number == sample["customer_number"]
        assert _count(connection, sa.select(sa.func.count()).where(number)) == 1


def test_tenants_are_numbered_and_each_has_users(demo: tuple[sa.Connection, GenerationReport, str]) -> None:
    users = PLATFORM["tenant_users"]
    tenants = set(demo[0].execute(sa.select(users.c.tenant_id).distinct()).scalars())
    assert tenants == set(demo[1].tenant_ids) == {f"tenant-00{index}" for index in range(1, 6)}


# Dates and retention -------------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "column", "period"),
    [
        (CRM["contracts"], "ended_at", "P5Y"),  # contract management: 5 years after the end of the contract
        (CRM["contacts"], "last_contact_at", "P3Y"),  # prospecting: 3 years after the last contact
        (CRM["invoices"], "issued_at", "P10Y"),  # Code de commerce, art. L123-22
        (CRM["access_logs"], "logged_at", "P1Y"),  # CPCE, art. L34-1
        (CRM["tickets"], "closed_at", "P1Y"),  # support
        (CRM["calls"], "started_at", "P6M"),  # call recordings
    ],
)
def test_some_rows_are_past_each_retention_period_and_some_are_not(
    demo: tuple[sa.Connection, GenerationReport, str], table: sa.Table, column: str, period: str
) -> None:
    cutoff = Duration.parse(period).subtract_from(DEMO_TODAY)
    due = _count(demo[0], sa.select(sa.func.count()).where(table.c[column] < cutoff))
    kept = _count(demo[0], sa.select(sa.func.count()).where(table.c[column] >= cutoff))
    assert due > 0
    assert kept > 0


def test_some_contracts_are_running_and_some_customers_closed(
    demo: tuple[sa.Connection, GenerationReport, str],
) -> None:
    running = sa.select(sa.func.count()).where(CRM["contracts"].c.ended_at.is_(None))
    closed = sa.select(sa.func.count()).where(CRM["customers"].c.closed_at.is_not(None))
    assert _count(demo[0], running) > 0
    assert _count(demo[0], closed) > 0


def test_closed_customers_have_no_contact_after_closing(demo: tuple[sa.Connection, GenerationReport, str]) -> None:
    contacts, customers = CRM["contacts"], CRM["customers"]
    late = (
        sa.select(sa.func.count())
        .select_from(contacts.join(customers, contacts.c.customer_id == customers.c.id))
        .where(contacts.c.last_contact_at > customers.c.closed_at)
    )
    assert _count(demo[0], late) == 0


def test_nothing_is_dated_today_or_later(demo: tuple[sa.Connection, GenerationReport, str]) -> None:
    midnight = dt.datetime.combine(DEMO_TODAY, dt.time())
    for metadata in SYSTEMS.values():
        for table in metadata.sorted_tables:
            for column in table.columns:
                if isinstance(column.type, sa.DateTime | sa.Date):
                    bound = midnight if isinstance(column.type, sa.DateTime) else DEMO_TODAY
                    assert _count(demo[0], sa.select(sa.func.count()).where(column >= bound)) == 0, column


def test_dates_follow_the_given_today(sqlite_url: str) -> None:
    report = generate_demo_databases(sqlite_url, subjects=20, today=dt.date(2020, 1, 1))
    engine = sa.create_engine(sqlite_url)
    with engine.connect() as connection:
        latest = connection.execute(sa.select(sa.func.max(CRM["access_logs"].c.logged_at))).scalar_one()
    engine.dispose()
    assert report.today == dt.date(2020, 1, 1)
    assert dt.datetime(2019, 1, 1) < latest < dt.datetime(2020, 1, 1)


def test_the_first_sample_is_both_a_contact_and_a_tenant_user(
    demo: tuple[sa.Connection, GenerationReport, str],
) -> None:
    connection, report, _ = demo
    first = report.sample_contacts[0]
    assert report.shared_contact is first
    assert {"id", "customer_number", "tenant_id", "tenant_user_id"} <= set(first)
    users = PLATFORM["tenant_users"]
    user = connection.execute(sa.select(users).where(users.c.id == int(first["tenant_user_id"]))).one()
    assert (user.email, user.tenant_id) == (first["email"], first["tenant_id"])
    assert len({sample["email"] for sample in report.sample_contacts}) == len(report.sample_contacts)
