"""Previewing a refusal or an extension letter before sending it: the person's letter, in their language, not sent."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from registre.web.requests import actions
from registre.web.requests.models import Letter

pytestmark = pytest.mark.django_db


def a_request(workspace, lang="fr"):
    request = actions.create_request(
        kind="access", channel="email", email=workspace.sample(1)["email"], actor="system", lang=lang
    )
    actions.verify_identity(request, "system", method="manual")
    return request


def test_a_refusal_letter_is_previewed_with_the_reason_and_not_sent(workspace, agent, client_for):
    request = a_request(workspace)
    mail.outbox.clear()
    url = reverse("requests:letter-preview", args=[request.reference, "refusal"])
    page = client_for(agent).post(url, {"reason": "Demande manifestement infondée."})
    assert page.status_code == 200
    text = page.content.decode()
    assert "Demande manifestement infondée." in text and "pas envoyée" in text
    assert not Letter.objects.filter(request=request).exists() and mail.outbox == []


def test_an_extension_letter_gives_the_new_deadline(workspace, agent, client_for):
    request = a_request(workspace, lang="en")
    url = reverse("requests:letter-preview", args=[request.reference, "extension"])
    page = client_for(agent).post(url, {"reason": "Many systems.", "months": "2"}, headers={"accept-language": "en"})
    assert page.status_code == 200 and "Many systems." in page.content.decode()


def test_the_request_page_offers_the_preview(workspace, agent, client_for):
    request = a_request(workspace)
    page = client_for(agent).get(reverse("requests:detail", args=[request.reference])).content.decode()
    assert reverse("requests:letter-preview", args=[request.reference, "refusal"]) in page


def test_an_auditor_cannot_preview_and_an_unknown_letter_is_not_found(workspace, agent, auditor, client_for):
    request = a_request(workspace)
    url = reverse("requests:letter-preview", args=[request.reference, "refusal"])
    assert client_for(auditor).post(url, {"reason": "x"}).status_code == 403
    other = reverse("requests:letter-preview", args=[request.reference, "nothing"])
    assert client_for(agent).post(other, {"reason": "x"}).status_code == 404
