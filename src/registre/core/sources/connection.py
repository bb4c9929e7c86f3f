"""Engines and transactions for the target databases: the one place that opens connections.

Everything that reads or changes the data of a system goes through here:
`create_engine_for` builds a pooled engine from the system's URL, reads run in
`read_only_connection` (the database itself refuses writes), and changes run
in `write_transaction` (one transaction per system, all or nothing).

URLs hold passwords. They never reach output or logs: show a URL with
`display_url`, and an error with `describe_error`.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar
from urllib.parse import quote

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, Engine, make_url

from registre.core.policy.model import System
from registre.core.sources.trail import TargetChange, count_changes, current_trail

# libpq waits forever for an unreachable server; PyMySQL waits 10 seconds.
CONNECT_TIMEOUT_SECONDS = 10
# The drivers installed with Registre, for URLs that name only the database.
_DEFAULT_DRIVERS = {"postgresql": "psycopg", "mysql": "pymysql", "mariadb": "pymysql"}
_HIDDEN = "***"
_WRITE_OPTION = "registre_write"


class SourceError(Exception):
    """A system's database cannot be used as declared; the message never holds a password."""


def normalise_url(url: str | URL) -> URL:
    """The URL with the installed driver chosen when it names only the database.

    `postgresql://` and `postgres://` use psycopg 3; `mysql://` and
    `mariadb://` use PyMySQL, with the utf8mb4 character set unless the URL
    sets one. A URL naming its driver is kept. Raises SourceError when the
    text is not a SQLAlchemy URL (the message does not repeat it).
    """
    try:
        parsed = make_url(url)
    except (sa.exc.ArgumentError, ValueError):
        raise SourceError("the URL is not a valid SQLAlchemy URL (dialect+driver://user@host/database)") from None
    backend = "postgresql" if parsed.drivername == "postgres" else parsed.get_backend_name()
    if "+" not in parsed.drivername and backend in _DEFAULT_DRIVERS:
        parsed = parsed.set(drivername=f"{backend}+{_DEFAULT_DRIVERS[backend]}")
    if backend in ("mysql", "mariadb") and "charset" not in parsed.query:
        parsed = parsed.update_query_dict({"charset": "utf8mb4"})
    return parsed


def display_url(url: str | URL) -> str:
    """The URL as it may be shown or logged: its password hidden, or a placeholder if unparsable."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (sa.exc.ArgumentError, ValueError):
        return "<invalid URL>"


def describe_error(error: BaseException, url: str | URL) -> str:
    """A one-line message for an error met on `url`, with its password and raw text removed."""
    original = error.orig if isinstance(error, sa.exc.DBAPIError) else error
    message = (str(original).strip().splitlines() or [type(original).__name__])[0]
    for secret in _secrets_of(url):
        message = message.replace(secret, _HIDDEN)
    return message


# Refused writes. PostgreSQL SQLSTATEs: read_only_sql_transaction, insufficient_privilege. MariaDB/MySQL: access
# denied to the database (a CREATE TEMPORARY TABLE), command denied on a table or column, read-only server, read-only
# transaction, read-only table. SQLite: SQLITE_READONLY (a file opened mode=ro, query_only), with its extended codes.
_REFUSED_STATES = frozenset({"25006", "42501"})
_REFUSED_MYSQL = frozenset({1036, 1044, 1142, 1143, 1290, 1792})
_SQLITE_READONLY = 8
READ_ONLY_HINT = "the system's credentials may only read: access, plans and dry runs work with them, changes need more"


def describe_write_error(error: BaseException, url: str | URL) -> str:
    """`describe_error` for an error met while changing data, saying so when the credentials may only read."""
    message = describe_error(error, url)
    return f"{message}: {READ_ONLY_HINT}" if is_refused_write(error) else message


def is_refused_write(error: BaseException) -> bool:
    """Whether the database refused a write because the session or the login may only read."""
    original = error.orig if isinstance(error, sa.exc.DBAPIError) else error
    if getattr(original, "sqlstate", None) in _REFUSED_STATES:
        return True
    arguments = getattr(original, "args", ())
    if arguments and isinstance(arguments[0], int) and arguments[0] in _REFUSED_MYSQL:
        return True
    code = getattr(original, "sqlite_errorcode", None)
    return isinstance(code, int) and code & 0xFF == _SQLITE_READONLY


def _secrets_of(url: str | URL) -> list[str]:
    """The texts that must not be shown: the raw URL, and its password."""
    secrets = [url if isinstance(url, str) else url.render_as_string(hide_password=False)]
    try:
        password = make_url(url).password
    except sa.exc.ArgumentError:
        return secrets
    return [*secrets, str(password)] if password else secrets


def create_engine_for(system: System, *, read_only: bool = False) -> Engine:
    """A pooled engine for `system`'s database; see `create_engine_for_url`."""
    return create_engine_for_url(system.url, read_only=read_only)


