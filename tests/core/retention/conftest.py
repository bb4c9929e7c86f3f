"""A small CRM with frozen dates on the test databases, and a scenario whose due rows are known by name.

One system, `crm`, on the fixture's database. On `AS_OF` (2026-06-15) the
rules are: prospecting keeps contacts 3 years after their last contact,
support keeps tickets (and their contacts) 1 year after closing, contract
management keeps contracts (and their customers) 5 years after their end
(then anonymise), billing keeps invoices 6 years (then anonymise) under a
10-year legal hold (Code de commerce), security keeps logs 1 year (timestamps)
under a 3-year hold, the newsletter keeps subscriptions 2 years after they
end and clicks 1 year, hosting keeps the members of client tenants 1 year,
and case notes wait for an event no database records.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from registre.core.policy import Policy
from registre.core.sources.catalog import close_catalogs

AS_OF = dt.date(2026, 6, 15)
KEY = "retention-test-key"

METADATA = sa.MetaData()


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer, primary_key=True, autoincrement=False)


def _fk(name: str, target: str, nullable: bool = True) -> sa.Column[int]:
    return sa.Column(name, sa.Integer, sa.ForeignKey(target), nullable=nullable, index=True)


sa.Table(
    "customers",
    METADATA,
    _id(),
    sa.Column("number", sa.String(20), nullable=False),
    sa.Column("name", sa.String(100), nullable=False),
)
sa.Table(
    "contacts",
    METADATA,
    _id(),
    _fk("customer_id", "customers.id"),
    sa.Column("email", sa.String(254), nullable=False, index=True),
    sa.Column("name", sa.String(100)),
    sa.Column("last_contact_on", sa.Date),
    sa.Column("restricted", sa.Boolean, nullable=False, server_default=sa.false()),
)
sa.Table(
    "tickets",
    METADATA,
    _id(),
    _fk("contact_id", "contacts.id", False),
    sa.Column("body", sa.Text),
    sa.Column("closed_on", sa.Date),
)
sa.Table(
    "contracts",
    METADATA,
    _id(),
    _fk("customer_id", "customers.id", False),
    sa.Column("product", sa.String(100)),
    sa.Column("ended_on", sa.Date),
)
sa.Table(
    "invoices",
    METADATA,
    _id(),
    _fk("contact_id", "contacts.id"),
    sa.Column("billing_name", sa.String(100)),
    sa.Column("issued_on", sa.Date, nullable=False),
)
sa.Table("notes", METADATA, _id(), _fk("contact_id", "contacts.id", False), sa.Column("body", sa.Text))
sa.Table(
    "logs",
    METADATA,
    _id(),
    _fk("contact_id", "contacts.id"),
    sa.Column("ip", sa.String(45)),
    sa.Column("logged_at", sa.DateTime),
)
sa.Table(
    "subscriptions",
    METADATA,
    _id(),
    sa.Column("email", sa.String(254), nullable=False, index=True),
    sa.Column("ended_on", sa.Date),
)
sa.Table("clicks", METADATA, _id(), _fk("subscription_id", "subscriptions.id", False), sa.Column("clicked_on", sa.Date))
sa.Table(
    "members",
    METADATA,
    _id(),
    sa.Column("tenant_id", sa.String(32), nullable=False, index=True),
    sa.Column("email", sa.String(254), nullable=False, index=True),
    sa.Column("name", sa.String(100)),
    sa.Column("joined_on", sa.Date),
)
TABLES = {table.name: table for table in METADATA.sorted_tables}


def _datasets() -> dict[str, Any]:
    name = {"category": "identification.name"}
    return {
        "customers": {
            "identity": {"customer_number": "number"},
            "fields": {"number": {"category": "identification.customer_number", "required": True},
                       "name": {"category": "contact.company", "required": True}},
            "erase": "anonymize",
        },
        "contacts": {
            "identity": {"email": "email"},
            "references": {"customer_id": "customers.id"},
            "restrict": "restricted",
            "fields": {
                "customer_id": {},
                "email": {"category": "contact.email", "required": True, "type": "email", "anonymize": "hash"},
                "name": {**name, "anonymize": "constant", "value": "ANONYME"},
                "last_contact_on": {"type": "date"},
                "restricted": {"type": "boolean"},
            },
            "erase": "delete",
        },
        "tickets": {
            "references": {"contact_id": "contacts.id"},
            "fields": {"contact_id": {}, "body": {"category": "relationship.correspondence"},
                       "closed_on": {"type": "date"}},
        },
        "contracts": {
            "references": {"customer_id": "customers.id"},
            "fields": {"customer_id": {}, "product": {"category": "economic.order"}, "ended_on": {"type": "date"}},
            "erase": "anonymize",
        },
        "invoices": {
            "references": {"contact_id": "contacts.id"},
            "fields": {"contact_id": {}, "billing_name": {**name, "anonymize": "constant", "value": "ANONYME"},
                       "issued_on": {"type": "date"}},
            "erase": "anonymize",
            "holds": [{"reference": "fr.commerce.L123-22", "from": "issued_on"}],
        },
        "notes": {
            "references": {"contact_id": "contacts.id"},
            "fields": {"contact_id": {}, "body": {"category": "relationship.correspondence"}},
        },
        "logs": {
            "references": {"contact_id": "contacts.id"},
            "fields": {"contact_id": {}, "ip": {"category": "connection.ip_address"},
                       "logged_at": {"type": "datetime"}},
            "holds": [{"basis": "Tax audit", "keep": "P3Y", "from": "logged_at"}],
        },
        "subscriptions": {
            "identity": {"email": "email"},
            "fields": {"email": {"category": "contact.email", "required": True, "type": "email", "anonymize": "hash"},
                       "ended_on": {"type": "date"}},
        },
        "clicks": {
            "references": {"subscription_id": "subscriptions.id"},
            "fields": {"subscription_id": {}, "clicked_on": {"category": "connection.logs", "type": "date"}},
        },
        "members": {
            "identity": {"email": "email"},
            "tenant": "tenant_id",
            "fields": {"tenant_id": {}, "email": {"category": "contact.email", "required": True, "type": "email"},
                       "name": name, "joined_on": {"type": "date"}},
        },
    }  # fmt: skip


def _activities() -> dict[str, Any]:
    def activity(datasets: list[str], keep: str, anchor: str | None = None, **extra: Any) -> dict[str, Any]:
        retention = {"keep": keep, "from": anchor} if anchor else {"keep": keep, "after": "the end of the case"}
        retention.update(extra.pop("retention", {}))
        found = {"name": "Activity", "purpose": "Purpose", "legal_basis": "contract", "datasets": datasets}
        return {**found, "retention": retention, **extra}

    return {
        "prospecting": activity(["crm.contacts"], "P3Y", "crm.contacts.last_contact_on"),
        "support": activity(["crm.tickets", "crm.contacts"], "P1Y", "crm.tickets.closed_on"),
        "contracts": activity(
            ["crm.customers", "crm.contracts"], "P5Y", "crm.contracts.ended_on", retention={"then": "anonymize"}
        ),
        "billing": activity(["crm.invoices"], "P6Y", "crm.invoices.issued_on", retention={"then": "anonymize"}),
        "case-notes": activity(["crm.notes"], "P1Y"),
        "security": activity(["crm.logs"], "P1Y", "crm.logs.logged_at"),
        "newsletter": activity(["crm.subscriptions"], "P2Y", "crm.subscriptions.ended_on"),
        "newsletter-statistics": activity(["crm.clicks"], "P1Y", "crm.clicks.clicked_on"),
        "hosting": activity(["crm.members"], "P1Y", "crm.members.joined_on", role="processor",
                            controllers=[{"name": "Clients"}]),
    }  # fmt: skip


def crm_policy(url: str, change: Callable[[dict[str, Any], dict[str, Any]], None] | None = None) -> Policy:
    """The policy of the small CRM, its one system on the database at `url`.

    `change(datasets, activities)` may alter the declaration first.
    """
    datasets, activities = _datasets(), _activities()
    if change is not None:
        change(datasets, activities)
    return Policy.model_validate(
        {
            "registre": 1,
            "organisation": {"name": "Nuage SAS", "contacts": {"requests": {"email": "privacy@nuage.example"}}},
            "systems": {"crm": {"url": url, "location": "FR", "datasets": datasets}},
            "activities": activities,
        }
    )


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def moment(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


# What a sweep on AS_OF does to the scenario, without case holds.
DELETED = {
    "tickets": {"ticket-alice-1", "ticket-alice-2", "ticket-bob-1", "ticket-carol-1", "ticket-frank-1"},
    "logs": {"log-old", "log-hold-ended"},
    "subscriptions": {"subscription-done"},
    "clicks": {"click-done"},
    "members": {"member-acme-old", "member-globex-old"},
    "contacts": {"alice"},
}
ANONYMISED = {
    "customers": {"customer-a", "customer-c", "customer-d"},
    "contracts": {"contract-a1", "contract-a2", "contract-b1", "contract-d1"},
    "contacts": {"dave", "frank"},
    "invoices": {"invoice-old"},
    "subscriptions": {"subscription-clicked"},
}


class Crm:
    """The CRM's database on one backend: tables, named rows, and ways to read them back."""

    AS_OF = AS_OF
    KEY = KEY
    DELETED = DELETED
    ANONYMISED = ANONYMISED

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = sa.create_engine(url)
        self.policy = crm_policy(url)
        self.ids: dict[str, int] = {}
        self.rows: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
        self._next = itertools.count(1)

    def policy_with(self, change: Callable[[dict[str, Any], dict[str, Any]], None]) -> Policy:
        """The policy, with `change(datasets, activities)` applied to its declaration."""
        return crm_policy(self.url, change)

    def execute(self, statement: str, **parameters: Any) -> None:
        with self.engine.begin() as connection:
            connection.execute(sa.text(statement), parameters)

    def create(self) -> None:
        close_catalogs()
        with self.engine.begin() as connection:
            METADATA.drop_all(connection)
            METADATA.create_all(connection)

    def add(self, table: str, label: str, **values: Any) -> int:
        """Add a row named `label` (written by `write`); its id."""
        row_id = next(self._next)
        self.ids[label] = row_id
        self.rows[table].append({"id": row_id, **values})
        return row_id

    def write(self) -> None:
        with self.engine.begin() as connection:
            for table in METADATA.sorted_tables:
                if self.rows[table.name]:
                    connection.execute(table.insert(), self.rows[table.name])

    def table_rows(self, name: str) -> dict[int, dict[str, Any]]:
        """The rows of a table as they are now, by id (booleans as bool)."""
        table = TABLES[name]
        with self.engine.connect() as connection:
            rows = connection.execute(sa.select(table).order_by(table.c.id)).mappings()
            return {row["id"]: {k: bool(v) if k == "restricted" else v for k, v in row.items()} for row in rows}

    def snapshot(self) -> dict[str, dict[int, dict[str, Any]]]:
        return {name: self.table_rows(name) for name in TABLES}

    def id(self, label: str) -> int:
        return self.ids[label]

    def dispose(self) -> None:
        self.engine.dispose()


