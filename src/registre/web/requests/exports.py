"""Access bundles for download: zipped, encrypted at rest, reached through an expiring link, then deleted.

Only the SHA-256 of the download token is stored. An export expires after
REGISTRE_EXPORT_DAYS days: a job scheduled for that moment deletes its file,
and a download after it finds nothing (and deletes the file too, should
the job not have run yet).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from registre.web.audit.actions import record
from registre.web.requests.models import DataRequest, Export
from registre.web.requests.storage import export_path
from registre.web.vault.files import decrypt_stream, encrypt_file


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def zip_folder(folder: Path, target: Path) -> Path:
    """`folder`'s files in a zip archive at `target` (flat: the bundle has no subfolders)."""
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.iterdir()):
            if path.is_file():
                archive.write(path, arcname=path.name)
    return target


@transaction.atomic
def create_export(request: DataRequest, archive: Path, *, now: dt.datetime | None = None) -> tuple[Export, str]:
    """Encrypt `archive` into the exports folder; (the export, its download token, to give once)."""
    now = now or timezone.now()
    token = secrets.token_urlsafe(32)
    stored_as = f"{uuid.uuid4().hex}.zip.rgf"
    encrypt_file(archive, export_path(stored_as))
    export = Export.objects.create(
        request=request,
        stored_as=stored_as,
        digest=token_digest(token),
        size=archive.stat().st_size,
        created_at=now,
        expires_at=now + dt.timedelta(days=settings.REGISTRE_EXPORT_DAYS),
    )
    record("system", "request.export_created", request_id=request.reference, subject_ref=request.subject_ref)
    return export, token


def find_export(token: str) -> Export | None:
    """The export of a download token, available or not; None when the token is unknown."""
    return Export.objects.select_related("request").filter(digest=token_digest(token)).first()


def open_export(export: Export, actor: Any = "subject") -> Iterator[bytes]:
    """The zip's plain bytes, chunk by chunk; counts the download and records it. Call on an available export."""
    if not export.available:
        raise FileNotFoundError("the export has expired")
    Export.objects.filter(pk=export.pk).update(downloads=export.downloads + 1)
    request = export.request
    record(actor, "request.export_downloaded", request_id=request.reference, subject_ref=request.subject_ref)
    return decrypt_stream(export_path(export.stored_as))


def delete_export(export: Export) -> bool:
    """Delete the export's file and mark it deleted; False when it was already."""
    if export.deleted_at is not None:
        return False
    export_path(export.stored_as).unlink(missing_ok=True)
    export.deleted_at = timezone.now()
    export.save(update_fields=["deleted_at"])
    request = export.request
    record("system", "request.export_deleted", request_id=request.reference, subject_ref=request.subject_ref)
    return True


def delete_expired_exports(now: dt.datetime | None = None) -> int:
    """Delete every export past its expiry; the number deleted."""
    expired = Export.objects.select_related("request").filter(deleted_at=None, expires_at__lte=now or timezone.now())
    return sum(delete_export(export) for export in expired)
