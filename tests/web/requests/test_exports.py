"""Exports: encrypted at rest, found by the hash of their token, opened while the link lasts, then deleted."""

from __future__ import annotations

import datetime as dt
import stat
import zipfile

import pytest
from django.utils import timezone

from registre.web.audit.models import AuditEntry
from registre.web.requests import actions
from registre.web.requests.exports import (
    create_export,
    delete_expired_exports,
    find_export,
    open_export,
    token_digest,
    zip_folder,
)
from registre.web.requests.storage import export_path

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive(tmp_path):
    folder = tmp_path / "bundle"
    folder.mkdir()
    (folder / "data.json").write_text('{"email": "ada@example.org"}')
    (folder / "crm.contacts.csv").write_text("id,email\n1,ada@example.org\n")
    return zip_folder(folder, tmp_path / "bundle.zip")


@pytest.fixture
def request_(workspace):
    return actions.create_request(kind="access", channel="email", email="ada@example.org", actor="system")


def test_the_bundle_is_a_flat_zip(archive):
    assert sorted(zipfile.ZipFile(archive).namelist()) == ["crm.contacts.csv", "data.json"]


def test_an_export_is_encrypted_readable_by_its_owner_only_and_found_by_its_token(request_, archive, settings):
    export, token = create_export(request_, archive)
    path = export_path(export.stored_as)
    assert b"ada@example.org" not in path.read_bytes()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert export.digest == token_digest(token) and token not in export.digest
    assert find_export(token) == export and find_export("other") is None
    assert export.expires_at - export.created_at == dt.timedelta(days=settings.REGISTRE_EXPORT_DAYS)
    assert b"".join(open_export(export)) == archive.read_bytes()
    export.refresh_from_db()
    assert export.downloads == 1


def test_an_expired_export_cannot_be_opened_and_is_deleted(request_, archive):
    export, _token = create_export(request_, archive, now=timezone.now() - dt.timedelta(days=30))
    assert not export.available
    with pytest.raises(FileNotFoundError):
        actions.download_export(export)
    export.refresh_from_db()
    assert export.deleted_at is not None and not export_path(export.stored_as).exists()
    assert AuditEntry.objects.filter(action="request.export_deleted").count() == 1


def test_the_sweep_deletes_expired_exports_only(request_, archive):
    old, _ = create_export(request_, archive, now=timezone.now() - dt.timedelta(days=30))
    fresh, _ = create_export(request_, archive)
    assert delete_expired_exports() == 1
    assert delete_expired_exports() == 0
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.deleted_at and not fresh.deleted_at and export_path(fresh.stored_as).exists()
