"""The audit trail of target databases: no change is committed without its audit entry.

`write_transaction` (connection.py) is the only way Registre commits to a target
database. While the block runs, it counts the rows each statement deletes,
updates or inserts, by table; when the block ends, it commits through the
`AuditTrail` in force: the trail opens its own unit of work (the application's
audit log), records the change there, and the target database commits inside
it. If the target's commit fails, the entry rolls back with it; if recording
fails, the target rolls back. With no trail in force, `write_transaction`
refuses before anything is written (`UnauditedChange`).

The caller that decides to change data (a request, a sweep, an offboarding)
puts its trail in force around the work:

    with audit_trail(trail):
        execute_erasure(policy, subject, today=today)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import event
from sqlalchemy.engine import Connection

# The session's own temporary tables (batches of identities, the rows they find) hold no data of the system.
SESSION_TABLES = frozenset({"registre_subjects"})
SESSION_TABLE_PREFIX = "registre_rows_"


@dataclass
class TargetChange:
    """What one transaction changed on one system: rows by `table.verb` (`tickets.deleted`)."""

    system: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return any(rows > 0 for rows in self.counts.values())

    def count(self, table: str, verb: str, rows: int) -> None:
        key = f"{table}.{verb}"
        self.counts[key] = self.counts.get(key, 0) + max(rows, 0)


class AuditTrail(Protocol):
    """Where changes to target databases are recorded."""

    def committing(self, change: TargetChange) -> AbstractContextManager[object]:
        """A unit of work that records `change`; the target commits inside it, so both happen or neither."""
        ...


class ChangeList:
    """A trail that keeps every committed change in `changes`, in order: for a program that keeps its own
    record of them (a benchmark, a test), where the application's audit log is not at hand."""

    def __init__(self) -> None:
        self.changes: list[TargetChange] = []

    @contextmanager
    def committing(self, change: TargetChange) -> Iterator[None]:
        yield
        self.changes.append(change)


class UnauditedChange(RuntimeError):
    """A write to a target database was attempted with no audit trail in force."""


_TRAIL: ContextVar[AuditTrail | None] = ContextVar("registre_audit_trail", default=None)


@contextmanager
def audit_trail(trail: AuditTrail) -> Iterator[AuditTrail]:
    """Put `trail` in force for every write to a target database made within the block."""
    token = _TRAIL.set(trail)
    try:
        yield trail
    finally:
        _TRAIL.reset(token)


def current_trail() -> AuditTrail:
    """The trail in force; UnauditedChange when there is none."""
    trail = _TRAIL.get()
    if trail is None:
        raise UnauditedChange("a change to a target database needs an audit trail in force (audit_trail)")
    return trail


def trail_in_force() -> AuditTrail | None:
    """The trail in force, or None (for callers that bring their own unless one is given)."""
    return _TRAIL.get()


def count_changes(connection: Connection, change: TargetChange) -> None:
    """Count, on `change`, the rows every statement run on `connection` deletes, updates or inserts."""

    def _after(_conn: Any, cursor: Any, _statement: Any, _parameters: Any, context: Any, _many: bool) -> None:
        verb = _verb(context)
        compiled = getattr(context, "compiled", None)
        table = getattr(getattr(compiled, "statement", None), "table", None)
        name = getattr(table, "name", None)
        if verb and name and name not in SESSION_TABLES and not str(name).startswith(SESSION_TABLE_PREFIX):
            change.count(str(name), verb, cursor.rowcount)

    event.listen(connection, "after_cursor_execute", _after)


def _verb(context: Any) -> str | None:
    if context is None:
        return None
    if context.isdelete:
        return "deleted"
    if context.isupdate:
        return "updated"
    if context.isinsert:
        return "inserted"
    return None
