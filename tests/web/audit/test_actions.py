"""The audit chain: appending, verifying, and catching tampering, on SQLite and on PostgreSQL."""

from __future__ import annotations

import json

import pytest
from django.db import IntegrityError, connections, transaction

from registre.web.audit.actions import Actor, record, verify_chain
from registre.web.audit.chain import GENESIS
from registre.web.audit.models import AppendOnlyError, AuditChainHead, AuditEntry
from registre.web.vault.keys import lookup_hash


def fill(using: str, count: int = 5) -> list[AuditEntry]:
    return [
        record(Actor.system(), "request.created", request_id=n, counts={"rows": n}, using=using)
        for n in range(1, count + 1)
    ]


def kinds(problems):
    return [(problem.kind, problem.sequence) for problem in problems]


def test_it_appends_entries_in_sequence_each_naming_the_previous_hash(database):
    entries = fill(database, 3)
    assert [entry.sequence for entry in entries] == [1, 2, 3]
    assert entries[0].previous_hash == GENESIS
    assert entries[1].previous_hash == entries[0].hash
    assert entries[2].previous_hash == entries[1].hash
    head = AuditChainHead.objects.using(database).get(pk=1)
    assert (head.sequence, head.hash) == (3, entries[2].hash)


def test_an_intact_chain_verifies(database):
    fill(database)
    assert verify_chain(using=database) == []


def test_an_empty_log_verifies(database):
    assert verify_chain(using=database) == []


def test_the_stored_hash_matches_the_content_read_back(database):
    entry = record(
        "system", "export.created", counts={"files": 2}, details={"size": 1.5, "parts": ["a", "b"]}, using=database
    )
    stored = AuditEntry.objects.using(database).get(pk=entry.pk)
    assert stored.compute_hash() == stored.hash == entry.hash


def test_it_detects_a_modified_entry_and_says_which(database, tamper):
    fill(database)
    tamper("UPDATE audit_auditentry SET action = %s WHERE sequence = %s", ["request.cancelled", 3], database)
    problems = verify_chain(using=database)
    assert kinds(problems) == [("modified", 3)]
    assert "entry 3 was modified" in str(problems[0])


def test_it_detects_a_modified_entry_whose_hash_was_recomputed(database, tamper):
    entries = fill(database)
    forged = AuditEntry.objects.using(database).get(sequence=2)
    forged.counts = {"rows": 0}
    forged_hash = forged.compute_hash()
    tamper(
        "UPDATE audit_auditentry SET counts = %s, hash = %s WHERE sequence = %s",
        [json.dumps({"rows": 0}), forged_hash, 2],
        database,
    )
    assert entries[2].previous_hash != forged_hash
    assert kinds(verify_chain(using=database)) == [("inserted", 3)]


def test_it_detects_a_deleted_entry_and_says_where(database, tamper):
    fill(database)
    tamper("DELETE FROM audit_auditentry WHERE sequence = %s", [2], database)
    problems = verify_chain(using=database)
    assert kinds(problems) == [("missing", 2)]
    assert "entry 2 missing (deleted) before entry 3" in str(problems[0])


def test_it_detects_entries_cut_from_the_end(database, tamper):
    fill(database)
    tamper("DELETE FROM audit_auditentry WHERE sequence >= %s", [4], database)
    problems = verify_chain(using=database)
    assert kinds(problems) == [("truncated", 4)]
    assert "entries 4 to 5 missing" in str(problems[0])


