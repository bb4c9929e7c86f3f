"""Anchors of the audit log: a log wiped with its head, or cut at the end, no longer verifies against them."""

from __future__ import annotations

import json

import pytest
from django.core import mail
from django.db import connections, transaction

from registre.web.audit.actions import Actor, record, verify_chain
from registre.web.audit.anchors import Anchor, append_anchor, make_anchor, read_anchors, verify_anchor
from registre.web.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def fill(count: int) -> None:
    for n in range(1, count + 1):
        record(Actor.system(), "request.created", request_id=n)


def test_an_anchor_holds_the_signed_head_of_the_log():
    fill(3)
    anchor = make_anchor()
    assert anchor.sequence == 3
    assert verify_anchor(anchor) == []
    forged = Anchor(anchor.sequence, "0" * 64, anchor.anchored_at, anchor.signature)
    assert "not signed by this instance's key" in verify_anchor(forged)[0]


def test_a_log_wiped_with_its_head_verifies_as_a_chain_but_not_against_its_anchor(tamper):
    fill(4)
    anchor = make_anchor()
    tamper("DELETE FROM audit_auditentry")
    tamper("UPDATE audit_auditchainhead SET sequence = 0, hash = %s", ["0" * 64])
    assert verify_chain() == []  # what `audit verify` alone said before anchors
    assert verify_anchor(anchor) == [f"entry 4, anchored on {anchor.anchored_at}, is no longer in the log (deleted)"]


def test_the_last_entry_deleted_and_the_head_rewritten_fails_against_the_anchor(tamper):
    fill(4)
    anchor = make_anchor()
    tamper("DELETE FROM audit_auditentry WHERE sequence = 4")
    tamper(
        "UPDATE audit_auditchainhead SET sequence = 3, hash = (SELECT hash FROM audit_auditentry WHERE sequence = 3)"
    )
    assert verify_chain() == []
    assert "entry 4" in verify_anchor(anchor)[0]


def test_anchors_are_appended_to_a_file_and_read_back(tmp_path):
    target = tmp_path / "elsewhere" / "anchors.jsonl"
    fill(1)
    append_anchor(make_anchor(), target)
    fill(1)
    append_anchor(make_anchor(), target)
    assert [anchor.sequence for anchor in read_anchors(target)] == [1, 2]
    target.write_text(target.read_text(encoding="utf-8") + "garbage\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"anchors\.jsonl:3: not an audit anchor"):
        read_anchors(target)


def test_audit_anchor_and_verify_anchor_from_the_command_line(registre_web, tmp_path, tamper):
    fill(3)
    target = tmp_path / "anchors.jsonl"
    result = registre_web("audit", "anchor", "--output", target, "--email", "dpo@example.org")
    assert result.exit_code == 0
    assert json.loads(target.read_text(encoding="utf-8"))["sequence"] == 3
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["dpo@example.org"]
    assert '"sequence": 3' in mail.outbox[0].body
    assert registre_web("audit", "verify", "--anchor", target).exit_code == 0
    tamper("DELETE FROM audit_auditentry")
    tamper("UPDATE audit_auditchainhead SET sequence = 0, hash = %s", ["0" * 64])
    failed = registre_web("audit", "verify", "--anchor", target)
    assert failed.exit_code == 1
    assert "entry 3, anchored on" in failed.stderr


def test_audit_anchor_without_output_prints_the_anchor(registre_web):
    fill(2)
    result = registre_web("audit", "anchor")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["sequence"] == 2


def test_the_daily_job_publishes_an_anchor_when_a_target_is_set(settings, tmp_path):
    from registre.web.audit.anchors import publish_daily_anchor

    settings.REGISTRE_AUDIT_ANCHOR_FILE = ""
    settings.REGISTRE_AUDIT_ANCHOR_EMAIL = []
    assert publish_daily_anchor() is None
    fill(1)
    settings.REGISTRE_AUDIT_ANCHOR_FILE = str(tmp_path / "daily.jsonl")
    settings.REGISTRE_AUDIT_ANCHOR_EMAIL = ["dpo@example.org"]
    assert publish_daily_anchor() is not None
    assert read_anchors(tmp_path / "daily.jsonl")[0].sequence == 1
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("statement", ["UPDATE audit_auditentry SET action = 'x.y'", "DELETE FROM audit_auditentry"])
def test_sqlite_refuses_to_change_or_delete_entries(statement):
    fill(1)
    assert connections["default"].vendor == "sqlite"
    with (
        pytest.raises(Exception, match="append-only"),
        transaction.atomic(),
        connections["default"].cursor() as cursor,
    ):
        cursor.execute(statement)


@pytest.mark.parametrize("value", ["garbage", "2026-13-45 99:99:99", ""])
def test_a_garbled_time_is_reported_as_modified_not_a_traceback(tamper, value):
    fill(3)
    tamper("UPDATE audit_auditentry SET created_at = %s WHERE sequence = 2", [value])
    problems = verify_chain()
    assert [(problem.kind, problem.sequence) for problem in problems] == [("modified", 2)]


def test_an_empty_time_gives_a_hash_that_no_longer_matches():
    fill(1)
    entry = AuditEntry.objects.get(sequence=1)
    entry.created_at = None
    assert entry.compute_hash() != entry.hash
