"""The web commands in-process, on the test database: audit, keys, staff, worker."""

from __future__ import annotations

import csv

import pytest
from cryptography.fernet import Fernet
from django.contrib.auth import authenticate
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from registre.web.audit.actions import record
from registre.web.jobs.tasks import verify_audit_chain

pytestmark = pytest.mark.django_db


def test_audit_verify_says_ok_on_an_intact_log(registre_web):
    record("system", "request.created")
    result = registre_web("audit", "verify")
    assert result.exit_code == 0
    assert "OK: 1 audit entries, chain intact" in result.stdout


def test_audit_verify_prints_each_problem_and_exits_1_on_tampering(registre_web, tamper):
    for _ in range(4):
        record("system", "request.created")
    tamper("UPDATE audit_auditentry SET actor_name = 'mallory' WHERE sequence = 2")
    tamper("DELETE FROM audit_auditentry WHERE sequence = 3")
    result = registre_web("audit", "verify")
    assert result.exit_code == 1
    assert "entry 2 was modified" in result.stderr
    assert "entry 3 missing (deleted) before entry 4" in result.stderr
    assert "2 problem(s)" in result.stderr


def test_audit_export_writes_the_log_as_csv(registre_web, tmp_path):
    record("system", "request.created", counts={"rows": 2})
    target = tmp_path / "out" / "audit.csv"
    result = registre_web("audit", "export", "--output", target)
    assert result.exit_code == 0 and "wrote 1 entries" in result.stderr
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert [(row["sequence"], row["action"]) for row in rows] == [("1", "request.created")]


def test_keys_generate_prints_a_fernet_key(registre_web):
    key = registre_web("keys", "generate").stdout.strip()
    assert Fernet(key).decrypt(Fernet(key).encrypt(b"x")) == b"x"


def test_keys_rotate_reports_what_it_rewrote(registre_web):
    result = registre_web("keys", "rotate", "--batch-size", "10")
    assert result.exit_code == 0
    assert "done: 0 value(s) re-encrypted" in result.stdout


def test_staff_create_prints_the_password_once(registre_web):
    result = registre_web("staff", "create", "--email", "dana@exemple.fr", "--role", "dpo", "--activity", "prospecting")
    assert result.exit_code == 0
    password = result.stdout.split("password: ")[1].strip()
    user = authenticate(username="dana@exemple.fr", password=password)
    assert user is not None and user.groups.get().name == "dpo"
    assert user.staff_scope.activities == ["prospecting"]


def test_staff_create_refuses_an_unknown_role_or_a_taken_name(registre_web):
    assert registre_web("staff", "create", "--email", "x@exemple.fr", "--role", "boss").exit_code == 2
    registre_web("staff", "create", "--email", "x@exemple.fr", "--role", "agent")
    taken = registre_web("staff", "create", "--email", "x@exemple.fr", "--role", "agent")
    assert taken.exit_code == 1 and "already exists" in taken.stderr


@pytest.mark.usefixtures("in_test_transaction")
def test_worker_runs_the_waiting_jobs_to_completion(registre_web):
    result = verify_audit_chain.enqueue()
    run = registre_web("worker", "--batch", "--interval", "0")
    assert run.exit_code == 0
    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.SUCCESSFUL
