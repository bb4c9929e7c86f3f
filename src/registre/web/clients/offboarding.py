"""The steps of a client's offboarding, run by the jobs of `tasks.py` (or in-process by `registre clients offboard`).

1. `export_client_data`: the tenant's rows in every processor dataset, zipped (JSON and CSV per dataset),
   encrypted at rest, and a link emailed to the client's contact; the file is deleted when the link expires
   (REGISTRE_EXPORT_DAYS days).
2. `delete_client_data`, on or after the deletion's due date: `delete_tenant` with the case holds in force,
   the audit entry `client.data_deleted` with the counts per dataset, then the certificate (PDF, in the
   client's language) anchored by that entry's hash, kept encrypted and emailed to the contact
   (Art. 28(3)(g) GDPR). A deletion that is not complete (a case hold on the tenant, a failing system)
   is audited as `client.deletion_stopped`, gets no certificate, and is tried again the next day.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from registre.core.documents import certificate_summary, render_deletion_certificate
from registre.core.policy import Policy
from registre.core.retention import TenantDeletion, delete_tenant, export_tenant
from registre.web.audit.actions import record
from registre.web.audit.trail import recorded_changes
from registre.web.clients.models import Client, Offboarding
from registre.web.policy import current_policy
from registre.web.requests.storage import files_dir
from registre.web.retention.actions import active_case_holds
from registre.web.vault.files import decrypt_stream, encrypt_file


class PolicyUnavailable(Exception):
    """The policy file is missing or has errors: nothing can be exported or deleted."""


def require_policy() -> Policy:
    policy = current_policy()
    if policy is None:
        raise PolicyUnavailable("the policy is missing or has errors: run `registre check`")
    return policy


def client_file(stored_as: str) -> Path:
    return files_dir("clients") / stored_as


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def export_client_data(offboarding: Offboarding, *, now: dt.datetime | None = None) -> str:
    """Export the tenant's data, encrypt it, email the link to the contact; the download token (given once)."""
    now = now or timezone.now()
    client = offboarding.client
    policy = require_policy()
    with tempfile.TemporaryDirectory(dir=files_dir("work")) as work:
        export = export_tenant(policy, client.tenant, Path(work), today=timezone.localdate(now))
        stored_as = f"{uuid.uuid4().hex}.zip.rgf"
        encrypt_file(export.archive, client_file(stored_as))
    token = secrets.token_urlsafe(32)
    offboarding.export_stored_as = stored_as
    offboarding.export_digest = token_digest(token)
    offboarding.export_rows = export.rows
    offboarding.export_expires_at = now + dt.timedelta(days=settings.REGISTRE_EXPORT_DAYS)
    offboarding.save()
    record("system", "client.export_created", counts={"rows": export.rows}, details={"client_id": client.pk})
    send_export_link(offboarding, token)
    return token


def export_url(token: str) -> str:
    return settings.REGISTRE_BASE_URL + reverse("clients:export", args=[token])


def send_export_link(offboarding: Offboarding, token: str) -> None:
    client = offboarding.client
    expires = timezone.localdate(offboarding.export_expires_at)
    with translation.override(client.language):
        subject = _("Your data at the end of the contract")
        body = _(
            "Hello,\n\nThe contract ended on %(end)s. Your data is available in one archive (JSON and CSV per "
            "dataset) until %(expires)s at this address:\n\n%(url)s\n\nIt will be deleted from our systems "
            "on %(due)s, and we will send you the deletion certificate.\n"
        ) % {
            "end": date_format(offboarding.contract_end, "DATE_FORMAT"),
            "expires": date_format(expires, "DATE_FORMAT"),
            "url": export_url(token),
            "due": date_format(offboarding.deletion_due, "DATE_FORMAT"),
        }
    EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [client.contact_email]).send()


def find_export(token: str) -> Offboarding | None:
    """The offboarding of an export link, available or not; None when the token is unknown."""
    if not token:
        return None
    return Offboarding.objects.select_related("client").filter(export_digest=token_digest(token)).first()


def open_export(offboarding: Offboarding) -> Iterator[bytes]:
    """The zip's plain bytes; counts and records the download. FileNotFoundError once the link has expired."""
    if not offboarding.export_available:
        delete_export(offboarding)
        raise FileNotFoundError("the export has expired")
    Offboarding.objects.filter(pk=offboarding.pk).update(export_downloads=offboarding.export_downloads + 1)
    record("subject", "client.export_downloaded", details={"client_id": offboarding.client_id})
    return decrypt_stream(client_file(offboarding.export_stored_as))


