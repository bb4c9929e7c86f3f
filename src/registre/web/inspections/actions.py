"""Every change of the audits: scheduled under the rules of `core.inspections`, each one audited.

The package built for an audit (`audit.package.audit_package`: the client's documents, or the
authority's) is kept with it, encrypted at rest, with the SHA-256 of the ZIP and the manifest it
carries; the DPO is reminded of the on-site date 30 and 7 days before (`send_inspection_reminders`, a
daily job).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from registre.core.documents.dates import format_long_date
from registre.core.documents.package import MANIFEST
from registre.core.inspections import AuditRefused, AuditTerms, check_audit, reminder_dates
from registre.web.accounts.permissions import require
from registre.web.audit.actions import record
from registre.web.audit.package import audit_package
from registre.web.clients.models import Client
from registre.web.inspections.models import Inspection
from registre.web.policy import current_policy
from registre.web.requests.storage import files_dir
from registre.web.vault.files import decrypt_stream, encrypt_file


class InspectionError(ValueError):
    """A change the audits refuse, with a message for the person who asked."""


def schedule_inspection(
    actor: Any,
    *,
    by: str,
    auditor: str,
    requested_on: dt.date,
    onsite_on: dt.date,
    client: Client | None = None,
    trigger: str = "routine",
    trigger_reference: str = "",
    scope: str = "",
) -> Inspection:
    """Schedule an audit by `client` (or the authority when `by` is "authority"), under the notice and limit."""
    require(actor, "inspections.manage", client)
    if (by == "client") != (client is not None):
        raise InspectionError(_("A client's audit names the client; the authority's names none."))
    if trigger != "routine" and not trigger_reference.strip():
        raise InspectionError(_("Name the breach or the demand that the audit follows."))
    with transaction.atomic():
        past = [] if client is None else _past_audits(client)
        try:
            schedule = check_audit(
                by=by,  # type: ignore[arg-type]
                trigger=trigger,  # type: ignore[arg-type]
                requested_on=requested_on,
                onsite_on=onsite_on,
                past=past,
                terms=_terms(client),
            )
        except AuditRefused as error:
            raise InspectionError(refusal_message(error)) from None
        found = Inspection.objects.create(
            reference=_next_reference(onsite_on.year),
            by=by,
            client=client,
            trigger=trigger,
            trigger_reference=trigger_reference.strip(),
            auditor=auditor.strip(),
            scope=scope.strip(),
            requested_on=requested_on,
            onsite_on=onsite_on,
            notice_on=schedule.notice_on,
            recorded_by=_user(actor),
        )
        record(actor, "inspection.scheduled", details=_details(found))
    return found


def close_inspection(found: Inspection, actor: Any, *, status: str) -> Inspection:
    """Record that the audit took place (`done`) or was called off (`cancelled`): a cancelled one counts no more."""
    require(actor, "inspections.manage", found)
    if status not in (Inspection.Status.DONE, Inspection.Status.CANCELLED):
        raise InspectionError(_("Unknown status."))
    if found.status != Inspection.Status.SCHEDULED:
        raise InspectionError(_("This audit is already closed."))
    with transaction.atomic():
        found.status = status
        found.save(update_fields=["status"])
        record(actor, f"inspection.{status}", details=_details(found))
    return found


def keep_package(found: Inspection, actor: Any, *, lang: str = "fr") -> Inspection:
    """Build the audit package for this audit (its client's, or the authority's) and keep it with the audit."""
    require(actor, "inspections.manage", found)
    require(actor, "audit.export")
    policy = current_policy()
    if policy is None:
        raise InspectionError(_("The policy is missing or has errors: run `registre check`."))
    content = audit_package(policy, actor, lang="en" if lang == "en" else "fr", client=found.client)
    stored_as = f"{uuid.uuid4().hex}.zip.rgf"
    encrypt_file([content], package_file(stored_as))
    with transaction.atomic():
        previous = found.package_stored_as
        found.package_stored_as, found.package_built_at = stored_as, timezone.now()
        found.package_sha256 = hashlib.sha256(content).hexdigest()
        found.package_manifest = json.loads(zipfile.ZipFile(io.BytesIO(content)).read(MANIFEST))
        found.save(update_fields=["package_stored_as", "package_built_at", "package_sha256", "package_manifest"])
        record(
            actor,
            "inspection.package_kept",
            counts={"files": len(found.package_manifest.get("files", []))},
            details={**_details(found), "sha256": found.package_sha256},
        )
    if previous:  # the new package replaces it; the audit log keeps the digest of both
        package_file(previous).unlink(missing_ok=True)
    return found


def open_package(found: Inspection) -> Iterator[bytes]:
    """The kept package's bytes, decrypted as they stream; FileNotFoundError when none is kept."""
    if not found.package_stored_as:
        raise FileNotFoundError(found.reference)
    return decrypt_stream(package_file(found.package_stored_as))


