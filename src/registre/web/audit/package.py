"""The audit package for a client or the authority (`registre audit package`, the console's button).

What an audit needs (SOURCES 20): the register (the controller's, or the processor's for a client), the privacy
notice, the sub-processor annex, the policy in force (its files), the register of authorised staff (role,
scopes, dates: no contact details), the breach register, where each DPIA stands, the deletion certificates, the
log of client instructions, the audit-log extract with its verification; a manifest with the SHA-256 of every
file, signed with the organisation's key (`api.signing`).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from django.db.models import Q
from django.utils import timezone

from registre.core.documents.breach_register import render_breach_register
from registre.core.documents.dpia import render_dpia
from registre.core.documents.notice import render_notice
from registre.core.documents.package import build_manifest, write_package
from registre.core.documents.register import render_register
from registre.core.documents.subprocessors import render_subprocessors
from registre.core.policy import Policy
from registre.core.policy.dpia import assess_dpia
from registre.web.api.signing import certificate_pem, opengdpr_signature
from registre.web.audit.actions import record, verify_chain
from registre.web.audit.export import write_audit_csv
from registre.web.audit.models import AuditEntry
from registre.web.authorised.models import AuthorisedPerson
from registre.web.breaches.export import register_entries
from registre.web.breaches.models import AffectedClient
from registre.web.clients.models import Client, Offboarding
from registre.web.clients.offboarding import open_certificate
from registre.web.dpia.models import DpiaVersion
from registre.web.instructions.export import instruction_log_csv
from registre.web.instructions.models import Instruction
from registre.web.policy import loaded_policy


def audit_package(policy: Policy, actor: object, *, lang: str = "fr", client: Client | None = None) -> bytes:
    """The signed ZIP for `client` (its processor register and certificate) or, without one, the authority."""
    today = timezone.localdate()
    role = "processor" if client else "controller"
    files = {
        f"register-{role}-{lang}.xlsx": render_register(policy, role=role, lang=lang, fmt="xlsx", today=today),  # type: ignore[arg-type]
        f"notice-{lang}.pdf": render_notice(policy, lang=lang, fmt="pdf"),  # type: ignore[arg-type]
        f"subprocessors-{lang}.xlsx": render_subprocessors(policy, lang=lang, fmt="xlsx", today=today),  # type: ignore[arg-type]
        f"breach-register-{lang}.xlsx": _breach_register(policy, lang, client),
        "authorised-staff.csv": _staff_register(),
        "dpia.csv": _dpias(policy),
        **_dpia_documents(policy, lang),
        f"instructions-{lang}.csv": _instructions(lang, client),
        **_policy_files(),
        **_certificates(client),
        **_audit_log(),
    }
    scope = f"client {client.tenant}" if client else "supervisory authority"
    manifest = build_manifest(files, organisation=policy.organisation.name, scope=scope, created=timezone.now())
    content = write_package(files, manifest, opengdpr_signature(manifest), certificate_pem())
    record(actor, "audit.package_built", counts={"files": len(files)}, details={"scope": scope})
    return content


def _breach_register(policy: Policy, lang: str, client: Client | None) -> bytes:
    entries = register_entries()
    if client is not None:  # a client sees the breaches that concerned it
        entries = [entry for entry in entries if client.pk in _concerned(entry.facts.reference)]
    return render_breach_register(entries, policy, lang=lang, fmt="xlsx", today=timezone.localdate())  # type: ignore[arg-type]


def _instructions(lang: str, client: Client | None) -> bytes:
    """The log of client instructions: the client's own, or every client's for the authority."""
    found = Instruction.objects.select_related("client", "request")
    return instruction_log_csv(found.filter(client=client) if client is not None else found, lang)


def _concerned(reference: str) -> set[int]:
    return set(AffectedClient.objects.filter(breach__reference=reference).values_list("client_id", flat=True))


def _staff_register() -> bytes:
    """Role, scopes and dates: an audit checks designations and training, not how to reach the people."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            "name",
            "role",
            "activities",
            "systems",
            "designated_on",
            "designation_signed_on",
            "confidentiality_signed_on",
            "last_trained_on",
            "training_due",
            "mission_ended_on",
        ]
    )
    for person in AuthorisedPerson.objects.order_by("pk"):
        writer.writerow(
            [
                person.full_name,
                person.job_title,
                " ".join(person.activities),
                " ".join(person.systems),
                person.designated_on,
                person.designation_signed_on or "",
                person.confidentiality_signed_on or "",
                person.last_trained_on or "",
                person.training_due,
                person.mission_ended_on or "",
            ]
        )
    return buffer.getvalue().encode("utf-8")


def _dpias(policy: Policy) -> bytes:
    """Where each activity's DPIA stands, with its latest validated version in the console."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        ["activity", "criteria", "status", "done", "review", "consultation", "version", "validated_on", "residual_high"]
    )
    today = timezone.localdate()
    validated = {
        version.activity: version
        for version in DpiaVersion.objects.filter(validated_on__isnull=False).order_by("activity", "version")
    }
    for key in policy.activities:
        found = assess_dpia(policy, key, today)
        version = validated.get(key)
        writer.writerow(
            [
                key,
                " ".join(found.criteria),
                found.status,
                found.done or "",
                found.review or "",
                found.consultation or "",
                version.version if version else "",
                version.validated_on if version else "",
                ("yes" if version.record().residual_high else "no") if version else "",
            ]
        )
    return buffer.getvalue().encode("utf-8")


def _dpia_documents(policy: Policy, lang: str) -> dict[str, bytes]:
    """Every validated version of every DPIA, as the document the authority would read."""
    found = DpiaVersion.objects.filter(validated_on__isnull=False, activity__in=list(policy.activities))
    return {
        f"dpia/dpia-{version.activity}-v{version.version}-{lang}.pdf": render_dpia(
            policy,
            version.record(),
            lang=lang,  # type: ignore[arg-type]
            fmt="pdf",
        )
        for version in found.order_by("activity", "version")
    }


def _policy_files() -> dict[str, bytes]:
    loaded = loaded_policy()
    files = loaded.files if loaded is not None else []
    return {f"policy/{Path(path).name}": Path(path).read_bytes() for path in files}


def _certificates(client: Client | None) -> dict[str, bytes]:
    found = Offboarding.objects.select_related("client").exclude(certificate_stored_as="")
    if client is not None:
        found = found.filter(Q(client=client))
    return {f"certificates/deletion-{item.client.tenant}.pdf": b"".join(open_certificate(item)) for item in found}


def _audit_log() -> dict[str, bytes]:
    buffer = io.StringIO()
    count = write_audit_csv(AuditEntry.objects.order_by("sequence").iterator(chunk_size=2000), buffer)
    problems = verify_chain()
    verdict = "\n".join(str(problem) for problem in problems) or f"OK: {count} entries, hash chain intact"
    return {"audit-log.csv": buffer.getvalue().encode("utf-8"), "audit-log-verification.txt": (verdict + "\n").encode()}
