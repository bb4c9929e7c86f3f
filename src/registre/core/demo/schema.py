"""The tables of the demo systems, as declared in `examples/cloud-host/registre.yaml`.

Two systems, one `MetaData` each, so that they can live in two databases:
`crm` (the company's own customers, contacts and their history) and
`platform` (the data its clients host on its messaging platform, separated by
`tenant_id`). Column names match the example policy exactly; foreign keys
match its `references:`. Identity columns, foreign keys and tenant columns are
indexed, because every rights request and sweep looks rows up by them.
String lengths are explicit so that MariaDB can create the tables and index
the columns.
"""

from __future__ import annotations

import sqlalchemy as sa

EMAIL = 254  # RFC 5321: the longest usable address
PHONE = 32
NAME = 100

crm_metadata = sa.MetaData()
platform_metadata = sa.MetaData()


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer, primary_key=True, autoincrement=True)


def _reference(name: str, target: str, *, nullable: bool = False) -> sa.Column[int]:
    return sa.Column(name, sa.Integer, sa.ForeignKey(target), nullable=nullable, index=True)


customers = sa.Table(
    "customers",
    crm_metadata,
    _id(),
    sa.Column("customer_number", sa.String(20), nullable=False, index=True),
    sa.Column("company_name", sa.String(200), nullable=False),
    sa.Column("vat_number", sa.String(20)),
    sa.Column("country", sa.String(2)),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("closed_at", sa.DateTime),
)

contacts = sa.Table(
    "contacts",
    crm_metadata,
    _id(),
    _reference("customer_id", "customers.id"),
    sa.Column("email", sa.String(EMAIL), nullable=False, index=True),
    sa.Column("first_name", sa.String(NAME)),
    sa.Column("last_name", sa.String(NAME), nullable=False),
    sa.Column("phone", sa.String(PHONE), index=True),
    sa.Column("job_title", sa.String(200)),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("last_contact_at", sa.DateTime),
    # Art. 18: a restricted contact is kept but no longer processed.
    sa.Column("restricted", sa.Boolean, nullable=False, default=False, server_default=sa.false()),
)

contracts = sa.Table(
    "contracts",
    crm_metadata,
    _id(),
    _reference("customer_id", "customers.id"),
    _reference("signatory_id", "contacts.id", nullable=True),
    sa.Column("product", sa.String(NAME)),
    sa.Column("started_at", sa.Date, nullable=False),
    sa.Column("ended_at", sa.Date),
    sa.Column("monthly_amount", sa.Numeric(10, 2)),
)

invoices = sa.Table(
    "invoices",
    crm_metadata,
    _id(),
    _reference("customer_id", "customers.id"),
    _reference("contact_id", "contacts.id", nullable=True),
    sa.Column("number", sa.String(32), nullable=False),
    sa.Column("issued_at", sa.Date, nullable=False),
    sa.Column("amount", sa.Numeric(12, 2)),
    sa.Column("billing_name", sa.String(200)),
    sa.Column("billing_address", sa.String(300)),
    sa.Column("iban", sa.String(64)),
)

tickets = sa.Table(
    "tickets",
    crm_metadata,
    _id(),
    _reference("contact_id", "contacts.id", nullable=True),
    sa.Column("subject", sa.String(200)),
    sa.Column("body", sa.Text),
    sa.Column("opened_at", sa.DateTime, nullable=False),
    sa.Column("closed_at", sa.DateTime),
)

calls = sa.Table(
    "calls",
    crm_metadata,
    _id(),
    _reference("contact_id", "contacts.id", nullable=True),
    sa.Column("caller_number", sa.String(PHONE)),
    sa.Column("started_at", sa.DateTime, nullable=False),
    sa.Column("duration_seconds", sa.Integer),
    sa.Column("recording_ref", sa.String(NAME)),
)

newsletter = sa.Table(
    "newsletter",
    crm_metadata,
    _id(),
    sa.Column("email", sa.String(EMAIL), nullable=False, index=True),
    sa.Column("language", sa.String(5)),
    sa.Column("subscribed_at", sa.DateTime, nullable=False),
    sa.Column("last_opened_at", sa.DateTime),
    sa.Column("unsubscribed_at", sa.DateTime),
)

access_logs = sa.Table(
    "access_logs",
    crm_metadata,
    _id(),
    _reference("contact_id", "contacts.id", nullable=True),
    sa.Column("ip_address", sa.String(45)),  # the longest textual IPv6 address
    sa.Column("user_agent", sa.String(300)),
    sa.Column("logged_at", sa.DateTime, nullable=False),
)

tenant_users = sa.Table(
    "tenant_users",
    platform_metadata,
    _id(),
    sa.Column("tenant_id", sa.String(32), nullable=False, index=True),
    sa.Column("email", sa.String(EMAIL), nullable=False, index=True),
    sa.Column("full_name", sa.String(200), nullable=False),
    sa.Column("password_hash", sa.String(200)),
    sa.Column("last_login_at", sa.DateTime),
)

tenant_messages = sa.Table(
    "tenant_messages",
    platform_metadata,
    _id(),
    sa.Column("tenant_id", sa.String(32), nullable=False, index=True),
    _reference("user_id", "tenant_users.id", nullable=True),
    sa.Column("recipient_phone", sa.String(PHONE), nullable=False, index=True),
    sa.Column("content", sa.Text),
    sa.Column("sent_at", sa.DateTime, nullable=False),
)

SYSTEMS: dict[str, sa.MetaData] = {"crm": crm_metadata, "platform": platform_metadata}


def create_empty_tables(connection: sa.Connection, metadata: sa.MetaData) -> None:
    """Drop the tables of `metadata` that exist, then create them with keys but no secondary index.

    Loading into tables without indexes and indexing afterwards (`create_indexes`)
    is faster than maintaining the indexes row by row.
    """
    metadata.drop_all(connection)
    for table in metadata.sorted_tables:
        connection.execute(sa.schema.CreateTable(table))


def create_indexes(connection: sa.Connection, metadata: sa.MetaData) -> None:
    """Create the indexes of every table of `metadata` (identity, foreign key and tenant columns)."""
    for table in metadata.sorted_tables:
        for index in sorted(table.indexes, key=lambda index: str(index.name)):
            index.create(connection)
