"""The reference of the engine benchmark: the same work on the cloud-host CRM, written by hand in SQL.

What a careful engineer would write for this one schema, knowing it: one
statement per table, bound parameters, the same holds (invoices ten years
from `issued_at`, connection logs one year from `logged_at`), the same
anonymisation and the same per-subject counts in batch mode. The engine must
stay within 1.25x of it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa

from registre.core.policy import Duration
from registre.core.sources import read_only_connection, write_transaction

ACCESS = {
    "contacts": (
        "SELECT id, customer_id, email, first_name, last_name, phone, job_title, created_at, last_contact_at, "
        "restricted FROM contacts WHERE email = :email ORDER BY id"
    ),
    "contracts": (
        "SELECT id, customer_id, signatory_id, product, started_at, ended_at, monthly_amount FROM contracts "
        "WHERE signatory_id IN (SELECT id FROM contacts WHERE email = :email) ORDER BY id"
    ),
    "invoices": (
        "SELECT id, customer_id, contact_id, number, issued_at, amount, billing_name, billing_address, iban "
        "FROM invoices WHERE contact_id IN (SELECT id FROM contacts WHERE email = :email) ORDER BY id"
    ),
    "tickets": (
        "SELECT id, contact_id, subject, body, opened_at, closed_at FROM tickets WHERE contact_id IN (SELECT "
        "id FROM contacts WHERE email = :email) ORDER BY id"
    ),
    "calls": (
        "SELECT id, contact_id, caller_number, started_at, duration_seconds, recording_ref FROM calls WHERE "
        "contact_id IN (SELECT id FROM contacts WHERE email = :email) ORDER BY id"
    ),
    "newsletter": (
        "SELECT id, email, language, subscribed_at, last_opened_at, unsubscribed_at FROM newsletter WHERE "
        "email = :email ORDER BY id"
    ),
    "access_logs": (
        "SELECT id, contact_id, ip_address, user_agent, logged_at FROM access_logs WHERE contact_id IN "
        "(SELECT id FROM contacts WHERE email = :email) ORDER BY id"
    ),
}

ERASE_ONE = [
    (
        "UPDATE contracts SET product = NULL WHERE signatory_id IN (SELECT id FROM contacts WHERE email = "
        ":email) AND product IS NOT NULL"
    ),
    (
        "SELECT count(*), max(issued_at) FROM invoices WHERE contact_id IN (SELECT id FROM contacts WHERE "
        "email = :email) AND issued_at >= :invoices_from"
    ),
    (
        "UPDATE invoices SET number = :redacted, billing_name = 'ANONYME', billing_address = NULL, iban = "
        ":redacted WHERE contact_id IN (SELECT id FROM contacts WHERE email = :email) AND issued_at < "
        ":invoices_from AND number <> :redacted"
    ),
    ("DELETE FROM tickets WHERE contact_id IN (SELECT id FROM contacts WHERE email = :email)"),
    ("DELETE FROM calls WHERE contact_id IN (SELECT id FROM contacts WHERE email = :email)"),
    ("DELETE FROM newsletter WHERE email = :email"),
    (
        "SELECT count(*), max(logged_at) FROM access_logs WHERE contact_id IN (SELECT id FROM contacts WHERE "
        "email = :email) AND logged_at >= :logs_from"
    ),
    (
        "DELETE FROM access_logs WHERE contact_id IN (SELECT id FROM contacts WHERE email = :email) AND "
        "logged_at < :logs_from"
    ),
    (
        "DELETE FROM contacts WHERE email = :email AND NOT EXISTS (SELECT 1 FROM contracts WHERE "
        "contracts.signatory_id = contacts.id) AND NOT EXISTS (SELECT 1 FROM invoices WHERE "
        "invoices.contact_id = contacts.id) AND NOT EXISTS (SELECT 1 FROM tickets WHERE tickets.contact_id = "
        "contacts.id) AND NOT EXISTS (SELECT 1 FROM calls WHERE calls.contact_id = contacts.id) AND NOT "
        "EXISTS (SELECT 1 FROM access_logs WHERE access_logs.contact_id = contacts.id)"
    ),
    (
        "UPDATE contacts SET email = :pseudonym, first_name = NULL, last_name = 'ANONYME', phone = NULL, "
        "job_title = NULL, restricted = :true WHERE email = :email"
    ),
]

# Batches: the same statements joined to a temporary table of (email, pseudonym), with counts per subject.
ERASE_BATCH = [
    (
        "SELECT s.email, count(*) FROM contracts t JOIN contacts c ON t.signatory_id = c.id JOIN "
        "bench_subjects s ON s.email = c.email GROUP BY s.email"
    ),
    (
        "UPDATE contracts SET product = NULL WHERE signatory_id IN (SELECT c.id FROM contacts c JOIN "
        "bench_subjects s ON s.email = c.email) AND product IS NOT NULL"
    ),
    (
        "SELECT s.email, count(*), sum(CASE WHEN t.issued_at >= :invoices_from THEN 1 ELSE 0 END), max(CASE "
        "WHEN t.issued_at >= :invoices_from THEN t.issued_at END) FROM invoices t JOIN contacts c ON "
        "t.contact_id = c.id JOIN bench_subjects s ON s.email = c.email GROUP BY s.email"
    ),
    (
        "SELECT count(*), max(issued_at) FROM invoices WHERE contact_id IN (SELECT c.id FROM contacts c JOIN "
        "bench_subjects s ON s.email = c.email) AND issued_at >= :invoices_from"
    ),
    (
        "UPDATE invoices SET number = :redacted, billing_name = 'ANONYME', billing_address = NULL, iban = "
        ":redacted WHERE contact_id IN (SELECT c.id FROM contacts c JOIN bench_subjects s ON s.email = "
        "c.email) AND issued_at < :invoices_from AND number <> :redacted"
    ),
    (
        "SELECT s.email, count(*) FROM tickets t JOIN contacts c ON t.contact_id = c.id JOIN bench_subjects s "
        "ON s.email = c.email GROUP BY s.email"
    ),
    (
        "DELETE FROM tickets WHERE contact_id IN (SELECT c.id FROM contacts c JOIN bench_subjects s ON "
        "s.email = c.email)"
    ),
    (
        "SELECT s.email, count(*) FROM calls t JOIN contacts c ON t.contact_id = c.id JOIN bench_subjects s "
        "ON s.email = c.email GROUP BY s.email"
    ),
    ("DELETE FROM calls WHERE contact_id IN (SELECT c.id FROM contacts c JOIN bench_subjects s ON s.email = c.email)"),
    ("SELECT s.email, count(*) FROM newsletter n JOIN bench_subjects s ON s.email = n.email GROUP BY s.email"),
    ("DELETE FROM newsletter WHERE email IN (SELECT email FROM bench_subjects)"),
    (
        "SELECT s.email, count(*), sum(CASE WHEN t.logged_at >= :logs_from THEN 1 ELSE 0 END), max(CASE WHEN "
        "t.logged_at >= :logs_from THEN t.logged_at END) FROM access_logs t JOIN contacts c ON t.contact_id = "
        "c.id JOIN bench_subjects s ON s.email = c.email GROUP BY s.email"
    ),
    (
        "SELECT count(*), max(logged_at) FROM access_logs WHERE contact_id IN (SELECT c.id FROM contacts c "
        "JOIN bench_subjects s ON s.email = c.email) AND logged_at >= :logs_from"
    ),
    (
        "DELETE FROM access_logs WHERE contact_id IN (SELECT c.id FROM contacts c JOIN bench_subjects s ON "
        "s.email = c.email) AND logged_at < :logs_from"
    ),
    ("SELECT s.email, count(*) FROM contacts c JOIN bench_subjects s ON s.email = c.email GROUP BY s.email"),
    (
        "DELETE FROM contacts WHERE email IN (SELECT email FROM bench_subjects) AND NOT EXISTS (SELECT 1 FROM "
        "contracts WHERE contracts.signatory_id = contacts.id) AND NOT EXISTS (SELECT 1 FROM invoices WHERE "
        "invoices.contact_id = contacts.id) AND NOT EXISTS (SELECT 1 FROM tickets WHERE tickets.contact_id = "
        "contacts.id) AND NOT EXISTS (SELECT 1 FROM calls WHERE calls.contact_id = contacts.id) AND NOT "
        "EXISTS (SELECT 1 FROM access_logs WHERE access_logs.contact_id = contacts.id)"
    ),
    (
        "UPDATE contacts SET email = (SELECT s.pseudonym FROM bench_subjects s WHERE s.email = "
        "contacts.email), first_name = NULL, last_name = 'ANONYME', phone = NULL, job_title = NULL, "
        "restricted = :true WHERE email IN (SELECT email FROM bench_subjects)"
    ),
]
BOUND_TYPES = [
    sa.bindparam("invoices_from", type_=sa.Date),
    sa.bindparam("logs_from", type_=sa.DateTime),
]


def _statement(sql: str) -> sa.TextClause:
    names = {bound.key for bound in BOUND_TYPES if f":{bound.key}" in sql}
    return sa.text(sql).bindparams(*(bound for bound in BOUND_TYPES if bound.key in names))


def _hold_parameters(today: dt.date) -> dict[str, Any]:
    return {
        "invoices_from": dt.date(today.year - 10, today.month, today.day) + dt.timedelta(days=1),
        "logs_from": dt.datetime(today.year - 1, today.month, today.day) + dt.timedelta(days=1),
        "redacted": "[redacted]",
        "true": True,
    }


def access(engine: sa.Engine, email: str) -> dict[str, list[dict[str, Any]]]:
    """The subject's rows of every table, by hand."""
    with read_only_connection(engine) as connection:
        return {
            table: [dict(row) for row in connection.execute(_statement(sql), {"email": email}).mappings()]
            for table, sql in ACCESS.items()
        }


