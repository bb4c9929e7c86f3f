"""Audits: the notice and the yearly limit of the client's agreement, the package kept with the audit, reminders."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation
from tests.web.conftest import make_person

from registre.core.documents.package import verify_package
from registre.web.accounts.models import StaffScope
from registre.web.api.signing import certificate_pem
from registre.web.audit.models import AuditEntry
from registre.web.clients.actions import ensure_client
from registre.web.inspections import actions
from registre.web.inspections.models import Inspection, within_scope
from registre.web.instructions.actions import record_instruction

D = dt.date
AGREEMENT = """
clients:
  acme:
    name: Acme SAS
    tenant: acme
    agreement: {audit_notice_days: 45, onsite_audits_per_year: 2}
"""


def schedule(actor, client, requested_on, onsite_on, **changes):
    values = {"by": "client", "auditor": "Audit & Co", "client": client, "requested_on": requested_on}
    values.update(changes)
    return actions.schedule_inspection(actor, onsite_on=onsite_on, **values)


def make_client(tenant, language="fr"):
    return ensure_client(f"Client {tenant}", tenant, f"dpo@{tenant}.example", language=language)


def test_an_audit_is_scheduled_with_its_notice_date_and_audited(app_database):
    dpo = make_person("dpo")
    found = schedule(dpo, make_client("globex"), D(2027, 3, 1), D(2027, 3, 31))
    assert (found.reference, found.notice_on, found.status) == ("AU-2027-0001", D(2027, 3, 1), "scheduled")
    entry = AuditEntry.objects.get(action="inspection.scheduled")
    assert entry.details["inspection"] == "AU-2027-0001" and entry.details["onsite_on"] == "2027-03-31"


def test_short_notice_is_refused_in_the_users_language(db, dpo):
    client = make_client("globex")
    with translation.override("fr"), pytest.raises(actions.InspectionError, match="au plus tôt le 1er avril 2027"):
        schedule(dpo, client, D(2027, 3, 2), D(2027, 3, 31))
    with translation.override("en"), pytest.raises(actions.InspectionError, match=r"earliest .* is 1 April 2027"):
        schedule(dpo, client, D(2027, 3, 2), D(2027, 3, 31))
    assert not Inspection.objects.exists()


def test_a_second_routine_audit_within_a_year_is_refused_unless_it_follows_a_breach(app_database):
    dpo = make_person("dpo")
    client = make_client("globex")
    first = schedule(dpo, client, D(2027, 1, 1), D(2027, 3, 31))
    with pytest.raises(actions.InspectionError):
        schedule(dpo, client, D(2027, 6, 1), D(2027, 9, 30))
    after_breach = schedule(dpo, client, D(2027, 6, 1), D(2027, 9, 30), trigger="breach", trigger_reference="B-2027-1")
    assert after_breach.notice_on == D(2027, 8, 31)
    with pytest.raises(actions.InspectionError):  # a breach is named by its reference
        schedule(dpo, client, D(2027, 6, 1), D(2027, 9, 30), trigger="breach")
    actions.close_inspection(first, dpo, status="cancelled")  # a cancelled audit counts no more
    assert schedule(dpo, client, D(2027, 6, 1), D(2027, 9, 30)).status == "scheduled"
    assert Inspection.objects.count() == 3


def test_the_clients_agreement_in_the_policy_sets_its_notice_and_limit(workspace, dpo):
    workspace.policy.write_text(workspace.policy.read_text(encoding="utf-8") + AGREEMENT, encoding="utf-8")
    acme = make_client("acme")
    with pytest.raises(actions.InspectionError):  # 30 days are not the 45 its agreement asks for
        schedule(dpo, acme, D(2027, 3, 1), D(2027, 3, 31))
    schedule(dpo, acme, D(2027, 2, 14), D(2027, 3, 31))
    schedule(dpo, acme, D(2027, 5, 1), D(2027, 9, 30))  # twice a year
    with pytest.raises(actions.InspectionError):
        schedule(dpo, acme, D(2027, 9, 1), D(2027, 12, 1))


def test_the_authority_inspects_without_notice_or_limit_and_names_no_client(db, dpo):
    today = timezone.localdate()
    for _ in range(2):
        found = schedule(dpo, None, today, today, by="authority", auditor="CNIL")
        assert found.notice_on is None
    with pytest.raises(actions.InspectionError):
        schedule(dpo, make_client("globex"), today, today, by="authority", auditor="CNIL")


def test_the_package_is_kept_with_the_audit_and_verifies(app_database, workspace):
    dpo = make_person("dpo")
    ours, other = make_client(workspace.report.tenant_ids[0]), make_client(workspace.report.tenant_ids[1])
    for client, text in ((ours, "Keep logs 90 days."), (other, "Keep logs 30 days.")):
        record_instruction(
            dpo, client=client, channel="email", given_by="DPO", text=text, activities=["hosted-messaging"]
        )
    today = timezone.localdate()
    found = schedule(dpo, ours, today, today + dt.timedelta(days=40))
    actions.keep_package(found, dpo, lang="en")
    found.refresh_from_db()
    content = b"".join(actions.open_package(found))
    assert hashlib.sha256(content).hexdigest() == found.package_sha256
    assert verify_package(content, trusted_certificate=certificate_pem()) == []
    archive = zipfile.ZipFile(io.BytesIO(content))
    assert json.loads(archive.read("manifest.json")) == found.package_manifest
    log = archive.read("instructions-en.csv").decode("utf-8-sig")
    assert "Keep logs 90 days." in log and "Keep logs 30 days." not in log and log.startswith("Reference,Client")
    kept = AuditEntry.objects.get(action="inspection.package_kept")
    assert kept.details["sha256"] == found.package_sha256 and kept.counts["files"] == len(
        found.package_manifest["files"]
    )
    first = found.package_stored_as
    actions.keep_package(found, dpo, lang="fr")  # a new package replaces the file; the log keeps both digests
    assert found.package_stored_as != first and not actions.package_file(first).exists()
    assert AuditEntry.objects.filter(action="inspection.package_kept").count() == 2


def test_the_dpo_is_reminded_30_and_7_days_before_once_each(workspace, dpo):
    onsite = D(2027, 3, 31)
    schedule(dpo, make_client("globex"), D(2027, 1, 1), onsite)
    assert actions.send_inspection_reminders(D(2027, 2, 28)) == 0
    assert actions.send_inspection_reminders(D(2027, 3, 1)) == 1
    assert actions.send_inspection_reminders(D(2027, 3, 2)) == 0
    assert actions.send_inspection_reminders(D(2027, 3, 24)) == 1
    assert actions.send_inspection_reminders(D(2027, 3, 25)) == 0
    assert len(mail.outbox) == 2 and "AU-2027-0001" in mail.outbox[0].body
    assert AuditEntry.objects.filter(action="inspection.reminded").count() == 2


def test_a_client_scoped_dpo_schedules_and_sees_only_its_clients_audits(db):
    dpo, scoped = make_person("dpo"), make_person("admin")
    acme, globex = make_client("acme"), make_client("globex")
    StaffScope.objects.create(user=scoped, clients=["acme"])
    mine = schedule(scoped, acme, D(2027, 1, 1), D(2027, 3, 31))
    schedule(dpo, globex, D(2027, 1, 1), D(2027, 3, 31))
    authority = schedule(dpo, None, D(2027, 1, 1), D(2027, 1, 2), by="authority", auditor="CNIL")
    with pytest.raises(PermissionDenied):
        schedule(scoped, globex, D(2027, 6, 1), D(2027, 9, 30))
    assert list(within_scope(Inspection.objects.all(), scoped)) == [mine]
    assert authority in within_scope(Inspection.objects.all(), dpo)