def build_scenario(crm: Crm) -> None:
    """The rows of the tests, named; the comments say what is due on AS_OF and why."""
    a = crm.add("customers", "customer-a", number="C1", name="Alpha")  # contracts all ended > 5 years: due
    b = crm.add("customers", "customer-b", number="C2", name="Beta")  # one contract running: kept
    crm.add("customers", "customer-c", number="C3", name="Gamma")  # no contract: contract management keeps nothing
    d = crm.add("customers", "customer-d", number="C4", name="Delta")  # ended exactly 5 years ago: due
    e = crm.add("customers", "customer-e", number="C5", name="Epsilon")  # ended 5 years ago tomorrow: kept
    crm.add("contracts", "contract-a1", customer_id=a, product="Cloud", ended_on=day("2019-01-01"))
    crm.add("contracts", "contract-a2", customer_id=a, product="Mail", ended_on=day("2020-05-01"))
    crm.add("contracts", "contract-b1", customer_id=b, product="Cloud", ended_on=day("2019-01-01"))
    crm.add("contracts", "contract-b2", customer_id=b, product="Cloud", ended_on=None)
    crm.add("contracts", "contract-d1", customer_id=d, product="Cloud", ended_on=day("2021-06-15"))
    crm.add("contracts", "contract-e1", customer_id=e, product="Cloud", ended_on=day("2021-06-16"))
    _contacts(crm, a)
    _invoices_and_logs(crm)
    _newsletter_and_members(crm)


