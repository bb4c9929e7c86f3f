"""Every change of state of the register of authorised staff; each one audited in its transaction.

Ending a mission deactivates the person's console account and revokes its API tokens in the same
transaction as the record: access ends with the mission, or neither changes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from registre.core.designation import check_scopes
from registre.web.accounts.models import ApiToken
from registre.web.accounts.permissions import require
from registre.web.audit.actions import record
from registre.web.authorised.models import AuthorisedPerson
from registre.web.policy import current_policy


class AuthorisationError(ValueError):
    """A change the register refuses, with a message for the person who asked."""


def designate(
    actor: Any,
    *,
    full_name: str,
    job_title: str,
    designated_on: dt.date,
    activities: list[str],
    systems: list[str],
    user: User | None = None,
) -> AuthorisedPerson:
    """Add a person to the register, with the activities and systems of the policy they may reach."""
    require(actor, "authorised.manage")
    policy = current_policy()
    if policy is None:
        raise AuthorisationError(_("The policy is missing or has errors: run `registre check`."))
    try:
        check_scopes(policy, activities, systems)
    except ValueError as error:
        raise AuthorisationError(str(error)) from None
    if user is not None and AuthorisedPerson.objects.filter(user=user).exists():
        raise AuthorisationError(_("This console account is already linked to an authorised person."))
    with transaction.atomic():
        person = AuthorisedPerson.objects.create(
            full_name=full_name.strip(),
            job_title=job_title.strip(),
            designated_on=designated_on,
            activities=activities,
            systems=systems,
            user=user,
        )
        record(actor, "authorised.designated", details=_details(person))
    return person


DATES = {"designation": "designation_signed_on", "confidentiality": "confidentiality_signed_on"}


def record_signature(person: AuthorisedPerson, actor: Any, *, document: str, on: dt.date) -> AuthorisedPerson:
    """Record the day the person signed the designation or the confidentiality undertaking."""
    require(actor, "authorised.manage")
    if document not in DATES:
        raise AuthorisationError(_("Unknown document."))
    _refuse_future(on)
    with transaction.atomic():
        setattr(person, DATES[document], on)
        person.save(update_fields=[DATES[document]])
        record(actor, f"authorised.{document}_signed", details={**_details(person), "on": on.isoformat()})
    return person


def record_training(person: AuthorisedPerson, actor: Any, *, on: dt.date) -> AuthorisedPerson:
    """Record a training: the next one is due a year later."""
    require(actor, "authorised.manage")
    _refuse_future(on)
    with transaction.atomic():
        person.last_trained_on = on
        person.save(update_fields=["last_trained_on"])
        record(actor, "authorised.trained", details={**_details(person), "due": person.training_due.isoformat()})
    return person


def end_mission(person: AuthorisedPerson, actor: Any, *, on: dt.date | None = None) -> AuthorisedPerson:
    """End the mission: in one transaction, record the date, deactivate the console account, revoke its tokens."""
    require(actor, "authorised.manage")
    if person.mission_ended_on is not None:
        raise AuthorisationError(_("This mission has already ended."))
    on = on or timezone.localdate()
    with transaction.atomic():
        person.mission_ended_on = on
        person.save(update_fields=["mission_ended_on"])
        revoked = 0
        if person.user is not None:
            User.objects.filter(pk=person.user_id).update(is_active=False)
            revoked = ApiToken.objects.filter(owner_id=person.user_id, revoked_at__isnull=True).update(
                revoked_at=timezone.now()
            )
        record(
            actor,
            "authorised.mission_ended",
            counts={"tokens_revoked": revoked},
            details={**_details(person), "on": on.isoformat(), "account_deactivated": person.user_id is not None},
        )
    return person


def send_training_reminders(today: dt.date | None = None) -> int:
    """E-mail the DPO the people whose training is due within 30 days or overdue, once per due date."""
    today = today or timezone.localdate()
    due = [
        person
        for person in AuthorisedPerson.objects.filter(mission_ended_on__isnull=True)
        if person.training_status(today) in ("soon", "overdue") and person.reminded_for != person.training_due
    ]
    policy = current_policy()
    dpo = policy.organisation.contacts.dpo if policy else None
    if not due or dpo is None or not dpo.email:
        return 0
    with transaction.atomic():
        for person in due:
            person.reminded_for = person.training_due
            person.save(update_fields=["reminded_for"])
        record("system", "authorised.training_reminded", counts={"people": len(due)})
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("Data protection training due for %(count)s authorised person(s)") % {"count": len(due)}
            lines = [f"- {person.full_name}: {date_format(person.training_due, 'DATE_FORMAT')}" for person in due]
            body = _("Training due (at least once a year):\n\n%(lines)s\n") % {"lines": "\n".join(lines)}
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [dpo.email]).send()
    return len(due)


def _refuse_future(on: dt.date) -> None:
    if on > timezone.localdate():
        raise AuthorisationError(_("This date is in the future."))


def _details(person: AuthorisedPerson) -> dict[str, Any]:
    # The register's number and the account's id: the audit log carries no name.
    return {"person": person.pk, "user_id": person.user_id}
