"""A small shop on the test databases: a schema, a policy declaring it, and people to look for.

Two systems share the fixture's database: `shop` (customers, people and
their orders, order lines, messages and logins, plus the members of client
tenants) and `mailing` (newsletter subscriptions and their clicks), each
committed in its own transaction by the engine. `TODAY` is frozen so that
holds are predictable: orders are held 10 years from `placed_on`
(Code de commerce), logins 1 year from `logged_at` (CPCE).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa

from registre.core.policy import Policy
from registre.core.sources.catalog import close_catalogs

TODAY = dt.date(2026, 6, 15)
KEY = "test-pseudonym-key"
OLD = dt.date(2010, 3, 1)  # past every hold
RECENT = dt.date(2024, 2, 10)  # within the 10-year hold of orders, past the 1-year hold of logins

METADATA = sa.MetaData()
CUSTOMERS = sa.Table(
    "customers",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("customer_number", sa.String(20), nullable=False, index=True),
    sa.Column("company", sa.String(100), nullable=False),
)
PEOPLE = sa.Table(
    "people",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("customer_id", sa.Integer, sa.ForeignKey("customers.id"), index=True),
    sa.Column("email", sa.String(254), nullable=False, index=True),
    sa.Column("phone", sa.String(32), index=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("born_on", sa.Date),
    sa.Column("restricted", sa.Boolean, nullable=False, server_default=sa.false()),
)
ORDERS = sa.Table(
    "orders",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("person_id", sa.Integer, sa.ForeignKey("people.id"), nullable=False, index=True),
    sa.Column("placed_on", sa.Date),
    sa.Column("amount", sa.Numeric(10, 2)),
    sa.Column("billing_name", sa.String(100)),
    sa.Column("restricted", sa.Boolean, nullable=False, server_default=sa.false()),
)
ORDER_LINES = sa.Table(
    "order_lines",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("order_id", sa.Integer, sa.ForeignKey("orders.id"), nullable=False, index=True),
    sa.Column("product", sa.String(100)),
)
MESSAGES = sa.Table(
    "messages",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("person_id", sa.Integer, sa.ForeignKey("people.id"), nullable=False, index=True),
    sa.Column("body", sa.Text),
    sa.Column("sent_at", sa.DateTime),
)
LOGINS = sa.Table(
    "logins",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("person_id", sa.Integer, sa.ForeignKey("people.id"), nullable=False, index=True),
    sa.Column("ip", sa.String(45)),
    sa.Column("logged_at", sa.DateTime),
)
MEMBERS = sa.Table(
    "members",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("tenant_id", sa.String(32), nullable=False, index=True),
    sa.Column("email", sa.String(254), nullable=False, index=True),
    sa.Column("name", sa.String(100)),
)
NEWSLETTER = sa.Table(
    "newsletter",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("email", sa.String(254), nullable=False, index=True),
)
CLICKS = sa.Table(
    "clicks",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("subscription_id", sa.Integer, sa.ForeignKey("newsletter.id"), nullable=False, index=True),
    sa.Column("clicked_at", sa.DateTime),
)
TABLES = {table.name: table for table in METADATA.sorted_tables}


def shop_policy(url: str) -> Policy:
    """The policy of the shop, both systems on the database at `url`."""
    personal = {"category": "identification.name"}
    datasets = {
        "customers": {
            "identity": {"customer_number": "customer_number"},
            "fields": {
                "customer_number": {"category": "identification.customer_number", "required": True},
                "company": {"category": "contact.company", "required": True},
            },
            "erase": "anonymize",
        },
        "people": {
            "identity": {"email": "email", "phone": "phone"},
            "references": {"customer_id": "customers.id"},
            "restrict": "restricted",
            "fields": {
                "customer_id": {},
                "email": {"category": "contact.email", "required": True, "type": "email", "anonymize": "hash"},
                "phone": {"category": "contact.phone", "type": "phone"},
                "name": {**personal, "required": True, "anonymize": "constant", "value": "ANONYME"},
                "born_on": {"category": "identification.birth_date", "type": "date", "anonymize": "year"},
                "restricted": {"type": "boolean"},
            },
            "erase": "delete",
        },
        "orders": {
            "references": {"person_id": "people.id"},
            "restrict": "restricted",
            "fields": {
                "person_id": {},
                "placed_on": {"type": "date"},
                "amount": {"type": "decimal"},
                "billing_name": {**personal, "anonymize": "redact"},
                "restricted": {"type": "boolean"},
            },
            "erase": "anonymize",
            "holds": [{"reference": "fr.commerce.L123-22", "from": "placed_on"}],
        },
        "order_lines": {
            "references": {"order_id": "orders.id"},
            "fields": {"order_id": {}, "product": {"category": "economic.order"}},
            "erase": "delete",
        },
        "messages": {
            "references": {"person_id": "people.id"},
            "fields": {
                "person_id": {},
                "body": {"category": "relationship.correspondence"},
                "sent_at": {"category": "usage.communication_metadata", "type": "datetime", "anonymize": "month"},
            },
            "erase": "anonymize",
        },
        "logins": {
            "references": {"person_id": "people.id"},
            "fields": {"person_id": {}, "ip": {"category": "connection.ip_address"}, "logged_at": {"type": "datetime"}},
            "erase": "delete",
        },
        "members": {
            "identity": {"email": "email"},
            "tenant": "tenant_id",
            "fields": {
                "tenant_id": {},
                "email": {"category": "contact.email", "required": True, "type": "email"},
                "name": personal,
            },
            "erase": "delete",
        },
    }
    mailing = {
        "newsletter": {
            "identity": {"email": "email"},
            "fields": {"email": {"category": "contact.email", "required": True, "type": "email"}},
            "erase": "delete",
        },
        "clicks": {
            "references": {"subscription_id": "newsletter.id"},
            "fields": {"subscription_id": {}, "clicked_at": {"category": "connection.logs", "type": "datetime"}},
            "erase": "delete",
        },
    }
    return Policy.model_validate(
        {
            "registre": 1,
            "organisation": {"name": "Boutique SAS", "contacts": {"requests": {"email": "privacy@boutique.example"}}},
            "systems": {
                "shop": {"url": url, "location": "FR", "datasets": datasets},
                "mailing": {"url": url, "location": "FR", "datasets": mailing},
            },
            "activities": _activities(),
        }
    )


def _activities() -> dict[str, Any]:
    def activity(basis: str | None, datasets: list[str], **extra: Any) -> dict[str, Any]:
        return {"name": "Activity", "purpose": "Purpose", "legal_basis": basis, "datasets": datasets, **extra}

    sales = ["shop.customers", "shop.people", "shop.orders", "shop.order_lines", "shop.messages"]
    return {
        "sales": activity("contract", sales),
        "marketing": activity("consent", ["mailing.newsletter", "mailing.clicks"]),
        "security": activity(
            "legal_obligation",
            ["shop.logins"],
            legal_obligation="fr.cpce.L34-1",
            retention={"keep": "P1Y", "from": "shop.logins.logged_at"},
        ),
        "analytics": activity("legitimate_interest", ["shop.people"]),
        "hosting": {**activity(None, ["shop.members"]), "role": "processor", "controllers": [{"name": "Clients"}]},
    }


@dataclass
class Person:
    """A person of the shop and the ids of their rows (`None` dates are allowed, e.g. a login without a date)."""

    id: int
    email: str
    phone: str | None
    customer_id: int | None = None
    orders: dict[int, dt.date | None] = field(default_factory=dict)
    lines: dict[int, int] = field(default_factory=dict)
    messages: list[int] = field(default_factory=list)
    logins: dict[int, dt.datetime | None] = field(default_factory=dict)
    subscriptions: list[int] = field(default_factory=list)
    clicks: list[int] = field(default_factory=list)
    memberships: dict[int, str] = field(default_factory=dict)


class Shop:
    """The shop's database on one backend: tables, rows, and ways to read them back."""

    TODAY = TODAY
    KEY = KEY
    OLD = OLD
    RECENT = RECENT

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = sa.create_engine(url)
        self.policy = shop_policy(url)
        self.people: list[Person] = []
        self.rows: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
        self._ids = itertools.count(1)

    def create(self) -> None:
        """Drop and create the tables, empty; forget the cached reflection of the engine."""
        close_catalogs()
        with self.engine.begin() as connection:
            METADATA.drop_all(connection)
            METADATA.create_all(connection)
        self.people.clear()
        self.rows = {name: [] for name in TABLES}
        self._ids = itertools.count(1)

    def clear(self) -> None:
        """Delete every row (children first), keeping the tables: faster than `create` between examples."""
        with self.engine.begin() as connection:
            for table in reversed(METADATA.sorted_tables):
                connection.execute(table.delete())
        self.people.clear()
        self.rows = {name: [] for name in TABLES}
        self._ids = itertools.count(1)

    def add_customer(self, number: str) -> int:
        customer_id = next(self._ids)
        self.rows["customers"].append({"id": customer_id, "customer_number": number, "company": f"Company {number}"})
        return customer_id

    def add_person(
        self,
        email: str,
        phone: str | None = None,
        *,
        customer_id: int | None = None,
        orders: tuple[dt.date | None, ...] = (),
        messages: int = 0,
        logins: tuple[dt.datetime | None, ...] = (),
        subscribed: bool = False,
        tenants: tuple[str, ...] = (),
    ) -> Person:
        """Add a person with their rows (not yet written: call `write`)."""
        person = Person(next(self._ids), email, phone, customer_id)
        self.rows["people"].append(
            {"id": person.id, "customer_id": customer_id, "email": email, "phone": phone, "name": f"Name {person.id}",
             "born_on": dt.date(1980, 5, 17), "restricted": False}
        )  # fmt: skip
        for placed_on in orders:
            self._add_order(person, placed_on)
        for _ in range(messages):
            person.messages.append(
                self._add("messages", person_id=person.id, body="Hello", sent_at=dt.datetime(2025, 3, 9, 10, 30))
            )
        for logged_at in logins:
            person.logins[self._add("logins", person_id=person.id, ip="192.0.2.7", logged_at=logged_at)] = logged_at
        if subscribed:
            subscription = self._add("newsletter", email=email)
            person.subscriptions.append(subscription)
            person.clicks.append(self._add("clicks", subscription_id=subscription, clicked_at=dt.datetime(2025, 1, 2)))
        for tenant in tenants:
            person.memberships[self._add("members", tenant_id=tenant, email=email, name=f"Member {person.id}")] = tenant
        self.people.append(person)
        return person

    def _add_order(self, person: Person, placed_on: dt.date | None) -> None:
        order = self._add(
            "orders", person_id=person.id, placed_on=placed_on, amount=Decimal("12.50"), billing_name="Billing Name",
            restricted=False,
        )  # fmt: skip
        person.orders[order] = placed_on
        person.lines[self._add("order_lines", order_id=order, product="Widget")] = order

    def _add(self, table: str, **values: Any) -> int:
        row_id = next(self._ids)
        self.rows[table].append({"id": row_id, **values})
        return row_id

    def write(self) -> None:
        """Insert every row added so far into the empty tables."""
        with self.engine.begin() as connection:
            for table in METADATA.sorted_tables:
                if self.rows[table.name]:
                    connection.execute(table.insert(), self.rows[table.name])

    def table_rows(self, name: str) -> dict[int, dict[str, Any]]:
        """The rows of a table as they are now, by id."""
        table = TABLES[name]
        with self.engine.connect() as connection:
            rows = connection.execute(sa.select(table).order_by(table.c.id)).mappings()
            return {
                row["id"]: {**row, "restricted": bool(row["restricted"])} if "restricted" in row else dict(row)
                for row in rows
            }

    def snapshot(self) -> dict[str, dict[int, dict[str, Any]]]:
        return {name: self.table_rows(name) for name in TABLES}

    def dispose(self) -> None:
        self.engine.dispose()


@pytest.fixture(autouse=True)
def _fresh_catalogs() -> Iterator[None]:
    """Every test starts and ends without shared engines: fixture databases are dropped after each test."""
    close_catalogs()
    yield
    close_catalogs()


@pytest.fixture
def shop(database_url: str) -> Iterator[Shop]:
    """An empty shop on each backend (SQLite, PostgreSQL, MariaDB)."""
    built = Shop(database_url)
    built.create()
    yield built
    close_catalogs()
    built.dispose()


@pytest.fixture
def sqlite_shop(sqlite_url: str) -> Iterator[Shop]:
    """An empty shop on SQLite only, for tests of logic that does not depend on the database."""
    built = Shop(sqlite_url)
    built.create()
    yield built
    close_catalogs()
    built.dispose()
