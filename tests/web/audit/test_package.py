"""The audit package from the console and the command line: every document, a manifest that verifies."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from registre.core.documents.package import verify_package
from registre.web.api.signing import certificate_pem
from registre.web.audit.models import AuditEntry
from registre.web.authorised.actions import designate
from registre.web.breaches.actions import declare_breach
from registre.web.clients.actions import ensure_client
from registre.web.dpia.actions import create_version, validate

pytestmark = pytest.mark.django_db


def a_breach(dpo, datasets):
    return declare_breach(
        dpo,
        title="Lost laptop",
        aware_at=timezone.now() - dt.timedelta(hours=1),
        datasets=datasets,
        natures=["confidentiality"],
        description="A laptop was lost.",
    )


def test_the_package_holds_every_document_and_verifies_with_the_published_certificate(workspace, dpo, client_for):
    designate(dpo, full_name="Inès", job_title="Support", designated_on=dt.date(2026, 1, 5), activities=[], systems=[])
    a_breach(dpo, ["crm.contacts"])
    response = client_for(dpo).post("/console/audit/package/", {"lang": "fr"})
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert verify_package(response.content, trusted_certificate=certificate_pem()) == []
    names = set(zipfile.ZipFile(io.BytesIO(response.content)).namelist())
    assert {
        "register-controller-fr.xlsx",
        "notice-fr.pdf",
        "subprocessors-fr.xlsx",
        "breach-register-fr.xlsx",
        "authorised-staff.csv",
        "dpia.csv",
        "instructions-fr.csv",
        "policy/registre.yaml",
        "policy/processors.yaml",
        "audit-log.csv",
        "audit-log-verification.txt",
        "manifest.json",
        "manifest.sig",
        "signing-certificate.pem",
    } <= names
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.read("audit-log-verification.txt").startswith(b"OK:")
    assert b"Support" in archive.read("authorised-staff.csv")
    assert AuditEntry.objects.filter(action="audit.package_built").exists()


def test_a_clients_package_has_its_processor_register_and_only_its_breaches(workspace, dpo, client_for):
    tenants = workspace.report.tenant_ids
    ours = ensure_client("Ours", tenants[0], "privacy@ours.example")
    a_breach(dpo, ["crm.contacts"])  # concerns no client
    response = client_for(dpo).post("/console/audit/package/", {"lang": "en", "client": str(ours.pk)})
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert "register-processor-en.xlsx" in archive.namelist()
    assert b"client " + tenants[0].encode() in archive.read("manifest.json")
    sheet = load_workbook(io.BytesIO(archive.read("breach-register-en.xlsx"))).active
    assert not [row for row in sheet.iter_rows(values_only=True) if row[0] and str(row[0]).startswith("B-")]


def test_the_command_writes_a_package_that_the_other_command_verifies(workspace, registre_web, tmp_path):
    output = tmp_path / "package.zip"
    written = registre_web("audit", "package", "--output", output, "--lang", "en")
    assert written.exit_code == 0, written.output
    assert registre_web("audit", "verify-package", output).exit_code == 0
    with zipfile.ZipFile(output, "a") as archive:
        archive.writestr("extra.txt", "x")
    tampered = registre_web("audit", "verify-package", output)
    assert tampered.exit_code == 1 and "extra.txt" in tampered.output


def test_an_unknown_client_is_a_clear_error(workspace, registre_web, tmp_path):
    result = registre_web("audit", "package", "--output", tmp_path / "p.zip", "--client", "tenant-404")
    assert result.exit_code == 1 and "tenant-404" in result.output


def test_the_package_holds_every_validated_dpia_and_where_each_stands(workspace, dpo, client_for):
    draft = create_version(dpo, "support")  # a draft is not part of the record
    validate(draft, dpo, name="Hugo Leroy", role="dpo", on=timezone.localdate())
    create_version(dpo, "support")  # version 2, still a draft
    response = client_for(dpo).post("/console/audit/package/", {"lang": "fr"})
    assert verify_package(response.content, trusted_certificate=certificate_pem()) == []
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert [name for name in archive.namelist() if name.startswith("dpia/")] == ["dpia/dpia-support-v1-fr.pdf"]
    assert archive.read("dpia/dpia-support-v1-fr.pdf").startswith(b"%PDF")
    rows = {row.split(",")[0]: row for row in archive.read("dpia.csv").decode().splitlines()}
    assert rows["support"].endswith(f",1,{timezone.localdate().isoformat()},no")
