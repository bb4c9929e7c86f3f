"""Audit entries and the head of their chain.

Entry n holds the hash of entry n-1 (`previous_hash`) and its own `hash`:
SHA-256 over the canonical JSON of its fields and `previous_hash`. Changing,
removing or inserting an entry breaks the chain where it happened, which
`actions.verify_chain` reports. The ORM refuses to update or delete an entry,
and on SQLite and PostgreSQL a trigger refuses it in the database too
(migrations 0002 and 0003).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from registre.web.audit.chain import GENESIS, HASHED_FIELDS, canonical, entry_hash


class AppendOnlyError(Exception):
    """An attempt to change or delete an audit entry."""


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("audit entries cannot be changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit entries cannot be deleted")


class AuditEntry(models.Model):
    sequence = models.PositiveBigIntegerField(_("sequence"), unique=True, editable=False)
    created_at = models.DateTimeField(_("time"), editable=False)
    actor_kind = models.CharField(_("actor kind"), max_length=16, editable=False)
    actor_id = models.BigIntegerField(_("actor id"), null=True, editable=False)
    actor_name = models.CharField(_("actor"), max_length=150, editable=False)
    action = models.CharField(_("action"), max_length=100, db_index=True, editable=False)
    request_id = models.CharField(_("request"), max_length=64, null=True, db_index=True, editable=False)
    subject_ref = models.CharField(_("subject reference"), max_length=64, null=True, db_index=True, editable=False)
    counts = models.JSONField(_("counts"), default=dict, editable=False)
    details = models.JSONField(_("details"), default=dict, editable=False)
    # Unique: two entries can never follow the same one, so concurrent writers cannot fork the chain.
    previous_hash = models.CharField(max_length=64, unique=True, editable=False)
    hash = models.CharField(max_length=64, unique=True, editable=False)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-sequence"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("audit entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit entries cannot be deleted")

    def canonical(self) -> bytes:
        """The bytes that `hash` covers: every field but `hash`, as sorted compact JSON."""
        return canonical({name: getattr(self, name) for name in HASHED_FIELDS})

    def compute_hash(self) -> str:
        return entry_hash({name: getattr(self, name) for name in HASHED_FIELDS})


class AuditChainHead(models.Model):
    """One row: the last sequence and hash. Writers lock it, so they append one at a time.

    It also tells `verify_chain` where the chain must end: entries cut from the end show.
    """

    sequence = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS)

    def __str__(self) -> str:
        return f"audit chain head #{self.sequence}"
