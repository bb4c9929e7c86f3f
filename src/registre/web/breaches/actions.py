"""Every change of state of the breach register: declaring, assessing, notifying, reminding, closing.

Each change is one transaction with its audit entry. Notifying clients sends
each affected client its notice by e-mail (in its language, the PDF attached)
and records it; a failure to send leaves that client unnotified.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from registre.core.breaches import NATURES, RISKS, Clock, derive_scope, find_tenants, require_delay_reasons
from registre.core.breaches import crossed_reminders as crossed
from registre.core.documents.breach import ClientShare, render_breach_document
from registre.core.policy import Policy
from registre.core.sources import SourceError
from registre.web.accounts.permissions import require
from registre.web.audit.actions import record
from registre.web.breaches.models import AffectedClient, Breach, Notification
from registre.web.clients.models import Client
from registre.web.policy import current_policy
from registre.web.redaction import redact


class BreachError(ValueError):
    """A change the register refuses, with a message for the person who asked."""


ASSESSMENT_FIELDS = (
    "title",
    "occurred_at",
    "ongoing",
    "discovery",
    "natures",
    "description",
    "cause",
    "subject_count",
    "record_count",
    "consequences",
    "measures_taken",
    "measures_proposed",
    "risk",
    "risk_reasons",
    "delay_reasons",
    "people_exemption",
)


def require_policy() -> Policy:
    policy = current_policy()
    if policy is None:
        raise BreachError(_("The policy is missing or has errors: run `registre check`."))
    return policy


def declare_breach(actor: Any, *, title: str, aware_at: dt.datetime, datasets: list[str], **facts: Any) -> Breach:
    """Record a breach on `datasets`; its scope comes from the policy, its clients from the target databases.

    A target database that cannot be read does not stop the declaration (it may be the breach itself):
    the error is kept on the breach and `count_clients` tries again. Raises BreachError for unknown
    datasets, natures or risk, or a moment of awareness in the future.
    """
    require(actor, "breaches.manage")
    policy = require_policy()
    _validate(facts)
    if aware_at > timezone.now():
        raise BreachError(_("The moment of awareness cannot be in the future."))
    try:
        scope = derive_scope(policy, datasets)
    except ValueError as error:
        raise BreachError(str(error)) from None
    tenants, error = _read_tenants(policy, scope)
    with transaction.atomic():
        breach = Breach.objects.create(
            reference=_next_reference(timezone.localdate(aware_at).year),
            title=title,
            aware_at=aware_at,
            datasets=list(scope.datasets),
            systems=list(scope.systems),
            controller_activities=list(scope.controller_activities),
            processor_activities=list(scope.processor_activities),
            subjects=list(scope.subjects),
            categories=list(scope.categories),
            tenant_datasets=list(scope.tenant_datasets),
            client_hours=policy.notices.breach_client_hours,
            clients_error=error,
            declared_by=_user(actor),
            **{name: value for name, value in facts.items() if name in ASSESSMENT_FIELDS},
        )
        _link_clients(breach, tenants)
        record(actor, "breach.declared", details=_summary(breach))
    return breach


def count_clients(breach: Breach, actor: Any) -> Breach:
    """Read the tenants of the breached processor datasets again, and link the clients found (audited)."""
    require(actor, "breaches.manage")
    policy = require_policy()
    tenants, error = _read_tenants(policy, breach.scope())
    with transaction.atomic():
        breach.clients_error = error
        breach.save(update_fields=["clients_error"])
        if not error:
            _link_clients(breach, tenants)
        record(actor, "breach.clients_counted", details=_summary(breach))
    return breach


def update_breach(breach: Breach, actor: Any, **changes: Any) -> Breach:
    """Change the facts or the assessment; audited with the names of the fields changed."""
    require(actor, "breaches.manage")
    _validate(changes)
    changed = sorted(name for name in ASSESSMENT_FIELDS if name in changes and getattr(breach, name) != changes[name])
    if not changed:
        return breach
    with transaction.atomic():
        for name in changed:
            setattr(breach, name, changes[name])
        breach.save(update_fields=changed)
        record(actor, "breach.updated", details={"breach": breach.reference, "fields": changed})
    return breach


def record_notification(
    breach: Breach,
    actor: Any,
    *,
    recipient: str,
    sent_at: dt.datetime,
    channel: str = "",
    reference: str = "",
    details: str = "",
    late_reasons: str = "",
) -> Notification:
    """Record a notification made to the authority or to the people, as the next phase (Art. 33(4)).

    To the authority: a notification after the 72 hours needs the reasons for the delay (Art. 33(1)).
    """
    require(actor, "breaches.manage")
    if recipient not in (Notification.Recipient.AUTHORITY, Notification.Recipient.PEOPLE):
        raise BreachError(_("Clients are notified with “Notify the clients”, which sends them their notice."))
    if sent_at > timezone.now():
        raise BreachError(_("A notification cannot be recorded before it is made."))
    clock = breach.authority_clock() if recipient == Notification.Recipient.AUTHORITY else None
    late_reasons = _late_reasons(clock, sent_at, late_reasons or breach.delay_reasons)
    with transaction.atomic():
        notification = Notification.objects.create(
            breach=breach,
            recipient=recipient,
            phase=_next_phase(breach, recipient),
            sent_at=sent_at,
            channel=channel,
            reference=reference,
            details=details,
            late_reasons=late_reasons,
            recorded_by=_user(actor),
        )
        record(actor, f"breach.{recipient}_notified", details=_notice_details(notification))
    return notification


def notify_clients(breach: Breach, actor: Any, *, details: str = "", late_reasons: str = "") -> list[Notification]:
    """Send each affected client its notice (phase 1, or the next phase when `details` adds to it).

    Without `details`, only the clients not yet notified receive one. Each client's notice is rendered
    in its language, e-mailed to its contact with the PDF, recorded and audited in one transaction.
    """
    require(actor, "breaches.manage")
    policy = require_policy()
    now = timezone.now()
    due = [
        affected
        for affected in breach.affected_clients.select_related("client")
        if details or not breach.notified(Notification.Recipient.CLIENT, affected.client)
    ]
    if not due:
        return []
    late_reasons = _late_reasons(breach.client_clock(), now, late_reasons or breach.delay_reasons)
    sent = []
    for affected in due:
        client = affected.client
        # Rendered before the notification is recorded: the notice numbers its phase after the earlier ones.
        pdf = client_notice(breach, affected, policy, client.language)
        with transaction.atomic():
            notification = Notification.objects.create(
                breach=breach,
                recipient=Notification.Recipient.CLIENT,
                client=client,
                phase=_next_phase(breach, Notification.Recipient.CLIENT, client),
                sent_at=now,
                channel="email",
                details=details,
                late_reasons=late_reasons,
                recorded_by=_user(actor),
            )
            record(actor, "breach.client_notified", details=_notice_details(notification))
            _send_client_notice(breach, client, pdf)
        sent.append(notification)
    return sent


def close_breach(breach: Breach, actor: Any) -> Breach:
    """Close the breach: it stays in the register (Art. 33(5)); its clocks stop reminding."""
    require(actor, "breaches.manage")
    if breach.closed_at is not None:
        return breach
    with transaction.atomic():
        breach.closed_at = timezone.now()
        breach.save(update_fields=["closed_at"])
        record(actor, "breach.closed", details={"breach": breach.reference})
    return breach


def client_share(breach: Breach, affected: AffectedClient) -> ClientShare:
    return ClientShare(affected.client.name, affected.client.tenant, affected.records)


def client_notice(breach: Breach, affected: AffectedClient, policy: Policy, lang: str, fmt: str = "pdf") -> bytes:
    """The notice to one client, numbered after the notifications this client already received."""
    earlier = [
        item.record()
        for item in breach.notifications.filter(recipient="client", client=affected.client).select_related("client")
    ]
    return render_breach_document(
        "client",
        breach.facts(),
        policy,
        lang=lang,  # type: ignore[arg-type]
        fmt=fmt,  # type: ignore[arg-type]
        today=timezone.localdate(),
        tz=timezone.get_current_timezone(),
        notifications=earlier,
        client=client_share(breach, affected),
    )


# --- Reminders to the DPO ------------------------------------------------------------------------------------


def open_clocks(breach: Breach) -> dict[str, Clock]:
    """The clocks of `breach` still running: its notifications owed and not yet made, by name."""
    if breach.closed_at is not None:
        return {}
    owed = breach.duties()
    clocks = {}
    if owed.authority and breach.notified(Notification.Recipient.AUTHORITY) is None:
        clocks["authority"] = breach.authority_clock()
    told = set(breach.notifications.filter(recipient="client").values_list("client_id", flat=True))
    if owed.clients and breach.affected_clients.exclude(client_id__in=told).exists():
        clocks["clients"] = breach.client_clock()
    return clocks


def send_reminders(now: dt.datetime | None = None) -> int:
    """E-mail the DPO for every clock that crossed a reminder threshold since the last run; the number sent."""
    now = now or timezone.now()
    policy = current_policy()
    dpo = policy.organisation.contacts.dpo if policy else None
    recipient = (dpo.email if dpo else None) or (policy.organisation.contacts.requests.email if policy else None)
    count = 0
    for breach in Breach.objects.filter(closed_at__isnull=True):
        for name, clock in open_clocks(breach).items():
            thresholds = crossed(clock, now, breach.reminders.get(name, []))
            if not thresholds:
                continue
            with transaction.atomic():
                breach.reminders[name] = sorted({*breach.reminders.get(name, []), *thresholds}, reverse=True)
                breach.save(update_fields=["reminders"])
                record("system", "breach.reminder_sent", details={"breach": breach.reference, "clock": name})
                if recipient:
                    _send_reminder(breach, name, clock, now, recipient)
            count += 1
    return count


def _send_reminder(breach: Breach, name: str, clock: Clock, now: dt.datetime, recipient: str) -> None:
    left = clock.remaining(now)
    hours = int(left.total_seconds() // 3600)
    with translation.override(settings.LANGUAGE_CODE):
        whom = _("the supervisory authority") if name == "authority" else _("the affected clients")
        if left.total_seconds() > 0:
            subject = _("Breach %(reference)s: %(hours)s hour(s) left to notify %(whom)s")
        else:
            subject = _("Breach %(reference)s: the deadline to notify %(whom)s has passed")
        subject %= {"reference": breach.reference, "hours": hours, "whom": whom}
        body = _(
            "Breach %(reference)s (%(title)s), known since %(aware)s.\n\nDeadline to notify %(whom)s: %(due)s.\n\n"
            "The breach in the console: %(url)s\n"
        ) % {
            "reference": breach.reference,
            "title": breach.title,
            "aware": date_format(timezone.localtime(breach.aware_at), "DATETIME_FORMAT"),
            "whom": whom,
            "due": date_format(timezone.localtime(clock.due_at), "DATETIME_FORMAT"),
            "url": settings.REGISTRE_BASE_URL + reverse("breaches:detail", args=[breach.pk]),
        }
    EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient]).send()


# --- Helpers ------------------------------------------------------------------------------------------------


def _validate(facts: dict[str, Any]) -> None:
    natures = facts.get("natures")
    if natures is not None and (not natures or set(natures) - set(NATURES)):
        raise BreachError(_("Choose the nature of the breach: confidentiality, integrity, availability."))
    if "risk" in facts and facts["risk"] not in RISKS:
        raise BreachError(_("Choose the risk: none, risk or high."))


def _read_tenants(policy: Policy, scope: Any) -> tuple[dict[str, int], str]:
    try:
        return find_tenants(policy, scope), ""
    except SourceError as error:
        return {}, redact(str(error))


def _link_clients(breach: Breach, tenants: dict[str, int]) -> None:
    clients = {client.tenant: client for client in Client.objects.filter(tenant__in=list(tenants))}
    for tenant, count in tenants.items():
        if tenant in clients:
            AffectedClient.objects.update_or_create(breach=breach, client=clients[tenant], defaults={"records": count})
    breach.unknown_tenants = sorted(set(tenants) - set(clients))
    breach.save(update_fields=["unknown_tenants"])


def _late_reasons(clock: Clock | None, sent_at: dt.datetime, reasons: str) -> str:
    if clock is None:
        return ""
    try:
        require_delay_reasons(clock, sent_at, reasons)
    except ValueError:
        if sent_at < clock.started_at:
            raise BreachError(_("A notification cannot precede the awareness of the breach.")) from None
        raise BreachError(_("The notification is late: state the reasons for the delay (Art. 33(1) GDPR).")) from None
    return reasons.strip() if clock.is_late(sent_at) else ""


def _next_phase(breach: Breach, recipient: str, client: Client | None = None) -> int:
    return breach.notifications.filter(recipient=recipient, client=client).count() + 1


def _next_reference(year: int) -> str:
    """B-2026-0007: the next number of the year (the unique reference refuses a duplicate)."""
    last = (
        Breach.objects.select_for_update()
        .filter(reference__startswith=f"B-{year}-")
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"B-{year}-{number:04d}"


def _send_client_notice(breach: Breach, client: Client, pdf: bytes) -> None:
    with translation.override(client.language):
        subject = _("Personal data breach %(reference)s concerning your data") % {"reference": breach.reference}
        body = _(
            "Hello,\n\nAs your processor, we inform you of a personal data breach concerning data we process on "
            "your behalf (Article 33(2) GDPR). The attached notice gives what you need to assess the risk and, if "
            "required, to notify your supervisory authority.\n"
        )
    email = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [client.contact_email])
    email.attach(f"breach-{breach.reference}-{client.tenant}.pdf", pdf, "application/pdf")
    email.send()


def _summary(breach: Breach) -> dict[str, Any]:
    return {
        "breach": breach.reference,
        "datasets": breach.datasets,
        "activities": breach.controller_activities + breach.processor_activities,
        "clients": sorted(breach.affected_clients.values_list("client_id", flat=True)),
        "unknown_tenants": len(breach.unknown_tenants),
        "risk": breach.risk,
    }


def _notice_details(notification: Notification) -> dict[str, Any]:
    return {
        "breach": notification.breach.reference,
        "recipient": notification.recipient,
        "client_id": notification.client_id,
        "phase": notification.phase,
        "late": bool(notification.late_reasons),
    }


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None