def _contacts(crm: Crm, customer: int) -> None:
    def contact(label: str, last: str | None) -> int:
        email = f"{label}@example.org"
        return crm.add("contacts", label, customer_id=customer, email=email, name=label.title(),
                       last_contact_on=day(last) if last else None, restricted=False)  # fmt: skip

    def ticket(label: str, contact_id: int, closed: str | None) -> None:
        crm.add("tickets", label, contact_id=contact_id, body="Help", closed_on=day(closed) if closed else None)

    alice = contact("alice", "2020-01-01")  # both rules ran out: due, deleted once her due tickets are
    ticket("ticket-alice-1", alice, "2024-01-01")
    ticket("ticket-alice-2", alice, "2025-01-01")
    bob = contact("bob", "2020-01-01")  # prospecting ran out, support not (one ticket closed this year)
    ticket("ticket-bob-1", bob, "2024-01-01")
    ticket("ticket-bob-2", bob, "2026-01-01")
    carol = contact("carol", "2025-01-01")  # support ran out, prospecting not
    ticket("ticket-carol-1", carol, "2024-01-01")
    contact("dave", "2020-01-01")  # no ticket: support keeps nothing; due (his invoices stay: anonymised)
    erin = contact("erin", "2020-01-01")  # a ticket still open
    ticket("ticket-erin-1", erin, None)
    frank = contact("frank", "2020-01-01")  # due, and a case note that never goes references him
    ticket("ticket-frank-1", frank, "2024-01-01")
    crm.add("notes", "note-frank", contact_id=frank, body="Dispute")