def package_file(stored_as: str) -> Path:
    return files_dir("inspections") / stored_as


def send_inspection_reminders(today: dt.date | None = None) -> int:
    """E-mail the DPO the scheduled audits whose reminder date (30 and 7 days before) has come, once each."""
    today = today or timezone.localdate()
    due = []
    for found in Inspection.objects.filter(status="scheduled", onsite_on__gte=today).select_related("client"):
        moments = [
            str(day) for day in reminder_dates(found.onsite_on) if day <= today and str(day) not in found.reminded_on
        ]
        if moments:
            due.append((found, moments))
    policy = current_policy()
    dpo = policy.organisation.contacts.dpo if policy else None
    if not due or dpo is None or not dpo.email:
        return 0
    with transaction.atomic():
        for found, moments in due:
            found.reminded_on = sorted({*found.reminded_on, *moments})
            found.save(update_fields=["reminded_on"])
        record("system", "inspection.reminded", counts={"audits": len(due)})
        EmailMessage(*_reminder(due, settings.LANGUAGE_CODE), settings.DEFAULT_FROM_EMAIL, [dpo.email]).send()
    return len(due)


def _reminder(due: list[tuple[Inspection, list[str]]], lang: str) -> tuple[str, str]:
    with translation.override(lang):
        subject = _("Audits coming: %(count)s") % {"count": len(due)}
        lines = [
            _("- %(reference)s, %(who)s, on site on %(date)s (auditor: %(auditor)s)")
            % {
                "reference": found.reference,
                "who": found.client.name if found.client else found.get_by_display(),
                "date": format_long_date(found.onsite_on, lang[:2]),
                "auditor": found.auditor,
            }
            for found, _moments in due
        ]
        body = _("Audits to prepare (keep their package with them):\n\n%(lines)s\n") % {"lines": "\n".join(lines)}
    return subject, body


def refusal_message(error: AuditRefused) -> str:
    """The core's refusal, in the active language."""
    lang = (translation.get_language() or "fr")[:2]
    params = {
        key: format_long_date(value, lang) if isinstance(value, dt.date) else value
        for key, value in error.params.items()
    }
    messages = {
        "date_order": _("The on-site date comes before the request."),
        "date_range": _("Give dates between %(first)s and %(last)s."),
        "short_notice": _(
            "The agreement requires %(days)s days' notice before an on-site audit: the earliest on-site date "
            "for this request is %(earliest)s."
        ),
        "yearly_limit": _(
            "The agreement allows %(per_year)s routine on-site audit(s) within 12 months, and one is on "
            "%(previous)s. An audit that follows a breach or an authority's demand is not limited."
        ),
    }
    return messages[error.code] % params


def _past_audits(client: Client) -> list[Any]:
    found = Inspection.objects.select_for_update().filter(client=client, by="client").exclude(status="cancelled")
    return [item.past_audit() for item in found]


def _terms(client: Client | None) -> AuditTerms:
    policy = current_policy()
    if client is None or policy is None:
        return AuditTerms()
    declared = next((item for item in policy.clients.values() if item.tenant == client.tenant), None)
    return AuditTerms.of(declared.agreement if declared is not None else None)


def _details(found: Inspection) -> dict[str, Any]:
    return {
        "inspection": found.reference,
        "by": found.by,
        "client_id": found.client_id,
        "trigger": found.trigger,
        "onsite_on": found.onsite_on.isoformat(),
    }


def _next_reference(year: int) -> str:
    last = (
        Inspection.objects.select_for_update()
        .filter(reference__startswith=f"AU-{year}-")
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"AU-{year}-{number:04d}"


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None