def delete_export(offboarding: Offboarding) -> bool:
    """Delete the export's file; False when there is none or it was already deleted."""
    if not offboarding.export_stored_as or offboarding.export_deleted_at is not None:
        return False
    client_file(offboarding.export_stored_as).unlink(missing_ok=True)
    offboarding.export_deleted_at = timezone.now()
    offboarding.save(update_fields=["export_deleted_at"])
    record("system", "client.export_deleted", details={"client_id": offboarding.client_id})
    return True


def delete_expired_client_exports(now: dt.datetime | None = None) -> int:
    expired = Offboarding.objects.filter(export_deleted_at=None, export_expires_at__lte=now or timezone.now())
    return sum(delete_export(offboarding) for offboarding in expired.exclude(export_stored_as=""))


def delete_client_data(offboarding: Offboarding, *, batch_size: int = 500, progress: Any = None) -> TenantDeletion:
    """Delete the tenant's rows, audit it, then issue, keep and send the certificate (see the module)."""
    client = offboarding.client
    policy = require_policy()
    with recorded_changes("system", "client.data_changed", details={"client_id": client.pk}):
        deletion = delete_tenant(
            policy,
            client.tenant,
            as_of=timezone.localdate(),
            batch_size=batch_size,
            case_holds=active_case_holds(),  # a hold on the tenant stops it; on a subject, keeps their rows
            progress=progress,
            clock=timezone.now,
        )
    if not deletion.complete:
        # Stopped by a case hold, a failing system, or rows left: no certificate can state it (yet).
        record(
            "system",
            "client.deletion_stopped",
            counts={dataset.reference: dataset.deleted for dataset in deletion.datasets},
            details={
                "client_id": client.pk,
                "tenant": client.tenant,
                "case_references": list(deletion.case_references),
            },
        )
        offboarding.error = deletion.headline()
        offboarding.result = deletion.to_dict()
        offboarding.save(update_fields=["error", "result"])
        return deletion
    with transaction.atomic():
        entry = record(
            "system",
            "client.data_deleted",
            counts={dataset.reference: dataset.deleted for dataset in deletion.datasets},
            details={"client_id": client.pk, "tenant": client.tenant, "complete": deletion.complete},
        )
        offboarding.deleted_at = timezone.now()
        offboarding.result = deletion.to_dict()
        offboarding.audit_hash = entry.hash
        offboarding.error = ""
        offboarding.save()
    issue_certificate(offboarding, deletion, policy)
    return deletion


def issue_certificate(offboarding: Offboarding, deletion: TenantDeletion, policy: Policy) -> bytes:
    client = offboarding.client
    pdf = render_deletion_certificate(
        deletion,
        policy,
        client_name=client.name,
        contract_end=offboarding.contract_end,
        deletion_delay_days=client.deletion_delay_days,
        lang="en" if client.language == "en" else "fr",
        fmt="pdf",
        audit_anchor=offboarding.audit_hash,
        issued=timezone.localdate(),
    )
    stored_as = f"{uuid.uuid4().hex}.pdf.rgf"
    encrypt_file([pdf], client_file(stored_as))
    offboarding.certificate_stored_as = stored_as
    offboarding.certificate_summary = certificate_summary(deletion)
    offboarding.save(update_fields=["certificate_stored_as", "certificate_summary"])
    record("system", "client.certificate_issued", details={"client_id": client.pk, "anchor": offboarding.audit_hash})
    send_certificate(client, pdf)
    return pdf


def send_certificate(client: Client, pdf: bytes) -> None:
    with translation.override(client.language):
        subject = _("Certificate of deletion of your data")
        body = _("Hello,\n\nYour data has been deleted from our systems. The certificate is attached.\n")
    email = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [client.contact_email])
    email.attach(f"deletion-certificate-{client.tenant}.pdf", pdf, "application/pdf")
    email.send()


def open_certificate(offboarding: Offboarding) -> Iterator[bytes]:
    if not offboarding.certificate_stored_as:
        raise FileNotFoundError("no certificate yet")
    return decrypt_stream(client_file(offboarding.certificate_stored_as))