def _invoices_and_logs(crm: Crm) -> None:
    dave = crm.id("dave")
    crm.add("invoices", "invoice-old", contact_id=dave, billing_name="Dave", issued_on=day("2015-01-01"))  # due
    crm.add("invoices", "invoice-held", contact_id=dave, billing_name="Dave", issued_on=day("2018-01-01"))  # held
    crm.add("invoices", "invoice-recent", contact_id=dave, billing_name="Dave", issued_on=day("2024-01-01"))
    crm.add("logs", "log-old", ip="192.0.2.1", logged_at=moment("2022-01-01T10:00"))  # due
    crm.add("logs", "log-held", ip="192.0.2.2", logged_at=moment("2024-01-01T10:00"))  # held 3 years
    crm.add("logs", "log-recent", ip="192.0.2.3", logged_at=moment("2026-01-01T10:00"))
    crm.add("logs", "log-last-second", ip="192.0.2.4", logged_at=moment("2025-06-15T23:59:59"))  # expired, held
    crm.add("logs", "log-hold-ended", ip="192.0.2.5", logged_at=moment("2023-06-14T23:00"))  # due: hold ended
    crm.add(
        "logs", "log-hold-starts", ip="192.0.2.6", logged_at=moment("2023-06-15T00:00")
    )  # held through its anniversary


def _newsletter_and_members(crm: Crm) -> None:
    done = crm.add("subscriptions", "subscription-done", email="old@example.org", ended_on=day("2020-01-01"))
    crm.add("clicks", "click-done", subscription_id=done, clicked_on=day("2020-01-01"))  # due: then its parent goes
    clicked = crm.add("subscriptions", "subscription-clicked", email="clicked@example.org", ended_on=day("2020-01-01"))
    crm.add("clicks", "click-recent", subscription_id=clicked, clicked_on=day("2026-03-01"))  # keeps its parent
    crm.add("subscriptions", "subscription-running", email="reader@example.org", ended_on=None)
    crm.add(
        "members", "member-acme-old", tenant_id="acme", email="m1@acme.example", name="M1", joined_on=day("2020-01-01")
    )
    crm.add("members", "member-globex-old", tenant_id="globex", email="m2@globex.example", name="M2",
            joined_on=day("2020-01-01"))  # fmt: skip
    crm.add(
        "members", "member-acme-new", tenant_id="acme", email="m3@acme.example", name="M3", joined_on=day("2026-01-01")
    )


@pytest.fixture(autouse=True)
def _fresh_catalogs() -> Iterator[None]:
    """Every test starts and ends without shared engines: fixture databases are dropped after each test."""
    close_catalogs()
    yield
    close_catalogs()


@pytest.fixture
def crm(database_url: str) -> Iterator[Crm]:
    """The scenario's CRM on each backend (SQLite, PostgreSQL, MariaDB)."""
    built = Crm(database_url)
    built.create()
    build_scenario(built)
    built.write()
    yield built
    close_catalogs()
    built.dispose()


@pytest.fixture
def sqlite_crm(sqlite_url: str) -> Iterator[Crm]:
    """The scenario's CRM on SQLite only, for logic that does not depend on the database."""
    built = Crm(sqlite_url)
    built.create()
    build_scenario(built)
    built.write()
    yield built
    close_catalogs()
    built.dispose()