def erase(engine: sa.Engine, email: str, pseudonym: str, today: dt.date) -> None:
    """Erase one subject, by hand, in one transaction."""
    parameters = {"email": email, "pseudonym": pseudonym, **_hold_parameters(today)}
    with write_transaction(engine) as connection:
        for sql in ERASE_ONE:
            result = connection.execute(_statement(sql), parameters)
            if sql.startswith("SELECT"):
                result.all()


def erase_batch(engine: sa.Engine, subjects: Sequence[tuple[str, str]], today: dt.date) -> None:
    """Erase many subjects (email, pseudonym), by hand, in one transaction with a temporary table."""
    parameters = _hold_parameters(today)
    drop = "DROP TEMPORARY TABLE bench_subjects" if engine.dialect.name == "mysql" else "DROP TABLE bench_subjects"
    with write_transaction(engine) as connection:
        connection.execute(
            sa.text("CREATE TEMPORARY TABLE bench_subjects (email VARCHAR(254) PRIMARY KEY, pseudonym VARCHAR(64))")
        )
        connection.execute(
            sa.text("INSERT INTO bench_subjects (email, pseudonym) VALUES (:email, :pseudonym)"),
            [{"email": email, "pseudonym": pseudonym} for email, pseudonym in subjects],
        )
        if engine.dialect.name == "postgresql":
            connection.execute(sa.text("ANALYZE bench_subjects"))
        for sql in ERASE_BATCH:
            result = connection.execute(_statement(sql), parameters)
            if sql.startswith("SELECT"):
                result.all()
        connection.execute(sa.text(drop))


