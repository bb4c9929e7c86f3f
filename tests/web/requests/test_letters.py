"""Letters: in the person's language, kept encrypted with the request, recorded, and emailed; notices to clients."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection
from django.utils import translation

from registre.web.audit.models import AuditEntry
from registre.web.policy import current_policy
from registre.web.requests import actions
from registre.web.requests.letters import client_notice, person_letter, send_letter, summary_lines
from registre.web.requests.models import Transition

pytestmark = pytest.mark.django_db


def new_request(workspace, lang="en", **options):
    return actions.create_request(
        kind=options.pop("kind", "access"),
        channel="email",
        email=workspace.sample(1)["email"],
        name="Marie Curie",
        lang=lang,
        actor="system",
        **options,
    )


@pytest.mark.parametrize(
    ("lang", "subject"), [("en", "Your withdrawal of consent"), ("fr", "Votre retrait de consentement")]
)
def test_own_letters_have_the_letterhead_and_the_persons_language(workspace, lang, subject):
    request = new_request(workspace, lang=lang, kind="withdraw_consent")
    letter = person_letter(request, "withdrawal", current_policy())
    assert letter.subject == subject and letter.to == workspace.sample(1)["email"]
    assert "Hugo LEROY" in letter.text and "Marie Curie" in letter.html  # signed by the DPO, addressed
    assert "<html" in letter.html


def test_core_letters_come_from_the_documents(workspace):
    request = new_request(workspace)
    letter = person_letter(request, "refusal", current_policy(), reason="Not the account holder.")
    assert "Not the account holder." in letter.text and "CNIL" in letter.text


def test_an_unknown_letter_is_refused(workspace):
    with pytest.raises(ValueError):
        person_letter(new_request(workspace), "poem", current_policy())


def test_sending_keeps_the_letter_encrypted_records_it_and_emails_it(workspace):
    request = new_request(workspace)
    letter = person_letter(request, "refusal", current_policy(), reason="Not the account holder.")
    row = send_letter(request, letter, current_policy())
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM requests_letter WHERE id = %s", [row.pk])
        assert "Not the account holder" not in cursor.fetchone()[0]
    assert row.text == letter.text
    assert request.transitions.filter(event=Transition.Event.LETTER).exists()
    entry = AuditEntry.objects.get(action="request.letter_sent")
    assert entry.details["letter"] == "refusal" and entry.subject_ref == request.subject_ref
    sent = mail.outbox[-1]
    assert sent.reply_to == ["privacy@nuage-exemple.fr"] and sent.alternatives[0][1] == "text/html"


def test_a_client_notice_is_in_the_clients_language_and_says_what_to_answer(workspace, demo_clients):
    request = new_request(workspace, lang="fr", kind="rectification", details={"changes": {"job_title": "CTO"}})
    client = demo_clients[0]  # English-speaking
    notice = client_notice(request, client, current_policy(), "client_notice")
    assert notice.to == client.contact_email and notice.lang == "en"
    assert request.reference in notice.subject and "instruction" in notice.subject
    assert "job_title" in notice.text and "CTO" in notice.text and workspace.sample(1)["email"] in notice.text
    assert "Article 28(3)(e)" in notice.text


def test_the_summary_of_an_execution_for_a_client():
    translation.activate("en")
    access = {"parts": [{"action": "access", "datasets": {"platform.tenant_users": 1, "platform.tenant_messages": 0}}]}
    assert summary_lines(access) == ["platform.tenant_users: 1 record(s) exported"]
    erasure = {
        "parts": [
            {
                "action": "erase",
                "systems": [
                    {
                        "datasets": [
                            {"system": "platform", "dataset": "tenant_users", "deleted": 1, "anonymised": 0, "kept": 0}
                        ]
                    }
                ],
            }
        ]
    }
    assert summary_lines(erasure) == ["platform.tenant_users: 1 deleted, 0 anonymised, 0 kept"]
    assert summary_lines({}) == ["No record of the person was found."]
    translation.deactivate()
