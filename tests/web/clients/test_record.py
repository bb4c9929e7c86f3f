"""The processor record in the console: the application's clients are the controllers it names."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from registre.core.policy import load_policy
from registre.web.accounts.models import StaffScope
from registre.web.clients.actions import ensure_client
from registre.web.clients.record import served_clients

pytestmark = pytest.mark.django_db


def workbook_text(content: bytes) -> str:
    book = load_workbook(io.BytesIO(content))
    return " ".join(str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row if cell)


def test_the_record_names_each_client_of_the_application_with_its_contact(dpo, client_for):
    ensure_client("Fax Express", "tenant-001", "dpo@fax.example")
    ensure_client("Transports Martin", "tenant-002", "rgpd@martin.example")
    response = client_for(dpo).get(reverse("clients:record"), {"lang": "en", "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="registre-processor-en.xlsx"'
    text = workbook_text(response.content)
    assert "Fax Express" in text and "dpo@fax.example" in text
    assert "Transports Martin" in text and "rgpd@martin.example" in text
    assert "Customers of the messaging platform" not in text


def test_a_client_gets_its_own_copy_in_its_language(dpo, client_for):
    mine = ensure_client("Fax Express", "tenant-001", "dpo@fax.example", language="fr")
    ensure_client("Transports Martin", "tenant-002", "rgpd@martin.example")
    response = client_for(dpo).get(reverse("clients:client_record", args=[mine.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Fax Express" in text and "Transports Martin" not in text
    assert "pour le compte du client Fax Express" in " ".join(text.split())


def test_a_client_scoped_agent_gets_a_record_naming_only_their_clients(agent, client_for):
    ensure_client("Mine", "tenant-001", "a@a.example")
    ensure_client("Theirs", "tenant-002", "b@b.example")
    StaffScope.objects.create(user=agent, clients=["tenant-001"])
    text = workbook_text(client_for(agent).get(reverse("clients:record"), {"format": "xlsx"}).content)
    assert "Mine" in text and "Theirs" not in text


def test_without_a_processor_activity_there_is_no_record(dpo, client_for, settings, field_services_policy_path):
    settings.REGISTRE_POLICY = str(field_services_policy_path)
    assert client_for(dpo).get(reverse("clients:record")).status_code == 404


def test_the_policy_completes_a_client_of_the_same_tenant(cloud_host_policy_path):
    from registre.core.policy.model import Client as Declared

    policy = load_policy(cloud_host_policy_path, {})
    declared = Declared.model_validate(
        {"name": "Ancien nom", "tenant": "tenant-001", "contact": {"name": "DUPONT", "email": "old@fax.example"},
         "agreement": {"transfers": "consent"}}
    )  # fmt: skip
    policy = policy.model_copy(update={"clients": {"fax": declared}})
    client = ensure_client("Fax Express", "tenant-001", "dpo@fax.example")
    served = served_clients([client], policy)["tenant-001"]
    assert (served.name, served.contact.name, served.contact.email) == ("Fax Express", "DUPONT", "dpo@fax.example")
    assert served.agreement.transfers == "consent"