def create_engine_for_url(database_url: str, *, read_only: bool = False) -> Engine:
    """A pooled engine for a database URL; `read_only` makes the database refuse writes.

    Connections are checked before use (`pool_pre_ping`). On SQLite, foreign
    keys are enforced and transactions begin when asked (not when pysqlite
    guesses). With `read_only`, every session of the engine is read-only on
    SQLite (whose file must exist), PostgreSQL and MariaDB/MySQL; other dialects rely on
    `read_only_connection` and its final rollback. The caller disposes of the
    engine. Raises SourceError for an invalid URL or a driver not installed.
    """
    url = normalise_url(database_url)
    if read_only and url.get_backend_name() == "sqlite":
        url = _read_only_sqlite(url)
    try:
        engine = sa.create_engine(url, pool_pre_ping=True, connect_args=_connect_args(url))
    except (sa.exc.NoSuchModuleError, ImportError) as error:
        raise SourceError(describe_error(error, database_url)) from None
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine, read_only)
    elif read_only:
        _make_sessions_read_only(engine)
    return engine


def _read_only_sqlite(url: URL) -> URL:
    """Open an SQLite file read-only: a mistyped path then fails instead of creating an empty database."""
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        return url
    return url.set(database=f"file:{quote(database)}").update_query_dict({"mode": "ro", "uri": "true"})


def _connect_args(url: URL) -> dict[str, Any]:
    if url.get_backend_name() == "postgresql" and "connect_timeout" not in url.query:
        return {"connect_timeout": CONNECT_TIMEOUT_SECONDS}
    return {}


