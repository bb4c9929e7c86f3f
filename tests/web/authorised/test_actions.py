"""The register of authorised staff: designation, training, and the end of a mission that revokes access at once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.db import transaction
from django.utils import timezone

from registre.web.accounts.actions import create_token
from registre.web.accounts.models import ApiToken
from registre.web.audit.models import AuditEntry
from registre.web.authorised import actions
from registre.web.authorised.models import AuthorisedPerson

pytestmark = pytest.mark.django_db


def designate(actor, **changes) -> AuthorisedPerson:
    values = {
        "full_name": "Inès Moreau",
        "job_title": "Support engineer",
        "designated_on": dt.date(2026, 1, 5),
        "activities": ["support"],
        "systems": ["crm"],
    }
    values.update(changes)
    return actions.designate(actor, **values)


def test_a_mission_that_ends_takes_the_console_access_and_the_tokens_with_it(dpo, agent, client_for):
    person = designate(dpo, user=agent)
    token, _raw = create_token(agent, "ops", ["requests.view"])
    browser = client_for(agent)
    assert browser.get("/console/").status_code == 200
    actions.end_mission(person, dpo, on=timezone.localdate())
    agent.refresh_from_db()
    token.refresh_from_db()
    assert not agent.is_active and token.revoked_at is not None
    assert browser.get("/console/").status_code == 302  # the session no longer authenticates
    entry = AuditEntry.objects.get(action="authorised.mission_ended")
    assert entry.counts == {"tokens_revoked": 1} and entry.details["account_deactivated"] is True
    assert "Inès" not in str(entry.details)


def test_the_end_of_a_mission_is_one_transaction(dpo, agent, monkeypatch):
    person = designate(dpo, user=agent)
    create_token(agent, "ops", ["requests.view"])

    def broken(*args, **kwargs):
        raise RuntimeError("the audit log is unavailable")

    monkeypatch.setattr(actions, "record", broken)
    with pytest.raises(RuntimeError), transaction.atomic():
        actions.end_mission(person, dpo)
    person.refresh_from_db()
    assert person.mission_ended_on is None
    assert User.objects.get(pk=agent.pk).is_active
    assert not ApiToken.objects.filter(owner=agent, revoked_at__isnull=False).exists()


def test_a_person_without_an_account_ends_their_mission_too(dpo):
    person = actions.end_mission(designate(dpo), dpo, on=dt.date(2026, 6, 30))
    assert person.mission_ended_on == dt.date(2026, 6, 30) and person.training_status() == "ended"
    with pytest.raises(actions.AuthorisationError):
        actions.end_mission(person, dpo)


def test_scopes_come_from_the_policy(dpo):
    with pytest.raises(actions.AuthorisationError, match="marketing"):
        designate(dpo, activities=["marketing"])


def test_an_account_links_to_one_person_only(dpo, agent):
    designate(dpo, user=agent)
    with pytest.raises(actions.AuthorisationError):
        designate(dpo, user=agent, full_name="Someone else")


def test_a_training_moves_the_due_date_a_year_on(dpo):
    person = actions.record_training(designate(dpo), dpo, on=dt.date(2026, 3, 2))
    assert person.training_due == dt.date(2027, 3, 2)
    with pytest.raises(actions.AuthorisationError):
        actions.record_training(person, dpo, on=timezone.localdate() + dt.timedelta(days=1))


def test_signatures_are_recorded_and_audited(dpo):
    person = designate(dpo)
    actions.record_signature(person, dpo, document="designation", on=dt.date(2026, 1, 6))
    actions.record_signature(person, dpo, document="confidentiality", on=dt.date(2026, 1, 6))
    person.refresh_from_db()
    assert person.designation_signed_on == person.confidentiality_signed_on == dt.date(2026, 1, 6)
    actions_logged = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"authorised.designated", "authorised.designation_signed", "authorised.confidentiality_signed"} <= (
        actions_logged
    )


def test_the_dpo_is_reminded_once_per_due_date(dpo):
    today = timezone.localdate()
    due_soon = designate(dpo, full_name="A")
    actions.record_training(due_soon, dpo, on=today - dt.timedelta(days=350))
    designate(dpo, full_name="B", designated_on=today)  # never trained: due today
    fine = designate(dpo, full_name="C")
    actions.record_training(fine, dpo, on=today)
    assert actions.send_training_reminders(today) == 2
    assert actions.send_training_reminders(today) == 0
    [message] = mail.outbox
    assert message.to == ["dpo@nuage-exemple.fr"] and "- A:" in message.body and "- C:" not in message.body
    assert f"- B: {in_french(today)}" in message.body


def test_an_agent_may_not_designate(agent):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        designate(agent)


def in_french(day: dt.date) -> str:
    """« 2 décembre 2026 »: the one date format of French pages and e-mails."""
    months = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ]
    return f"{day.day} {months[day.month - 1]} {day.year}"
