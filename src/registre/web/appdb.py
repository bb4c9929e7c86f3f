"""The application database without starting Django: the audit entries and case holds of a command.

Starting Django (its settings, every application's models, the ORM) costs a
command-line erasure more than the erasure itself, for one audit entry and
one read of the case holds. Where the application database is one that
SQLAlchemy reaches as it is (SQLite or PostgreSQL, the two the web layer
runs on, with no driver options in its URL) and the tables read and written here are up to
date, `registre.cli.web` writes its entries and reads the holds in force
here, with SQLAlchemy Core, in the shapes Django gives them:

- an audit entry is built and hashed by `audit.chain`, as `audit.actions.record`
  builds it, and appended the same way: the chain head locked (`FOR UPDATE`,
  or the write lock taken at `BEGIN` on SQLite), the entry inserted, the head
  moved, in the transaction the target commits in;
- a case hold's identities are decrypted with the vault's keys, as Django's
  encrypted field does, and handed to the core as `CaseHold.recorded`.

    database = ApplicationDatabase.open(url)        # None: go through Django
    holds = database.case_holds()
    with audit_trail(database.trail("cli:ada", "request.data_changed", {"request": "r-1"})):
        execute_erasure(...)
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import pkgutil
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection, Engine

from registre.core.engine.case_holds import CaseHold
from registre.core.sources import SourceError, TargetChange, create_engine_for_url
from registre.core.sources.connection import own_write_transaction, read_only_connection
from registre.web.audit.chain import ACTOR_NAME_LENGTH, GENESIS, check_action, entry_content, entry_hash

# The applications whose tables are read and written here, and their package.
APPLICATIONS = {"audit": "registre.web.audit", "retention": "registre.web.retention"}
BACKENDS = ("sqlite", "postgresql", "postgres")
SQLITE_TIMEOUT_SECONDS = 20  # as the settings give Django: writers wait for each other
RESTRICTION = "restriction"  # retention.CaseHold.Reason.RESTRICTION

_metadata = sa.MetaData()
_json = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
ENTRIES = sa.Table(
    "audit_auditentry",
    _metadata,
    sa.Column("id", sa.BigInteger, primary_key=True),
    sa.Column("sequence", sa.BigInteger),
    sa.Column("created_at", sa.DateTime(timezone=True)),
    sa.Column("actor_kind", sa.String(16)),
    sa.Column("actor_id", sa.BigInteger),
    sa.Column("actor_name", sa.String(150)),
    sa.Column("action", sa.String(100)),
    sa.Column("request_id", sa.String(64)),
    sa.Column("subject_ref", sa.String(64)),
    sa.Column("counts", _json),
    sa.Column("details", _json),
    sa.Column("previous_hash", sa.String(64)),
    sa.Column("hash", sa.String(64)),
)
HEAD = sa.Table(
    "audit_auditchainhead",
    _metadata,
    sa.Column("id", sa.BigInteger, primary_key=True),
    sa.Column("sequence", sa.BigInteger),
    sa.Column("hash", sa.String(64)),
)
HOLDS = sa.Table(
    "retention_casehold",
    _metadata,
    sa.Column("id", sa.BigInteger, primary_key=True),
    sa.Column("identities", sa.Text),
    sa.Column("tenant", sa.String(100)),
    sa.Column("reason", sa.String(20)),
    sa.Column("reference", sa.String(100)),
    sa.Column("lifted_at", sa.DateTime(timezone=True)),
)
MIGRATIONS = sa.Table(
    "django_migrations", _metadata, sa.Column("app", sa.String(255)), sa.Column("name", sa.String(255))
)


class ApplicationDatabase:
    """The application database reached with SQLAlchemy Core: its audit log and case holds."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: str) -> ApplicationDatabase | None:
        """The database at `url` (a REGISTRE_DATABASE_URL), or None when Django must serve it.

        None for a URL this module does not read as Django does (another backend, driver options),
        a database it cannot reach, and tables not up to date (Django then migrates them).
        """
        try:
            parsed = sa.engine.make_url(url)
        except (sa.exc.ArgumentError, ValueError):
            return None
        if parsed.query or parsed.drivername not in BACKENDS:
            return None
        if parsed.drivername == "sqlite":
            parsed = parsed.update_query_dict({"timeout": str(SQLITE_TIMEOUT_SECONDS)})
        try:
            engine = create_engine_for_url(parsed.render_as_string(hide_password=False))
            with read_only_connection(engine) as connection:
                migrated = _migrated(connection)
        except (SourceError, sa.exc.SQLAlchemyError):
            return None
        if not migrated:
            engine.dispose()
            return None
        return cls(engine)

    def case_holds(self) -> list[CaseHold]:
        """The case holds in force, in the order they were placed, as the core takes them."""
        # The vault's keys are in Django's settings (DJANGO_SETTINGS_MODULE, set by the caller); Django is not set up.
        from registre.web.vault.keys import VaultError, decrypt_text

        query = sa.select(HOLDS).where(HOLDS.c.lifted_at.is_(None)).order_by(HOLDS.c.id)
        with _faults("the case holds could not be read"), read_only_connection(self.engine) as connection:
            rows = connection.execute(query).all()
        try:
            return [
                CaseHold.recorded(
                    row.id,
                    [(item["type"], item["value"]) for item in json.loads(decrypt_text(row.identities))],
                    tenant=row.tenant,
                    reference=row.reference,
                    restriction=row.reason == RESTRICTION,
                )
                for row in rows
            ]
        except VaultError as error:
            raise ApplicationDatabaseError(
                f"the case holds could not be read: {error} (REGISTRE_ENCRYPTION_KEYS)"
            ) from None

    def trail(self, actor_name: str, action: str, details: Mapping[str, Any]) -> DirectAuditTrail:
        """A trail that records each committed change as an entry by the system actor `actor_name`."""
        return DirectAuditTrail(self.engine, actor_name, action, details)