def _configure_sqlite(engine: Engine, read_only: bool) -> None:
    """Enforce foreign keys, and let SQLAlchemy (not pysqlite) decide when a transaction begins."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        if read_only:
            cursor.execute("PRAGMA query_only = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # A writer takes the lock at once: a read then an upgrade could fail with SQLITE_BUSY.
        writing = connection.get_execution_options().get(_WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


def _make_sessions_read_only(engine: Engine) -> None:
    statements = {
        "postgresql": "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY",
        "mysql": "SET SESSION TRANSACTION READ ONLY",
        "mariadb": "SET SESSION TRANSACTION READ ONLY",
    }
    statement = statements.get(engine.dialect.name)
    if statement is None:
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(statement)
        cursor.close()
        dbapi_connection.commit()


@contextmanager
def read_only_connection(engine: Engine) -> Iterator[Connection]:
    """A connection in a read-only transaction, rolled back when the block ends.

    The database refuses writes (`SET TRANSACTION READ ONLY` on PostgreSQL
    and MariaDB/MySQL, `PRAGMA query_only` on SQLite), so a mistake in a
    read path cannot change personal data. Other dialects get the rollback only.
    """
    with engine.connect() as connection, read_only_transaction(connection) as reader:
        yield reader


@contextmanager
def read_only_transaction(connection: Connection) -> Iterator[Connection]:
    """A read-only transaction on a connection already checked out, rolled back when the block ends.

    For callers that prepare the session first (a temporary table of a
    batch, which the database would refuse to create in a read-only
    transaction). The connection must not be in a transaction.
    """
    restore = _begin_read_only(connection)
    try:
        yield connection
    finally:
        connection.rollback()
        if restore is not None:
            connection.exec_driver_sql(restore)
            connection.commit()


def _begin_read_only(connection: Connection) -> str | None:
    """Make the current transaction read-only; return the statement that undoes it, if one is needed."""
    name = connection.dialect.name
    if name == "sqlite":
        # query_only belongs to the pooled connection, not to the transaction: put it back.
        was_on = bool(connection.exec_driver_sql("PRAGMA query_only").scalar())
        connection.exec_driver_sql("PRAGMA query_only = ON")
        return None if was_on else "PRAGMA query_only = OFF"
    if name in ("postgresql", "mysql", "mariadb"):
        # Must come first: both databases refuse it once the transaction has run a query.
        connection.exec_driver_sql("SET TRANSACTION READ ONLY")
    return None


@contextmanager
def write_transaction(engine: Engine, *, system: str = "") -> Iterator[Connection]:
    """One transaction on one system: committed when the block ends, rolled back if it raises.

    It is the only way to commit a change to a target database, and it commits
    through the audit trail in force (`trail.py`): the rows changed, by table,
    are recorded in the trail's unit of work and the target commits within it.
    With no trail in force it raises `UnauditedChange` before writing anything.

    Work on several systems takes one `write_transaction` each; a failure on
    one system leaves the others as they were committed (there is no
    distributed transaction), so callers record the outcome per system.
    """
    trail = current_trail()
    change = TargetChange(system)
    with engine.connect().execution_options(**{_WRITE_OPTION: True}) as connection:
        count_changes(connection, change)
        transaction = connection.begin()
        try:
            yield connection
        except BaseException:
            transaction.rollback()
            raise
        if not change.changed:
            transaction.commit()
            return
        with trail.committing(change):
            transaction.commit()


@contextmanager
def own_write_transaction(engine: Engine) -> Iterator[Connection]:
    """A write transaction on a database of Registre's own, not a target: where the audit log itself is kept.

    Nothing is counted or audited (the trail is what it writes). On SQLite it takes the write lock as it
    begins, so that writers queue instead of failing. Committed when the block ends, rolled back if it raises.
    """
    with engine.connect().execution_options(**{_WRITE_OPTION: True}) as connection, connection.begin():
        yield connection


T = TypeVar("T")
# PostgreSQL SQLSTATEs: serialization_failure, deadlock_detected. MySQL/MariaDB: deadlock, lock wait timeout.
_TRANSIENT_STATES = frozenset({"40001", "40P01"})
_TRANSIENT_MYSQL = frozenset({1205, 1213})
RETRY_ATTEMPTS = 8


def is_transient(error: sa.exc.DBAPIError) -> bool:
    """Whether the database gave up on the transaction for a reason that running it again can cure.

    A deadlock (the database chose this transaction as the victim), a
    serialisation failure, a lock wait timeout, SQLite's "database is locked".
    """
    original = error.orig
    state = getattr(original, "sqlstate", None) or getattr(original, "pgcode", None)
    if state in _TRANSIENT_STATES:
        return True
    arguments = getattr(original, "args", ())
    if arguments and isinstance(arguments[0], int) and arguments[0] in _TRANSIENT_MYSQL:
        return True
    return "database is locked" in str(original)


def retry_transient(
    engine: Engine,
    work: Callable[[Connection], T],
    *,
    system: str = "",
    attempts: int = RETRY_ATTEMPTS,
    pause: float = 0.05,
) -> T:
    """Run `work` in one write transaction; run it again, after a growing pause, when it fails transiently.

    The pause doubles at each attempt, with jitter, so that two transactions
    that deadlocked do not meet again. Any other error, or the last
    attempt's, is raised. `work` must be safe to run again: its transaction
    was rolled back.
    """
    for attempt in range(attempts):
        try:
            with write_transaction(engine, system=system) as connection:
                return work(connection)
        except sa.exc.DBAPIError as error:
            if not pause_before_retry(error, attempt, attempts=attempts, pause=pause):
                raise
    raise AssertionError("unreachable")


def pause_before_retry(error: Exception, attempt: int, *, attempts: int = RETRY_ATTEMPTS, pause: float = 0.05) -> bool:
    """After attempt `attempt` (from 0) failed with `error`: wait and return True when it is worth another.

    For callers that hold their transaction themselves (`retry_transient` runs one for you).
    """
    if attempt >= attempts - 1 or not isinstance(error, sa.exc.DBAPIError) or not is_transient(error):
        return False
    time.sleep(pause * 2**attempt * (0.5 + random.random()))  # jitter, not a secret
    return True


def explain(connection: Connection, statement: sa.Select[Any], options: str = "") -> list[Any]:
    """The lines of PostgreSQL's `EXPLAIN (options)` of `statement`, its values bound as a run binds them.

    Nothing runs but the planner. Lists of values (`IN`) are expanded first, as for an execution.
    """
    compiled = statement.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
    prefix = f"EXPLAIN ({options}) " if options else "EXPLAIN "
    return list(connection.exec_driver_sql(prefix + str(compiled), compiled.params).scalars())
