"""Every change of the consent ledger. The console's views, the REST API and the public links all call these.

    event = record_consent(request.user, email="ada@example.org", purpose="newsletter", state="given",
                           method="console", lang="fr", evidence=request_evidence(request))
    standings = person_standing("ada@example.org")          # one query: the last event per purpose
    event = unsubscribe(token, evidence)                      # the one-click POST: ledger + target databases

Each event is one ledger row and one audit entry, written in one transaction; an opt-out whose purpose
has datasets is executed on the target databases inside that transaction, its counts in both rows. A
refused event raises `ConsentError` (a code; each language renders it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Exists, OuterRef
from django.http import HttpRequest
from django.utils import timezone

from registre.core.consent import (
    OPT_OUT,
    ConsentError,
    Purpose,
    Standing,
    check_event,
    ledger_purposes,
    purpose_of,
    sale_or_sharing_purposes,
    standing_of,
)
from registre.core.policy import Policy
from registre.web.accounts.permissions import require
from registre.web.audit.actions import Actor, record
from registre.web.audit.trail import recorded_changes
from registre.web.consent.links import read_token, token_digest
from registre.web.consent.models import ConsentEvent, UnsubscribeUse
from registre.web.consent.optout import execute_opt_out
from registre.web.policy import current_policy
from registre.web.requests.tasks import require_policy
from registre.web.security import client_address
from registre.web.vault.keys import lookup_hash

USER_AGENT_LENGTH = 300


def subject_ref_of(email: str) -> str:
    """How the ledger (and the requests, and the audit log) name a person: the lookup hash of their email."""
    return lookup_hash(f"email:{email.strip()}")


def address_hash(address: str) -> str:
    """The keyed hash of an IP address: enough to match two events, never the address."""
    return lookup_hash(f"ip:{address.strip()}")


def request_evidence(request: HttpRequest, **more: Any) -> dict[str, Any]:
    """What a web request shows of how the event was made: hashed address, browser, method, path, GPC signal."""
    return {
        "ip_hash": address_hash(client_address(request)),
        "user_agent": str(request.META.get("HTTP_USER_AGENT", ""))[:USER_AGENT_LENGTH],
        "http_method": request.method or "",
        "path": request.path[:200],
        "gpc": request.META.get("HTTP_SEC_GPC") == "1",
        **more,
    }


# --- Recording ---------------------------------------------------------------------------------------------


def record_consent(
    actor: Any,
    *,
    email: str,
    purpose: str,
    state: str,
    method: str,
    lang: str = "fr",
    wording_version: str | None = None,
    evidence: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
    execute: bool = True,
) -> ConsentEvent:
    """Record one event (checked against the policy by `core.consent.check_event`), audited; ConsentError if refused.

    Staff and API tokens need `consent.record`; "subject" (the person, through a link or a form) and "system"
    need nothing. An opt-out of a purpose with datasets is executed on the target databases first, unless
    `execute` is False (an address nobody proved to hold: the objection is recorded, the data left as they are).
    """
    if not (isinstance(actor, Actor) or actor in ("system", "subject")):
        require(actor, "consent.record")
    policy = require_policy()
    email = checked_email(email)
    target = purpose_of(policy, purpose)
    at = at or timezone.now()
    wording = check_event(target, state, method, wording_version=wording_version, on=timezone.localdate(at))
    with transaction.atomic():
        execution = _execute(actor, policy, target, email, state, at) if execute else None
        event = _append(actor, email, target, state, method, lang, wording, evidence or {}, at, execution)
    return event


def check_recipient(policy: Policy, email: str, purpose: str) -> None:
    """ConsentError unless `email` looks like an address and `purpose` is one of the ledger's."""
    checked_email(email)
    purpose_of(policy, purpose)


def checked_email(email: str) -> str:
    """The address, trimmed; ConsentError `invalid-email` when it cannot be one."""
    email = (email or "").strip()
    if "@" not in email or len(email) > 254 or len(email.split()) != 1:
        raise ConsentError("invalid-email")
    return email


def _execute(
    actor: Any, policy: Policy, purpose: Purpose, email: str, state: str, at: dt.datetime
) -> dict[str, Any] | None:
    """An opt-out (a withdrawal on an opt-out purpose) is an objection: executed where the purpose has datasets.

    Each change to a target database is an audit entry of its own (`consent.data_changed`), in the same
    unit of work as the change.
    """
    if state != "withdrawn" or purpose.basis != OPT_OUT or not purpose.datasets:
        return None
    reference = f"c-{subject_ref_of(email)[:12]}"
    with recorded_changes(
        actor, "consent.data_changed", subject_ref=subject_ref_of(email), details={"purpose": purpose.key}
    ):
        return execute_opt_out(policy, purpose.key, email, reference=reference, today=timezone.localdate(at))