class DirectAuditTrail:
    """Records each change as one audit entry, in the unit of work the target commits in (see the module)."""

    def __init__(self, engine: Engine, actor_name: str, action: str, details: Mapping[str, Any]) -> None:
        check_action(action)
        self.engine, self.actor_name, self.action, self.details = engine, actor_name, action, dict(details)

    @contextmanager
    def committing(self, change: TargetChange) -> Iterator[None]:
        content = entry_content(change.counts, {**self.details, "system": change.system})
        with ExitStack() as unit:
            with _faults("the audit entry could not be written"):
                connection = unit.enter_context(own_write_transaction(self.engine))
                append_entry(connection, self.actor_name, self.action, content)
            yield  # the target commits here; its own errors pass as they are, and the entry rolls back
            with _faults("the audit entry could not be committed"):
                unit.close()


class ApplicationDatabaseError(Exception):
    """The application database failed a read or a write of this module; the message says which and why."""


@contextmanager
def _faults(what: str) -> Iterator[None]:
    try:
        yield
    except sa.exc.SQLAlchemyError as error:
        cause = getattr(error, "orig", None) or error
        raise ApplicationDatabaseError(f"{what}: {str(cause).splitlines()[0]}") from error


def append_entry(connection: Connection, actor_name: str, action: str, content: Mapping[str, Any]) -> None:
    """Append an entry by the system (`counts` and `details` in `content`) after the chain head, locked."""
    head = connection.execute(sa.select(HEAD.c.sequence, HEAD.c.hash).where(HEAD.c.id == 1).with_for_update()).first()
    if head is None:  # an empty log
        connection.execute(sa.insert(HEAD).values(id=1, sequence=0, hash=GENESIS))
    sequence, previous = (head.sequence, head.hash) if head is not None else (0, GENESIS)
    created_at = dt.datetime.now(dt.UTC)
    fields = {
        "sequence": sequence + 1,
        "created_at": created_at,
        "actor_kind": "system",
        "actor_id": None,
        "actor_name": actor_name[:ACTOR_NAME_LENGTH],
        "action": action,
        "request_id": None,
        "subject_ref": None,
        **content,
        "previous_hash": previous,
    }
    fields["hash"] = entry_hash(fields)
    if connection.dialect.name == "sqlite":  # text without a zone, in UTC, as Django stores it there
        fields["created_at"] = created_at.replace(tzinfo=None)
    connection.execute(sa.insert(ENTRIES).values(fields))
    connection.execute(sa.update(HEAD).where(HEAD.c.id == 1).values(sequence=fields["sequence"], hash=fields["hash"]))


def _migrated(connection: Connection) -> bool:
    """Whether every migration on disk of `APPLICATIONS` is recorded as applied."""
    try:
        query = sa.select(MIGRATIONS.c.app, MIGRATIONS.c.name).where(MIGRATIONS.c.app.in_(APPLICATIONS))
        applied = {(row.app, row.name) for row in connection.execute(query)}
    except sa.exc.DBAPIError:  # no django_migrations table: never migrated
        return False
    return migrations_on_disk(APPLICATIONS) <= applied


def migrations_on_disk(applications: Mapping[str, str]) -> set[tuple[str, str]]:
    """(label, migration name) of every migration module of `applications` (label: package), as Django finds them."""
    found: set[tuple[str, str]] = set()
    for label, package in applications.items():
        spec = importlib.util.find_spec(f"{package}.migrations")
        locations = spec.submodule_search_locations if spec is not None else None
        for module in pkgutil.iter_modules(locations or []):
            if not module.ispkg and module.name[0] not in "_~":
                found.add((label, module.name))
    return found
