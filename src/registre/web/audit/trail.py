"""The audit log as the trail of target databases: each committed change is an entry, in the same unit of work.

with recorded_changes(request.user, "request.data_changed", request_id=req.pk):
    execute_erasure(policy, subject, today=today)

Every transaction that changes rows of a system commits inside an atomic block of the
application database that holds its entry (`action`, the rows by `table.verb`, the system
and `details`): if the entry cannot be written the target rolls back, and if the target
cannot commit the entry rolls back (`registre.core.sources.trail`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.db import transaction

from registre.core.sources import AuditTrail, TargetChange, audit_trail
from registre.web.audit.actions import Actor, record
from registre.web.audit.chain import check_action


class AuditLogTrail:
    """Records each change as one audit entry; actor and action are checked before anything is written."""

    def __init__(
        self,
        actor: Any,
        action: str,
        *,
        request_id: object | None = None,
        subject_ref: str | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> None:
        check_action(action)
        self.actor = Actor.of(actor)
        self.action = action
        self.request_id = request_id
        self.subject_ref = subject_ref
        self.details = dict(details or {})
        self.entries = 0

    @contextmanager
    def committing(self, change: TargetChange) -> Iterator[None]:
        with transaction.atomic():
            record(
                self.actor,
                self.action,
                request_id=self.request_id,
                subject_ref=self.subject_ref,
                counts=change.counts,
                details={**self.details, "system": change.system},
            )
            yield
        self.entries += 1


@contextmanager
def recorded_changes(actor: Any, action: str, **context: Any) -> Iterator[AuditTrail]:
    """Put an `AuditLogTrail` in force for the block (see the module)."""
    with audit_trail(AuditLogTrail(actor, action, **context)) as trail:
        yield trail