def _append(
    actor: Any,
    email: str,
    purpose: Purpose,
    state: str,
    method: str,
    lang: str,
    wording: Any,
    evidence: dict[str, Any],
    at: dt.datetime,
    execution: dict[str, Any] | None,
) -> ConsentEvent:
    who = Actor.of(actor)
    event = ConsentEvent.objects.create(
        subject_ref=subject_ref_of(email),
        email=email,
        purpose=purpose.key,
        basis=purpose.basis,
        state=state,
        method=method,
        at=at,
        lang=lang if lang in ("fr", "en") else "fr",
        wording_version=wording.version if wording else "",
        wording_text=wording.text.get(lang) if wording else "",
        evidence=evidence,
        recorded_by_id=who.id if who.kind == "user" else None,
        recorded_by_name=who.name[:150],
        execution=execution,
    )
    record(
        who,
        f"consent.{state}",
        subject_ref=event.subject_ref,
        counts=_counts(execution),
        details={
            "event": event.pk,
            "purpose": purpose.key,
            "basis": purpose.basis,
            "method": method,
            "wording": event.wording_version or None,
            "executed": execution is not None,
            "ok": None if execution is None else execution["ok"],
        },
    )
    return event


def _counts(execution: dict[str, Any] | None) -> dict[str, int]:
    """Rows erased or restricted per dataset (`system.dataset`), from the engine's summaries."""
    counts: dict[str, int] = {}
    for part in (execution or {}).get("parts", []):
        for system in part.get("systems", []):
            for dataset in system.get("datasets", []):
                name = f"{system['system']}.{dataset['dataset']}"
                done = sum(int(dataset.get(key) or 0) for key in ("changed", "deleted", "anonymised"))
                counts[name] = counts.get(name, 0) + done
    return counts


# --- The one-click unsubscribe and the Global Privacy Control ----------------------------------------------


def unsubscribe(token: str, evidence: dict[str, Any], method: str = "one_click") -> ConsentEvent:
    """The opt-out a signed link stands for, once: ConsentError `invalid-link` (tampered) or `used-link` (replayed).

    The link's use, the ledger event, the execution on the target databases and the audit entry are one
    transaction: a failure leaves the link usable again.
    """
    claims = read_token(token)
    digest = token_digest(token)
    evidence = {**evidence, "token": digest[:16]}
    try:
        with transaction.atomic():
            use = UnsubscribeUse.objects.create(digest=digest)
            event = record_consent(
                "subject",
                email=claims.email,
                purpose=claims.purpose,
                state="withdrawn",
                method=method,
                lang=claims.lang,
                evidence=evidence,
            )
            UnsubscribeUse.objects.filter(pk=use.pk).update(event=event)
    except IntegrityError:
        raise ConsentError("used-link") from None
    return event


def link_purpose(token: str) -> tuple[Purpose, str]:
    """The purpose and language a link stands for (the confirmation page); ConsentError when it is not valid."""
    claims = read_token(token)
    return purpose_of(require_policy(), claims.purpose), claims.lang


def link_used(token: str) -> bool:
    return UnsubscribeUse.objects.filter(digest=token_digest(token)).exists()


def record_gpc(request: HttpRequest, email: str, lang: str = "fr") -> list[ConsentEvent]:
    """A `Sec-GPC: 1` request of a person on the portal: an objection to each sale or sharing purpose.

    Nothing is recorded without the signal, or when the policy declares no such activity, or when the
    person's last event for the purpose is already an objection. The address is not proven yet (the
    request waits for its verification): the objection is recorded, not executed on the databases.
    """
    policy = current_policy()
    if request.META.get("HTTP_SEC_GPC") != "1" or policy is None:
        return []
    current = {standing.purpose: standing for standing in person_standing(email, policy=policy)}
    return [
        record_consent(
            "subject",
            email=email,
            purpose=purpose,
            state="withdrawn",
            method="gpc",
            lang=lang,
            evidence=request_evidence(request, verified=False),
            execute=False,
        )
        for purpose in sale_or_sharing_purposes(policy)
        if current[purpose].state != "withdrawn"
    ]


# --- Reading ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LastEvent:
    """What the state of a person needs of their last event for a purpose."""

    id: int
    state: str
    at: dt.datetime
    wording_version: str


def last_events(subject_ref: str) -> dict[str, LastEvent]:
    """The last event of the person per purpose: one query over the person's range of the (subject_ref, purpose,
    id) index: `DISTINCT ON (purpose)` on PostgreSQL, elsewhere each event kept when no later event of theirs
    exists for its purpose (a probe of the same index).

    The statement is compiled by the ORM once per database vendor and run with the person's reference bound:
    compiling costs ten times the query itself. On PostgreSQL it is a prepared statement of the connection
    (Django's cursors bind on the client and prepare nothing, so the server would parse and plan the query
    on every call: twice the time of the lookup).
    """
    database = connections[DEFAULT_DB_ALIAS]
    sql, params = _state_statement(database)
    values = [subject_ref if value == _PERSON else value for value in params]
    if database.vendor == "postgresql":
        rows = _prepared_rows(database, sql, values)
    else:
        with database.cursor() as cursor:
            cursor.execute(sql, values)
            rows = cursor.fetchall()
    return {purpose: LastEvent(pk, state, _aware(at), wording) for purpose, pk, state, at, wording in rows}


