"""The console's DPIA pages: the list of activities, a version's page, its forms and its documents."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from registre.web.audit.models import AuditEntry
from registre.web.dpia import actions
from registre.web.dpia.models import DpiaVersion

pytestmark = pytest.mark.django_db


def risk_form(severity: int = 2, likelihood: int = 2, **texts: str) -> dict[str, str]:
    data = {"context": "Tickets du support", "principles": "", "review_on": "2027-12-01"}
    for kind in ("illegitimate_access", "unwanted_modification", "disappearance"):
        for name in ("severity", "likelihood"):
            data[f"{kind}-{name}"] = "2"
        data[f"{kind}-residual_severity"] = str(severity)
        data[f"{kind}-residual_likelihood"] = str(likelihood)
    data.update(texts)
    return data


def test_the_list_shows_each_activity_and_creates_a_version(dpo, client_for):
    browser = client_for(dpo)
    page = browser.get("/console/dpia/")
    assert page.status_code == 200 and "support" in page.content.decode()
    response = browser.post("/console/dpia/new/", {"activity": "support"})
    version = DpiaVersion.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/console/dpia/{version.pk}/"


def test_the_whole_cycle_from_draft_to_consultation(dpo, client_for):
    browser = client_for(dpo)
    version = actions.create_version(dpo, "support")
    base = f"/console/dpia/{version.pk}"
    assert (
        browser.post(f"{base}/assess/", risk_form(3, 4, **{"disappearance-threats": "Rançongiciel"})).status_code == 302
    )
    today = timezone.localdate().isoformat()
    validation = {"name": "Hugo Leroy", "role": "dpo", "on": today, "opinion": "Favorable"}
    assert browser.post(f"{base}/validate/", validation).status_code == 302
    page = browser.get(f"{base}/").content.decode()
    assert "dpia: {" in page and "version: 1}" in page  # the entry to copy into the policy
    consultation = {"sent_on": today, "reference": "CNIL-2026-42", "answered_on": "", "answer": ""}
    assert browser.post(f"{base}/consultation/", consultation).status_code == 302
    version.refresh_from_db()
    assert version.validated_by == "Hugo Leroy" and version.consultation_reference == "CNIL-2026-42"
    assert version.record().risk("disappearance").threats == "Rançongiciel"
    actions_logged = list(
        AuditEntry.objects.filter(action__startswith="dpia.").order_by("sequence").values_list("action", flat=True)
    )
    assert actions_logged == ["dpia.created", "dpia.assessed", "dpia.validated", "dpia.consultation_recorded"]


def test_a_level_outside_the_scale_is_refused_by_the_form(dpo, client_for):
    version = actions.create_version(dpo, "support")
    response = client_for(dpo).post(f"/console/dpia/{version.pk}/assess/", risk_form(5, 2))
    assert response.status_code == 400
    assert not AuditEntry.objects.filter(action="dpia.assessed").exists()


def test_a_consultation_without_a_high_risk_is_refused_with_a_message(dpo, client_for):
    browser = client_for(dpo)
    version = actions.create_version(dpo, "support")
    today = timezone.localdate().isoformat()
    browser.post(f"/console/dpia/{version.pk}/validate/", {"name": "H", "role": "dpo", "on": today})
    response = browser.post(f"/console/dpia/{version.pk}/consultation/", {"sent_on": today}, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 400
    assert "consultation préalable" in response.content.decode()


@pytest.mark.parametrize(("lang", "title"), [("fr", "Analyse d’impact"), ("en", "Data protection impact assessment")])
def test_the_document_of_a_version_in_each_language(dpo, auditor, client_for, lang, title):
    version = actions.create_version(dpo, "support")
    response = client_for(auditor).get(f"/console/dpia/{version.pk}/document/?lang={lang}")
    assert response["Content-Type"] == "application/pdf"
    assert f"dpia-support-v1-{lang}.pdf" in response["Content-Disposition"]
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert title in text


def test_markdown_and_html_documents_and_unknown_formats(dpo, client_for):
    version = actions.create_version(dpo, "support")
    browser = client_for(dpo)
    markdown = browser.get(f"/console/dpia/{version.pk}/document/?lang=en&format=md")
    assert markdown.content.decode().startswith("# Data protection impact assessment")
    assert browser.get(f"/console/dpia/{version.pk}/document/?format=html").status_code == 200
    assert browser.get(f"/console/dpia/{version.pk}/document/?format=docx").status_code == 404
    assert browser.get(f"/console/dpia/{version.pk}/document/?lang=de").status_code == 404
