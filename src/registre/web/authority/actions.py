"""Every change of state of the authority-request register; each one audited in its transaction.

Data are disclosed only when the company is legally compelled (`core.authority.check_disclosure`);
what is disclosed is what the engine's access plan finds for the person (and the client's tenant), as
counts per dataset; the client and the person are told once no prohibition runs (`check_notice`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from registre.core.authority import (
    DisclosureRefused,
    NoticeForbidden,
    check_disclosure,
    check_notice,
    disclosure_summary,
)
from registre.core.engine import Identity, plan_request
from registre.web.accounts.permissions import require
from registre.web.audit.actions import record
from registre.web.authority.models import AuthorityRequest
from registre.web.clients.models import Client
from registre.web.policy import current_policy
from registre.web.retention.actions import place_hold
from registre.web.vault.keys import lookup_hash


class AuthorityError(ValueError):
    """A change the register refuses, with a message for the person who asked."""


def record_request(
    actor: Any,
    *,
    authority: str,
    legal_basis: str,
    data_requested: str,
    compelled: bool,
    received_at: dt.datetime | None = None,
    authority_reference: str = "",
    gag_until: dt.date | None = None,
    gag_basis: str = "",
    email: str = "",
    client: Client | None = None,
) -> AuthorityRequest:
    """Record a request from an authority about a person (their email), a client's data, or both."""
    require(actor, "authority.manage", client)
    if gag_until is not None and not gag_basis.strip():
        raise AuthorityError(_("State the legal basis that forbids telling the client or the person."))
    if received_at is not None and received_at > timezone.now():
        raise AuthorityError(_("This date is in the future."))
    identities = [{"type": "email", "value": email.strip()}] if email.strip() else []
    with transaction.atomic():
        found = AuthorityRequest.objects.create(
            reference=_next_reference(timezone.localdate(received_at or timezone.now()).year),
            authority=authority,
            authority_reference=authority_reference,
            legal_basis=legal_basis,
            received_at=received_at or timezone.now(),
            data_requested=data_requested,
            compelled=compelled,
            gag_until=gag_until,
            gag_basis=gag_basis,
            identities=identities,
            subject_ref=lookup_hash(f"email:{identities[0]['value']}") if identities else "",
            client=client,
            recorded_by=_user(actor),
        )
        record(
            actor,
            "authority_request.recorded",
            subject_ref=found.subject_ref or None,
            details={"request": found.reference, "compelled": compelled, "gag": found.gag_until is not None},
        )
    return found


def plan_disclosure(found: AuthorityRequest, actor: Any) -> AuthorityRequest:
    """Count, with the engine's access plan, the person's rows in every dataset (in the client's tenant if set)."""
    require(actor, "authority.manage", found)
    subject = found.subject()
    if subject is None:
        raise AuthorityError(_("Name the person concerned to plan what would be disclosed."))
    policy = current_policy()
    if policy is None:
        raise AuthorityError(_("The policy is missing or has errors: run `registre check`."))
    plan = plan_request(policy, "access", subject, tenant=found.client.tenant if found.client else None)
    with transaction.atomic():
        found.planned = [item.to_dict() for item in disclosure_summary(plan)]
        found.save(update_fields=["planned"])
        record(actor, "authority_request.planned", subject_ref=found.subject_ref or None, details=_counts(found))
    return found


def disclose(found: AuthorityRequest, actor: Any) -> AuthorityRequest:
    """Record that the planned data were handed over; refused unless the company is legally compelled."""
    require(actor, "authority.manage", found)
    try:
        check_disclosure(compelled=found.compelled)
    except DisclosureRefused:
        raise AuthorityError(_("The company is not legally compelled to answer: no data is disclosed.")) from None
    if found.status != AuthorityRequest.Status.RECEIVED:
        raise AuthorityError(_("This request is already answered."))
    with transaction.atomic():
        found.status, found.disclosed, found.disclosed_at = "disclosed", found.planned, timezone.now()
        found.save(update_fields=["status", "disclosed", "disclosed_at"])
        record(actor, "authority_request.disclosed", subject_ref=found.subject_ref or None, details=_counts(found))
    return found


