"""Every path that changes a target database leaves its audit entry, with the rows it changed.

The paths: a request executed from the console, a sweep run from the console, the daily
scheduled sweep, `registre retention run`, `registre dsr erase`, a client's offboarding; and key
rotation, which rewrites the application's own encrypted values. The last test enumerates the
code that calls a writing function of the engine, so a new path fails here until it is covered.
"""

from __future__ import annotations

import ast
import datetime as dt
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from registre.web.audit.actions import verify_chain
from registre.web.audit.models import AuditEntry
from registre.web.clients.models import Offboarding
from registre.web.clients.offboarding import delete_client_data
from registre.web.jobs.worker import make_worker
from registre.web.requests import actions as request_actions
from registre.web.retention.models import SweepRun
from registre.web.retention.tasks import ensure_sweep_scheduled

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_test_transaction")]
SRC = Path(__file__).resolve().parents[3] / "src" / "registre"
WRITERS = {"execute_erasure", "execute_rectification", "execute_restriction", "run_retention", "delete_tenant"}
# The modules that call a writing function, each covered by a test below.
COVERED = {
    "web/requests/execution.py": "test_a_request_executed_from_the_console_is_audited_row_for_row",
    "web/retention/actions.py": "test_a_sweep_from_the_console_deletes_and_records_what_it_deleted",
    "web/clients/offboarding.py": "test_an_offboarding_records_the_tenants_rows_it_deleted",
    "cli/dsr.py": "test_registre_dsr_erase_records_its_changes_in_the_audit_log",
    "cli/retention.py": "test_registre_retention_run_records_its_changes_in_the_audit_log",
    "web/consent/optout.py": "test_an_opt_out_records_the_rows_it_changed",
}


def run_jobs():
    make_worker(batch=True, interval=0).run()