def _prepared_rows(database: BaseDatabaseWrapper, sql: str, values: list[Any]) -> list[tuple[Any, ...]]:
    """The rows of a statement run as a server-side prepared statement on Django's PostgreSQL connection."""
    import psycopg

    database.ensure_connection()
    with database.wrap_database_errors, psycopg.Cursor(database.connection) as cursor:
        cursor.execute(sql, values, prepare=True, binary=True)
        return cursor.fetchall()


_STATE_STATEMENTS: dict[str, tuple[str, tuple[Any, ...]]] = {}
_PERSON = "\x00person"  # stands for the person's reference in the compiled parameters


def _state_statement(database: BaseDatabaseWrapper) -> tuple[str, tuple[Any, ...]]:
    vendor = database.vendor
    if vendor not in _STATE_STATEMENTS:
        person = ConsentEvent.objects.filter(subject_ref=_PERSON)
        if database.features.can_distinct_on_fields:
            # PostgreSQL: the last row per purpose in one walk of the (subject_ref, purpose, id) index.
            found = person.order_by("purpose", "-id").distinct("purpose")
        else:
            later = ConsentEvent.objects.filter(
                subject_ref=OuterRef("subject_ref"), purpose=OuterRef("purpose"), id__gt=OuterRef("id")
            )
            found = person.exclude(Exists(later)).order_by()
        columns = found.values_list("purpose", "id", "state", "at", "wording_version")
        sql, params = columns.query.get_compiler(connection=database).as_sql()
        _STATE_STATEMENTS[vendor] = (sql, tuple(params))
    return _STATE_STATEMENTS[vendor]


def _aware(value: dt.datetime | str) -> dt.datetime:
    """A stored time as an aware datetime (SQLite returns the UTC text Django wrote)."""
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def person_standing(email: str, *, policy: Policy | None = None, today: dt.date | None = None) -> list[Standing]:
    """Where the person stands for every purpose of the policy today (renewal flags included)."""
    policy = policy or require_policy()
    today = today or timezone.localdate()
    events = last_events(subject_ref_of(email))
    standings = []
    for key, purpose in ledger_purposes(policy).items():
        event = events.get(key)
        last = (event.state, timezone.localtime(event.at), event.wording_version or None) if event else None
        standings.append(standing_of(purpose, last, today))
    return standings


def person_history(email: str) -> list[ConsentEvent]:
    return list(ConsentEvent.objects.filter(subject_ref=subject_ref_of(email)).order_by("at", "pk"))


def proof_of_consent(actor: Any, email: str) -> dict[str, Any]:
    """Art. 7(1): every event of the person, with the exact wording and the evidence; the reading is audited."""
    require(actor, "consent.export")
    events = person_history(email)
    ref = subject_ref_of(email)
    record(actor, "consent.proof_exported", subject_ref=ref, counts={"events": len(events)})
    return {
        "subject_ref": ref,
        "email": email.strip(),
        "exported_at": timezone.now().isoformat(),
        "standing": [standing_json(item) for item in person_standing(email)],
        "events": [event_json(event) for event in events],
    }


def event_json(event: ConsentEvent) -> dict[str, Any]:
    return {
        "id": event.pk,
        "purpose": event.purpose,
        "basis": event.basis,
        "state": event.state,
        "method": event.method,
        "at": event.at.isoformat(),
        "lang": event.lang,
        "wording_version": event.wording_version or None,
        "wording_text": event.wording_text or None,
        "evidence": event.evidence,
        "recorded_by": event.recorded_by_name,
        "execution": event.execution,
    }


def standing_json(standing: Standing) -> dict[str, Any]:
    return {
        "purpose": standing.purpose,
        "basis": standing.basis,
        "state": standing.state,
        "allowed": standing.allowed,
        "since": standing.since.isoformat() if standing.since else None,
        "wording_version": standing.wording_version,
        "renewal_due": standing.renewal_due.isoformat() if standing.renewal_due else None,
        "expired": standing.expired,
    }


def suppressions(since: dt.datetime | None = None, after: int = 0, limit: int = 500) -> Iterator[ConsentEvent]:
    """The withdrawals still in force (no later event for the person and purpose), from `since`, by id."""
    later = ConsentEvent.objects.filter(
        subject_ref=OuterRef("subject_ref"), purpose=OuterRef("purpose"), id__gt=OuterRef("id")
    )
    found = ConsentEvent.objects.filter(state=ConsentEvent.State.WITHDRAWN, id__gt=after).exclude(Exists(later))
    if since is not None:
        found = found.filter(at__gte=since)
    return iter(found.order_by("id")[:limit])