def refuse(found: AuthorityRequest, actor: Any, *, reason: str) -> AuthorityRequest:
    """Refuse to answer (no legal obligation, or an invalid request), with the reason."""
    require(actor, "authority.manage", found)
    if found.status != AuthorityRequest.Status.RECEIVED:
        raise AuthorityError(_("This request is already answered."))
    if not reason.strip():
        raise AuthorityError(_("State the reason for refusing."))
    with transaction.atomic():
        found.status, found.refusal = "refused", reason.strip()
        found.save(update_fields=["status", "refusal"])
        record(actor, "authority_request.refused", details={"request": found.reference})
    return found


def tell_client(found: AuthorityRequest, actor: Any) -> AuthorityRequest:
    """E-mail the client that an authority asked for its data; refused while the prohibition runs."""
    require(actor, "authority.manage", found)
    if found.client is None:
        raise AuthorityError(_("This request concerns no client."))
    _check_notice(found)
    client = found.client
    with transaction.atomic():
        found.client_told_at = timezone.now()
        found.save(update_fields=["client_told_at"])
        record(actor, "authority_request.client_told", details={"request": found.reference, "client_id": client.pk})
        with translation.override(client.language):
            subject = _("A public authority's request concerning your data (%(reference)s)") % {
                "reference": found.reference
            }
            body = _(
                "Hello,\n\nOn %(date)s, %(authority)s asked us for data that we process on your behalf, under "
                "%(basis)s. Requested: %(data)s.\n%(outcome)s\n"
            ) % {
                "date": date_format(timezone.localdate(found.received_at), "DATE_FORMAT"),
                "authority": found.authority,
                "basis": found.legal_basis,
                "data": found.data_requested,
                "outcome": _outcome(found),
            }
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [client.contact_email]).send()
    return found


def record_person_told(found: AuthorityRequest, actor: Any) -> AuthorityRequest:
    """Record that the person was told (by letter or e-mail); refused while the prohibition runs."""
    require(actor, "authority.manage", found)
    if found.subject() is None:
        raise AuthorityError(_("This request names no person."))
    _check_notice(found)
    with transaction.atomic():
        found.person_told_at = timezone.now()
        found.save(update_fields=["person_told_at"])
        record(
            actor, "authority_request.person_told", subject_ref=found.subject_ref, details={"request": found.reference}
        )
    return found


def hold_data(found: AuthorityRequest, actor: Any) -> AuthorityRequest:
    """Place a case hold on the person and the client's tenant, so that no sweep or erasure removes the data."""
    require(actor, "authority.manage", found)
    require(actor, "retention.hold")
    if found.hold is not None and found.hold.active:
        return found
    identities = [Identity(item["type"], item["value"]) for item in found.identities]
    tenant = found.client.tenant if found.client else ""
    if not identities and not tenant:
        raise AuthorityError(_("Name a person or a client to preserve their data."))
    with transaction.atomic():
        found.hold = place_hold(
            actor, reason="authority", reference=found.reference, identities=identities, tenant=tenant
        )
        found.save(update_fields=["hold"])
        record(actor, "authority_request.held", details={"request": found.reference, "hold": found.hold.pk})
    return found


def _check_notice(found: AuthorityRequest) -> None:
    try:
        check_notice(gag_until=found.gag_until, today=timezone.localdate())
    except NoticeForbidden as error:
        raise AuthorityError(
            _("Telling the client or the person is forbidden until %(date)s.")
            % {"date": date_format(error.until, "DATE_FORMAT")}
        ) from None


def _outcome(found: AuthorityRequest) -> str:
    if found.status == AuthorityRequest.Status.DISCLOSED:
        return _("We were legally compelled to answer and disclosed the data requested.")
    if found.status == AuthorityRequest.Status.REFUSED:
        return _("We refused to answer: %(reason)s") % {"reason": found.refusal}
    return _("We are examining the request.")


def _counts(found: AuthorityRequest) -> dict[str, Any]:
    return {"request": found.reference, "datasets": {item["reference"]: item["rows"] for item in found.planned}}


def _next_reference(year: int) -> str:
    last = (
        AuthorityRequest.objects.select_for_update()
        .filter(reference__startswith=f"A-{year}-")
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"A-{year}-{number:04d}"


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None