def crm_rows(workspace) -> dict[str, int]:
    """Rows per CRM table, by plain SQL."""
    tables = [row[0] for row in workspace.query("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {table: workspace.query(f'SELECT COUNT(*) FROM "{table}"')[0][0] for table in tables}  # noqa: S608


def deleted_by_entries(entries, system: str = "crm") -> dict[str, int]:
    totals: dict[str, int] = {}
    for entry in entries:
        if entry.details.get("system") != system:
            continue
        for key, rows in entry.counts.items():
            table, verb = key.rsplit(".", 1)
            if verb == "deleted" and rows:
                totals[table] = totals.get(table, 0) + rows
    return totals


def removed(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {table: before[table] - after[table] for table in before if before[table] != after[table]}


def test_a_sweep_from_the_console_deletes_and_records_what_it_deleted(workspace, dpo, client_for):
    before = crm_rows(workspace)
    client_for(dpo).post(reverse("retention:run"), {})  # the simulation unticked
    run_jobs()
    after = crm_rows(workspace)
    assert removed(before, after), "the demo has rows due"
    entries = AuditEntry.objects.filter(action="retention.data_changed")
    assert entries and {entry.actor_name for entry in entries} == {"dpo"}
    assert deleted_by_entries(entries) == removed(before, after)
    run = SweepRun.objects.get()
    assert run.status == SweepRun.Status.DONE and run.actor_name == "dpo"
    assert AuditEntry.objects.filter(action="retention.swept", actor_name="dpo").count() == 1
    assert verify_chain() == []


def test_the_scheduled_sweep_records_what_it_deleted(workspace):
    before = crm_rows(workspace)
    ensure_sweep_scheduled(now=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    run_jobs()
    entries = AuditEntry.objects.filter(action="retention.data_changed", actor_name="system")
    assert entries and deleted_by_entries(entries) == removed(before, crm_rows(workspace))


def test_a_request_executed_from_the_console_is_audited_row_for_row(workspace, dpo, client_for):
    email = workspace.sample(1)["email"]
    request = request_actions.create_request(kind="erasure", channel="email", email=email, actor="system")
    request_actions.verify_identity(request, "system", method="manual")
    before = crm_rows(workspace)
    client_for(dpo).post(reverse("requests:request-approval", args=[request.reference]), {"note": ""})
    client_for(dpo).post(reverse("requests:approve", args=[request.reference]), {"note": "ok"})
    run_jobs()
    entries = AuditEntry.objects.filter(action="request.data_changed", request_id=request.reference)
    assert entries and all(entry.subject_ref == request.subject_ref for entry in entries)
    assert deleted_by_entries(entries) == removed(before, crm_rows(workspace))
    assert workspace.count("contacts", email=email) == 0


def test_an_offboarding_records_the_tenants_rows_it_deleted(workspace, demo_clients):
    client = demo_clients[0]
    users = workspace.count("tenant_users", workspace.platform, tenant_id=client.tenant)
    offboarding = Offboarding.objects.create(
        client=client, contract_end=dt.date(2026, 1, 1), deletion_due=dt.date(2026, 1, 11)
    )
    delete_client_data(offboarding)
    entries = AuditEntry.objects.filter(action="client.data_changed")
    assert entries and all(entry.details["client_id"] == client.pk for entry in entries)
    assert deleted_by_entries(entries, "platform").get("tenant_users") == users
    assert workspace.count("tenant_users", workspace.platform, tenant_id=client.tenant) == 0


def test_a_sweep_with_an_unknown_actor_deletes_nothing(workspace):
    from registre.web.retention.actions import run_sweep

    before = crm_rows(workspace)
    with pytest.raises(TypeError):
        run_sweep("demo")
    assert crm_rows(workspace) == before and not SweepRun.objects.exists()


def test_key_rotation_records_each_batch(workspace, settings):
    from registre.web.vault.keys import generate_key
    from registre.web.vault.rotation import rotate_encrypted_fields

    request_actions.create_request(kind="access", channel="email", email="ada@example.org", actor="system")
    settings.REGISTRE_ENCRYPTION_KEYS = [generate_key(), *settings.REGISTRE_ENCRYPTION_KEYS]
    rotated = rotate_encrypted_fields()
    entries = AuditEntry.objects.filter(action="keys.rotated")
    recorded: dict[str, int] = {}
    for entry in entries:
        for field, rows in entry.counts.items():
            recorded[field] = recorded.get(field, 0) + rows
    assert recorded == {field: rows for field, rows in rotated.items() if rows}


# --- The command line, in its own process with its own application database ----------------------------------


def run_registre(workspace, tmp_path, *args: str) -> subprocess.CompletedProcess[str]:
    data = tmp_path / "cli-data"
    environment = {**os.environ, "REGISTRE_DATA_DIR": str(data), "USER": "operator", "REGISTRE_PSEUDONYM_KEY": "k" * 32}
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    environment.pop("REGISTRE_DATABASE_URL", None)
    return subprocess.run(
        [str(Path(sys.executable).with_name("registre")), *args, "--policy", str(workspace.policy)],
        capture_output=True,
        text=True,
        env=environment,
        cwd=workspace.folder,
        timeout=300,
        check=False,
    )


def cli_entries(tmp_path, action: str) -> list[tuple[str, dict[str, int], str]]:
    import json

    database = sqlite3.connect(tmp_path / "cli-data" / "registre.sqlite")
    try:
        rows = database.execute(
            "SELECT actor_name, counts, details FROM audit_auditentry WHERE action = ? ORDER BY sequence", [action]
        ).fetchall()
    finally:
        database.close()
    return [(actor, json.loads(counts), json.loads(details)) for actor, counts, details in rows]


class Entry:
    def __init__(self, counts, details):
        self.counts, self.details = counts, details


def test_registre_retention_run_records_its_changes_in_the_audit_log(workspace, tmp_path):
    before = crm_rows(workspace)
    result = run_registre(workspace, tmp_path, "retention", "run", "--yes")
    assert result.returncode == 0, result.stderr
    entries = cli_entries(tmp_path, "retention.data_changed")
    assert entries and {actor for actor, _, _ in entries} == {"cli:operator"}
    assert deleted_by_entries([Entry(c, d) for _, c, d in entries]) == removed(before, crm_rows(workspace))


def test_registre_dsr_erase_records_its_changes_in_the_audit_log(workspace, tmp_path):
    email = workspace.sample(2)["email"]
    before = crm_rows(workspace)
    result = run_registre(workspace, tmp_path, "dsr", "erase", "--subject", f"email={email}")
    assert result.returncode == 0, result.stderr
    entries = cli_entries(tmp_path, "request.data_changed")
    assert entries and all(details["command"] == "dsr erase" for _, _, details in entries)
    assert deleted_by_entries([Entry(c, d) for _, c, d in entries]) == removed(before, crm_rows(workspace))
    assert email not in str(entries)


def test_every_caller_of_a_writing_function_is_a_path_tested_here():
    callers = set()
    for path in SRC.rglob("*.py"):
        relative = path.relative_to(SRC).as_posix()
        if relative.startswith("core/"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name in WRITERS:
                    callers.add(relative)
    assert callers == set(COVERED)
    tests = {node.name for node in ast.walk(ast.parse(Path(__file__).read_text())) if isinstance(node, ast.FunctionDef)}
    assert set(COVERED.values()) <= tests


def test_only_the_core_sources_commit_to_a_target_database():
    commits = set()
    for path in SRC.rglob("*.py"):
        relative = path.relative_to(SRC).as_posix()
        if relative.startswith(("core/demo/", "core/sources/")):  # the demo builds its own databases
            continue
        text = path.read_text(encoding="utf-8")
        if ".begin()" in text or "engine.connect()" in text:
            commits.add(relative)
    assert commits == set()


def test_an_opt_out_records_the_rows_it_changed(workspace):
    from registre.web.consent.actions import record_consent

    email = workspace.query("SELECT email FROM newsletter ORDER BY id LIMIT 1")[0][0]
    rows = workspace.query("SELECT count(*) FROM newsletter WHERE email = :e", e=email)[0][0]
    record_consent("system", email=email, purpose="prospecting", state="withdrawn", method="api")
    entries = list(AuditEntry.objects.filter(action="consent.data_changed"))
    assert sum(entry.counts.get("newsletter.deleted", 0) for entry in entries) == rows > 0
    assert workspace.query("SELECT count(*) FROM newsletter WHERE email = :e", e=email)[0][0] == 0