def test_it_detects_a_forged_entry_inserted_at_the_end(database, tamper):
    entries = fill(database, 3)
    forged = AuditEntry(
        sequence=4,
        created_at=entries[-1].created_at,
        actor_kind="user",
        actor_id=1,
        actor_name="mallory",
        action="request.executed",
        counts={},
        details={},
        previous_hash=entries[-1].hash,
    )
    forged.hash = forged.compute_hash()  # a perfect forgery: only the chain head tells
    tamper(
        "INSERT INTO audit_auditentry (sequence, created_at, actor_kind, actor_id, actor_name, action, "
        "request_id, subject_ref, counts, details, previous_hash, hash) "
        "VALUES (%s, %s, %s, %s, %s, %s, NULL, NULL, %s, %s, %s, %s)",
        [4, forged.created_at, "user", 1, "mallory", "request.executed", "{}", "{}", forged.previous_hash, forged.hash],
        database,
    )
    assert kinds(verify_chain(using=database)) == [("inserted", 4)]


def test_it_detects_an_entry_replaced_in_the_middle(database, tamper):
    fill(database)
    tamper("DELETE FROM audit_auditentry WHERE sequence = %s", [3], database)
    tamper(
        "INSERT INTO audit_auditentry (sequence, created_at, actor_kind, actor_id, actor_name, action, "
        "request_id, subject_ref, counts, details, previous_hash, hash) "
        "VALUES (%s, CURRENT_TIMESTAMP, 'system', NULL, 'system', 'request.created', NULL, NULL, '{}', '{}', %s, %s)",
        [3, "f" * 64, "e" * 64],
        database,
    )
    assert kinds(verify_chain(using=database)) == [("modified", 3), ("inserted", 3), ("inserted", 4)]


def test_the_orm_refuses_to_change_or_delete_entries(database):
    entry = fill(database, 1)[0]
    entry.action = "request.cancelled"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.using(database).all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.using(database).update(action="x.y")


@pytest.mark.postgresql
@pytest.mark.django_db(databases=["postgresql"])
@pytest.mark.parametrize("statement", ["UPDATE audit_auditentry SET action = 'x.y'", "DELETE FROM audit_auditentry"])
def test_postgresql_refuses_to_change_or_delete_entries(statement):
    fill("postgresql", 1)
    with (
        pytest.raises(Exception, match="append-only"),
        transaction.atomic(using="postgresql"),
        connections["postgresql"].cursor() as cursor,
    ):
        cursor.execute(statement)


def test_two_entries_cannot_follow_the_same_one(database):
    first = fill(database, 1)[0]
    twin = AuditEntry(
        sequence=99,
        created_at=first.created_at,
        actor_kind="system",
        actor_name="system",
        action="a.b",
        previous_hash=GENESIS,
        hash="a" * 64,
    )
    with pytest.raises(IntegrityError), transaction.atomic(using=database):
        twin.save(using=database)


def test_the_subject_is_stored_as_a_keyed_hash_only(database):
    entry = record("system", "request.created", subject="email:Ada@Example.org", using=database)
    assert entry.subject_ref == lookup_hash("email:ada@example.org")
    row = AuditEntry.objects.using(database).values().get(pk=entry.pk)
    assert "example.org" not in json.dumps(row, default=str).lower()


def test_details_holding_an_email_address_are_refused(database):
    with pytest.raises(ValueError, match="personal data"):
        record("system", "request.created", details={"note": "from ada@example.org"}, using=database)
    assert not AuditEntry.objects.using(database).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["created", "Request.Created", "request created", "request."])
def test_action_names_are_dotted_lower_case(name):
    with pytest.raises(ValueError, match="dotted"):
        record("system", name)


@pytest.mark.django_db
def test_actors_are_named_from_users_tokens_and_words(admin):
    assert Actor.of(admin) == Actor("user", admin.pk, "admin")
    assert Actor.of("system") == Actor("system", None, "system")
    assert Actor.of("subject") == Actor("subject", None, "subject")
    with pytest.raises(TypeError):
        Actor.of(42)


@pytest.mark.django_db
def test_an_entry_rolls_back_with_the_action_it_records():
    with pytest.raises(RuntimeError), transaction.atomic():
        record("system", "request.created")
        raise RuntimeError("the action failed")
    assert not AuditEntry.objects.exists()
    assert record("system", "request.created").sequence == 1
