"""Bulk imports into the consent ledger: a mailer's history of unsubscribes, another consent tool's records.

    imported = import_events(request.user, [Imported("ada@example.org", "newsletter", "withdrawn", at)])

Each event is checked as `actions.record_consent` checks it, and its values computed as the model's fields
would store them (lookup hash, encrypted address, wording shown); batches are then appended in one statement
stream each (PostgreSQL's COPY, elsewhere a bound INSERT per row) with one audit entry per batch. Nothing is
executed on the target databases: what the events record already happened there.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction

from registre.core.consent import ConsentError, Purpose, check_event, ledger_purposes
from registre.web.accounts.permissions import require
from registre.web.audit.actions import Actor, record
from registre.web.consent.actions import checked_email, subject_ref_of
from registre.web.consent.models import ConsentEvent
from registre.web.requests.tasks import require_policy
from registre.web.vault.keys import encrypt_text

IMPORT_BATCH = 5000


@dataclass(frozen=True)
class Imported:
    """One event of a bulk import (from a mailer's history, or another consent tool)."""

    email: str
    purpose: str
    state: str
    at: dt.datetime
    method: str = "import"
    lang: str = "fr"
    wording_version: str | None = None
    evidence: dict[str, Any] = field(default_factory=dict)


def import_events(actor: Any, events: Iterable[Imported], *, batch: int = IMPORT_BATCH) -> int:
    """Append events in bulk, in the order they happened, each checked as `record_consent` checks it; one audit
    entry per batch.

    For histories (a mailer's unsubscribes, another tool's consents): nothing is executed on the target
    databases, since what the events record already happened there. A refused event stops the import
    with ConsentError; the batches before it stay committed. Returns the number of events appended.
    """
    if not (isinstance(actor, Actor) or actor == "system"):
        require(actor, "consent.record")
    policy = require_policy()
    purposes = ledger_purposes(policy)
    who = Actor.of(actor)
    total, rows = 0, []
    for item in events:
        rows.append(_imported_row(purposes, item, who))
        if len(rows) >= batch:
            total += _append_batch(who, rows)
            rows = []
    if rows:
        total += _append_batch(who, rows)
    return total


def _imported_row(purposes: dict[str, Purpose], item: Imported, who: Actor) -> tuple[Any, ...]:
    """The values of one ledger row, in the order of LEDGER_COLUMNS, as the model's fields would store them."""
    purpose = purposes.get(item.purpose)
    if purpose is None:
        raise ConsentError("unknown-purpose", purpose=item.purpose, known=", ".join(purposes))
    email = checked_email(item.email)
    wording = check_event(purpose, item.state, item.method, wording_version=item.wording_version, on=item.at.date())
    lang = item.lang if item.lang in ("fr", "en") else "fr"
    return (
        subject_ref_of(email),
        encrypt_text(email),
        purpose.key,
        purpose.basis,
        item.state,
        item.method,
        connection.ops.adapt_datetimefield_value(item.at),
        lang,
        wording.version if wording else "",
        wording.text.get(lang) if wording else "",
        json.dumps(item.evidence),
        who.id if who.kind == "user" else None,
        who.name[:150],
    )


# The columns an import writes: the model's own names, quoted by the database's rules; values are bound.
LEDGER_COLUMNS = (
    "subject_ref",
    "email",
    "purpose",
    "basis",
    "state",
    "method",
    "at",
    "lang",
    "wording_version",
    "wording_text",
    "evidence",
    "recorded_by_id",
    "recorded_by_name",
)


def _table_and_columns() -> tuple[str, str]:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(ConsentEvent._meta.get_field(name).column) for name in LEDGER_COLUMNS)
    return quote(ConsentEvent._meta.db_table), columns


def _append_batch(who: Actor, rows: list[tuple[Any, ...]]) -> int:
    """One batch in one transaction with its audit entry: PostgreSQL's COPY, elsewhere a bound INSERT per row."""
    counts: dict[str, int] = {}
    for row in rows:
        key = f"{row[2]}.{row[4]}"
        counts[key] = counts.get(key, 0) + 1
    table, columns = _table_and_columns()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The values travel as data, never as SQL text; the statement names only the model's table.
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(LEDGER_COLUMNS))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows)  # noqa: S608
        record(who, "consent.imported", counts=counts, details={"events": len(rows)})
    return len(rows)
