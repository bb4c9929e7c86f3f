"""Writing and verifying the audit log. `record` is its only writer.

record(request.user, "request.created", request_id=str(req.pk), subject="email:ada@example.org")
record(Actor.system(), "retention.swept", counts={"crm.contacts": 120}, details={"rule": "prospecting"})
problems = verify_chain()          # [] when the log is intact
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from registre.web.audit.chain import ACTOR_NAME_LENGTH, GENESIS, check_action, entry_content
from registre.web.audit.models import AuditChainHead, AuditEntry
from registre.web.vault.keys import lookup_hash


@dataclass(frozen=True)
class Actor:
    """Who did it: a staff member, an API token (on behalf of its owner), the system, or the data subject."""

    kind: str
    id: int | None
    name: str

    @classmethod
    def of(cls, who: Any) -> Actor:
        """An Actor from an Actor, a user, an API token, or the words "system" and "subject"."""
        if isinstance(who, Actor):
            return who
        if who == "system":
            return cls.system()
        if who == "subject":
            return cls("subject", None, "subject")
        if hasattr(who, "allows") and hasattr(who, "owner_id"):  # an accounts.ApiToken
            return cls("api", who.owner_id, f"api:{who.name}")
        if getattr(who, "is_authenticated", False):
            return cls("user", who.pk, who.get_username())
        raise TypeError(f"not an audit actor: {who!r}")

    @classmethod
    def system(cls) -> Actor:
        return cls("system", None, "system")


def record(
    actor: Any,
    action: str,
    *,
    request_id: object | None = None,
    subject: str | None = None,
    subject_ref: str | None = None,
    counts: Mapping[str, int] | None = None,
    details: Mapping[str, Any] | None = None,
    using: str = DEFAULT_DB_ALIAS,
) -> AuditEntry:
    """Append one entry to the audit log and return it.

    - `actor`: an `Actor`, a user, an API token, "system" or "subject".
    - `action`: a dotted name, `noun.verb` (`request.created`, `token.revoked`).
    - `request_id`: the request concerned (stored as text: an integer or a UUID).
    - `subject`: the subject's canonical identity (`email:ada@example.org`); only its
      keyed hash is stored (`lookup_hash`). Or `subject_ref`, that hash already computed.
    - `counts`: numbers of rows or items, by name. `details`: JSON, never personal data
      (a value that looks like an email address is refused).

    The entry joins the caller's transaction: if the action rolls back, so does its entry.
    Writers wait for each other on the chain head, so the chain never forks.
    """
    check_action(action)
    if subject is not None and subject_ref is not None:
        raise ValueError("give subject or subject_ref, not both")
    who = Actor.of(actor)
    content = entry_content(counts, details)
    with transaction.atomic(using=using):
        head = _locked_head(using)
        entry = AuditEntry(
            sequence=head.sequence + 1,
            created_at=timezone.now(),
            actor_kind=who.kind,
            actor_id=who.id,
            actor_name=who.name[:ACTOR_NAME_LENGTH],
            action=action,
            request_id=None if request_id is None else str(request_id),
            subject_ref=lookup_hash(subject) if subject is not None else subject_ref,
            previous_hash=head.hash,
            **content,
        )
        entry.hash = entry.compute_hash()
        entry.save(using=using)
        head.sequence, head.hash = entry.sequence, entry.hash
        head.save(using=using, update_fields=["sequence", "hash"])
    return entry


@dataclass(frozen=True)
class ChainProblem:
    """One break of the chain: what (`modified`, `missing`, `inserted`, `truncated`) and where."""

    kind: str
    sequence: int
    message: str

    def __str__(self) -> str:
        return self.message


def verify_chain(using: str = DEFAULT_DB_ALIAS) -> list[ChainProblem]:
    """Every break of the audit chain, in order; an empty list when the log is intact.

    1. Each entry's hash must match its content (else it was modified).
    2. Sequences must follow each other from 1 (a gap: entries were deleted).
    3. Each entry must name its predecessor's hash (else an entry was inserted or replaced).
    4. The chain must end where the chain head says (else entries were cut from the end or added).
    """
    problems: list[ChainProblem] = []
    last_sequence, last_hash = 0, GENESIS
    for entry in _entries(using):
        if entry.compute_hash() != entry.hash:
            problems.append(ChainProblem("modified", entry.sequence, f"entry {entry.sequence} was modified"))
        if entry.sequence != last_sequence + 1:
            problems.append(_gap(last_sequence, entry.sequence))
        elif entry.previous_hash != last_hash:
            problems.append(
                ChainProblem(
                    "inserted",
                    entry.sequence,
                    f"entry {entry.sequence} does not follow entry {last_sequence}: inserted or replaced",
                )
            )
        last_sequence, last_hash = entry.sequence, entry.hash
    problems.extend(_check_head(using, last_sequence, last_hash))
    return problems


def _locked_head(using: str) -> AuditChainHead:
    """The chain head, locked until the transaction ends; created on an empty log (a flushed test database)."""
    heads = AuditChainHead.objects.using(using)
    if not heads.filter(pk=1).exists():
        heads.get_or_create(pk=1)
    return heads.select_for_update().get(pk=1)


def _entries(using: str, chunk: int = 2000) -> Iterator[AuditEntry]:
    """The entries in order, by chunks; a chunk with a time the database cannot give back is read as text."""
    entries = AuditEntry.objects.using(using).order_by("sequence")
    last = 0
    while True:
        page = entries.filter(sequence__gt=last)[:chunk]
        try:
            found = list(page)
        except (ValueError, TypeError, OverflowError):
            found = _with_raw_times(page)
        yield from found
        if len(found) < chunk:
            return
        last = found[-1].sequence


def _with_raw_times(page: Any) -> list[AuditEntry]:
    """The entries of `page` with `created_at` as stored: a datetime when it reads as one, else its text."""
    found = list(page.defer("created_at").annotate(stored_time=Cast("created_at", TextField())))
    for entry in found:
        text = entry.stored_time
        try:
            moment = parse_datetime(text) if text else None
        except ValueError:
            moment = None
        if moment is not None and moment.tzinfo is None:  # stored in UTC without an offset (SQLite)
            moment = moment.replace(tzinfo=dt.UTC)
        entry.created_at = moment or text  # canonical() of a text time no longer matches the hash: "modified"
    return found


def _gap(last_sequence: int, sequence: int) -> ChainProblem:
    if sequence <= last_sequence:  # cannot happen with the unique constraint in place
        return ChainProblem("inserted", sequence, f"entry {sequence} repeats a sequence number")
    first, last = last_sequence + 1, sequence - 1
    where = f"entry {first}" if first == last else f"entries {first} to {last}"
    return ChainProblem("missing", first, f"{where} missing (deleted) before entry {sequence}")


def _check_head(using: str, last_sequence: int, last_hash: str) -> list[ChainProblem]:
    head = AuditChainHead.objects.using(using).filter(pk=1).first()
    if head is None:
        return [ChainProblem("truncated", 1, "the chain head is missing")] if last_sequence else []
    if head.sequence > last_sequence:
        first = last_sequence + 1
        where = f"entry {first}" if first == head.sequence else f"entries {first} to {head.sequence}"
        return [ChainProblem("truncated", first, f"{where} missing (deleted) at the end of the log")]
    if head.sequence < last_sequence:
        return [
            ChainProblem("inserted", head.sequence + 1, f"entries after {head.sequence} were added outside Registre")
        ]
    if head.hash != last_hash:
        return [ChainProblem("modified", last_sequence, f"entry {last_sequence} does not match the chain head")]
    return []