def _first_running(keep: str, day: dt.date) -> dt.date:
    """The first anchor date a `keep` period still runs for on `day` (rows dated before it have run out)."""
    return Duration.parse(keep).last_start_run_out(day) + dt.timedelta(days=1)


def plan_statements(as_of: dt.date) -> list[str]:
    """`registre retention plan` of the cloud-host CRM, by hand: one statement per table.

    Per table: its rows, the rows due now and within 30, 90 and 365 days,
    the rows held by law, the undated rows, the oldest date and the oldest
    date still running, with each activity's retention and the legal holds
    of the policy (invoices: ten years from the close of the financial year,
    31 December, of `issued_at`; connection logs: one year from
    `logged_at`). A contact runs out when its customer's contracts, its
    tickets and its own last contact all have: the related dates are
    aggregated once per table and joined. The dates are computed here and
    written as literals (no input reaches them).
    """
    windows = (0, 30, 90, 365)

    def cut(keep: str, days: int = 0) -> str:
        return f"DATE '{_first_running(keep, as_of + dt.timedelta(days=days))}'"

    def figures(expired: Callable[[int], str], date: str, held: str = "FALSE", live: str = "TRUE") -> str:
        due = [f"count(*) FILTER (WHERE {expired(days)} AND NOT ({held}) AND {live})" for days in windows]
        return ", ".join(
            [
                "count(*)",
                *due,
                f"count(*) FILTER (WHERE {expired(0)} AND ({held}))",
                f"count(*) FILTER (WHERE {date} IS NULL)",
                f"min({date})",
                f"min({date}) FILTER (WHERE NOT {expired(0)})",
            ]
        )

    def own(column: str, keep: str) -> Callable[[int], str]:
        return lambda days: f"({column} < {cut(keep, days)})"

    invoices_from = dt.date(_first_running("P10Y", as_of).year, 1, 1)
    invoices_held = f"issued_at >= DATE '{invoices_from}'"
    logs_held = f"logged_at >= DATE '{Duration.parse('P1Y').first_start_running(as_of)}'"
    contracts = (
        "(SELECT k.id AS key, max(t.ended_at) AS latest, count(*) - count(t.ended_at) AS undated "
        "FROM customers k JOIN contracts t ON t.customer_id = k.id GROUP BY k.id)"
    )
    tickets = (
        "(SELECT contact_id AS key, max(closed_at) AS latest, count(*) - count(closed_at) AS undated "
        "FROM tickets GROUP BY contact_id)"
    )

    def related(alias: str, keep: str) -> Callable[[int], str]:
        return lambda days: f"(coalesce({alias}.undated, 0) = 0 AND coalesce({alias}.latest < {cut(keep, days)}, TRUE))"

    def contact(days: int) -> str:
        return (
            f"({related('c', 'P5Y')(days)} AND {related('t', 'P1Y')(days)} AND {own('last_contact_at', 'P3Y')(days)})"
        )

    anonymised = "email = 'anonymised-' || id::text"
    customers = f"customers LEFT JOIN {contracts} c ON c.key = customers.id"
    # Literals computed above from dates and this module's constants: no input reaches the statements.
    return [
        f"SELECT {figures(own('ended_at', 'P5Y'), 'ended_at')} FROM contracts",
        f"SELECT {figures(own('issued_at', 'P10Y'), 'issued_at', invoices_held, 'billing_name IS NOT NULL')} "
        "FROM invoices",
        f"SELECT {figures(own('closed_at', 'P1Y'), 'closed_at')} FROM tickets",
        f"SELECT {figures(own('started_at', 'P6M'), 'started_at')} FROM calls",
        f"SELECT {figures(own('logged_at', 'P1Y'), 'logged_at', logs_held)} FROM access_logs",
        f"SELECT {figures(related('c', 'P5Y'), 'c.latest')} FROM {customers}",
        f"SELECT {figures(contact, 'last_contact_at', 'restricted', f'NOT ({anonymised})')} FROM contacts "
        f"LEFT JOIN {contracts} c ON c.key = contacts.customer_id LEFT JOIN {tickets} t ON t.key = contacts.id",
        "SELECT count(*) FROM newsletter",
    ]
