"""The breach register in the console: declaring, the clocks shown, documents FR/EN, the register's export."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from registre.web.breaches import actions
from registre.web.breaches.models import Breach

from .conftest import declare

pytestmark = pytest.mark.django_db


def text_of(pdf: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def test_the_dpo_declares_a_breach_through_the_form(workspace, clients, dpo, client_for):
    aware = timezone.localtime() - dt.timedelta(hours=3)
    response = client_for(dpo).post(
        "/console/breaches/declare/",
        {
            "title": "Stolen laptop",
            "aware_at": f"{aware:%Y-%m-%dT%H:%M}",
            "datasets": ["crm.contacts", "platform.tenant_users"],
            "natures": ["confidentiality", "availability"],
            "description": "A support laptop was stolen from a car.",
            "risk": "high",
        },
    )
    breach = Breach.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/console/breaches/{breach.pk}/"
    assert breach.natures == ["confidentiality", "availability"]
    assert breach.affected_clients.count() == len(workspace.report.tenant_ids)


def test_a_declaration_on_an_unknown_dataset_is_shown_again_with_the_error(workspace, dpo, client_for):
    response = client_for(dpo).post(
        "/console/breaches/declare/",
        {"title": "x", "aware_at": "2026-01-01T10:00", "datasets": ["crm.nothing"], "natures": ["integrity"]},
    )
    assert response.status_code == 400 and not Breach.objects.exists()


def test_the_register_and_the_breach_show_the_time_left(workspace, dpo, client_for):
    breach = declare(dpo, ["crm.contacts"], aware_at=timezone.now() - dt.timedelta(hours=60, minutes=30))
    page = client_for(dpo).get("/console/breaches/").content.decode()
    assert breach.reference in page
    assert "11 h 29" in page or "11 h 30" in page
    detail = client_for(dpo).get(f"/console/breaches/{breach.pk}/").content.decode()
    assert "Autorité de contrôle" in detail and "restant" in detail


def test_an_overdue_clock_says_so(workspace, dpo, client_for):
    breach = declare(dpo, ["crm.contacts"], aware_at=timezone.now() - dt.timedelta(hours=80))
    page = client_for(dpo).get(f"/console/breaches/{breach.pk}/").content.decode()
    assert "en retard de 8 h" in page


def test_an_auditor_reads_the_breach_without_the_forms(workspace, dpo, auditor, client_for):
    breach = declare(dpo, ["crm.contacts"])
    page = client_for(auditor).get(f"/console/breaches/{breach.pk}/").content.decode()
    assert breach.title in page and '<form method="post" action="/console/breaches/' not in page


@pytest.mark.parametrize(
    ("kind", "lang", "title"),
    [
        ("authority", "fr", "Notification d’une violation de données à caractère personnel à l’autorité de contrôle"),
        ("authority", "en", "Notification of a personal data breach to the supervisory authority"),
        ("people", "fr", "Information sur une violation de données à caractère personnel"),
        ("record", "en", "Record of a personal data breach"),
    ],
)
def test_each_document_is_a_pdf_in_the_language_asked(workspace, dpo, client_for, kind, lang, title):
    breach = declare(dpo, ["crm.contacts"], risk="high")
    response = client_for(dpo).get(f"/console/breaches/{breach.pk}/documents/{kind}/?lang={lang}")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert title in text_of(response.content)


def test_the_client_notice_needs_a_client_of_the_breach(workspace, clients, dpo, client_for):
    breach = declare(dpo, ["platform.tenant_messages"])
    affected = breach.affected_clients.first()
    url = f"/console/breaches/{breach.pk}/documents/client/"
    assert client_for(dpo).get(url).status_code == 404
    response = client_for(dpo).get(f"{url}?client={affected.pk}&lang=en&format=html")
    assert response.status_code == 200 and affected.client.name in response.content.decode()


def test_the_notice_to_the_authority_carries_the_facts_of_the_form(workspace, dpo, client_for):
    breach = declare(dpo, ["crm.contacts"], subject_count=1250, record_count=4100)
    html = client_for(dpo).get(f"/console/breaches/{breach.pk}/documents/authority/?format=html").content.decode()
    for expected in (
        "Nature de la violation",
        "Perte de confidentialité",
        "1\u202f250",
        "Chronologie",
        breach.reference,
    ):
        assert expected in html


def test_the_register_exports_as_a_workbook_with_every_breach(workspace, dpo, client_for):
    first = declare(dpo, ["crm.contacts"], aware_at=timezone.now() - dt.timedelta(days=3))
    actions.record_notification(first, dpo, recipient="authority", sent_at=timezone.now(), late_reasons="Weekend.")
    second = declare(dpo, ["crm.invoices"], risk="none", title="Wrong invoice sent")
    response = client_for(dpo).get("/console/breaches/export/?format=xlsx&lang=fr")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    references = [row[0] for row in values]
    assert references.index(first.reference) < references.index(second.reference)
    first_row = values[references.index(first.reference)]
    assert "en retard" in first_row[8]
    assert values[references.index(second.reference)][8] == "Non due"


def test_the_register_exports_as_a_pdf(workspace, dpo, client_for):
    breach = declare(dpo, ["crm.contacts"])
    response = client_for(dpo).get("/console/breaches/export/?format=pdf&lang=en")
    assert response["Content-Type"] == "application/pdf"
    text = text_of(response.content)
    assert "Register of personal data breaches" in text and breach.reference in text


def test_an_unknown_export_format_or_document_is_not_found(workspace, dpo, client_for):
    breach = declare(dpo, ["crm.contacts"])
    assert client_for(dpo).get("/console/breaches/export/?format=docx").status_code == 404
    assert client_for(dpo).get(f"/console/breaches/{breach.pk}/documents/memo/").status_code == 404


def test_a_late_notification_without_reasons_is_refused_in_the_console(workspace, dpo, client_for):
    breach = declare(dpo, ["crm.contacts"], aware_at=timezone.now() - dt.timedelta(hours=90))
    response = client_for(dpo).post(
        f"/console/breaches/{breach.pk}/notify/",
        {"recipient": "authority", "sent_at": f"{timezone.localtime():%Y-%m-%dT%H:%M}"},
    )
    assert response.status_code == 400 and not breach.notifications.exists()
    assert "motifs du retard" in response.content.decode()


def test_the_assessment_is_saved_from_the_console(workspace, dpo, client_for):
    breach = declare(dpo, ["crm.contacts"])
    response = client_for(dpo).post(
        f"/console/breaches/{breach.pk}/edit/",
        {"title": breach.title, "natures": ["integrity"], "description": "Rows altered.", "risk": "high"},
    )
    breach.refresh_from_db()
    assert response.status_code == 302 and breach.risk == "high" and breach.natures == ["integrity"]


def test_notifying_the_clients_from_the_console_sends_their_notices(workspace, clients, dpo, client_for, mailoutbox):
    breach = declare(dpo, ["platform.tenant_messages"])
    response = client_for(dpo).post(f"/console/breaches/{breach.pk}/notify-clients/", {})
    assert response.status_code == 302
    assert len(mailoutbox) == breach.affected_clients.count()


def test_closing_keeps_the_breach_in_the_register(workspace, dpo, client_for):
    breach = declare(dpo, ["crm.contacts"])
    client_for(dpo).post(f"/console/breaches/{breach.pk}/close/")
    breach.refresh_from_db()
    assert breach.closed_at is not None
    assert breach.reference in client_for(dpo).get("/console/breaches/").content.decode()
