"""render_register: the register in XLSX, CSV, HTML, Markdown and PDF, in French and English."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet
from pypdf import PdfReader

from registre.core.documents import RegisterFormat, render_register
from registre.core.documents.register import build_register
from registre.core.i18n import Lang
from registre.core.policy import Policy, load_policy
from registre.core.policy.model import Client, Role

TODAY = dt.date(2026, 1, 5)


def workbook(policy: Policy, lang: Lang, role: Role = "controller") -> Workbook:
    data = render_register(policy, role=role, lang=lang, fmt="xlsx", today=TODAY)
    return load_workbook(io.BytesIO(data))


def texts(sheet: Worksheet) -> list[str]:
    return [str(cell) for row in sheet.iter_rows(values_only=True) for cell in row if cell is not None]


@pytest.fixture(scope="module")
def french_book(cloud_host: Policy) -> Workbook:
    return workbook(cloud_host, "fr")


@pytest.fixture(scope="module")
def english_book(cloud_host: Policy) -> Workbook:
    return workbook(cloud_host, "en")


@pytest.fixture(scope="module")
def french_pdf_text(cloud_host: Policy) -> str:
    """The French controller register as PDF, rendered once for the module."""
    reader = PdfReader(io.BytesIO(render_register(cloud_host, lang="fr", fmt="pdf", today=TODAY)))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_the_french_workbook_has_the_list_then_one_sheet_per_controller_activity(
    cloud_host: Policy, french_book: Workbook
) -> None:
    book = french_book
    assert book.sheetnames[0] == "Liste des traitements"
    assert len(book.sheetnames) == 1 + len(cloud_host.activities_by_role("controller"))
    assert book.sheetnames[1] == "T-001 Gestion des clients et"
    assert all(len(name) <= 31 for name in book.sheetnames)


def test_the_french_list_sheet_has_the_cnil_headings(french_book: Workbook) -> None:
    values = texts(french_book["Liste des traitements"])
    for heading in (
        "Identification du traitement",
        "Nom du traitement",
        "N° / RÉF",
        "Date de création de la fiche",
        "Dernière mise à jour de la fiche",
        "Finalité du traitement",
        "Données sensibles\u00a0?",
    ):
        assert heading in values
    assert "Coordonnées du délégué à la protection des données (DPO)" in values
    assert "Gestion des clients et des contrats" in values


def test_each_fiche_holds_its_purpose_and_retention(french_book: Workbook) -> None:
    book = french_book
    prospecting = texts(book[next(name for name in book.sheetnames if name.startswith("T-005"))])
    assert "Envoi d'offres commerciales et de la lettre d'information" in prospecting
    assert "3 ans à compter du dernier contact, puis suppression" in prospecting
    assert "Catégories de données personnelles concernées" in prospecting
    contracts = texts(book[book.sheetnames[1]])
    assert "3 ans à compter du dernier contact, puis suppression" not in contracts
    assert "5 ans à compter de la fin du contrat, puis pseudonymisation" in contracts


def test_the_english_workbook_is_in_english(english_book: Workbook) -> None:
    book = english_book
    assert book.sheetnames[0] == "Processing activities"
    fiche = texts(book[book.sheetnames[1]])
    assert "Categories of personal data concerned" in fiche
    assert "5 years from the end of the contract, then pseudonymised" in fiche
    assert book.properties.language == "en-GB"


def test_the_processor_workbook_lists_the_processor_activities(cloud_host: Policy) -> None:
    book = workbook(cloud_host, "fr", role="processor")
    assert book.sheetnames == ["Activités de sous-traitance", "S-001 Hébergement et envoi des"]
    assert "Les clients de la plateforme de messagerie" in texts(book[book.sheetnames[1]])


def test_the_csv_register_opens_in_french_excel(cloud_host: Policy) -> None:
    data = render_register(cloud_host, lang="fr", fmt="csv", today=TODAY)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:2] == ["N° / RÉF", "Nom du traitement"]
    assert {row[0] for row in rows[1:]} == {"T-001", "T-002", "T-003", "T-004", "T-005", "T-006"}


def test_the_english_csv_uses_commas(cloud_host: Policy) -> None:
    data = render_register(cloud_host, lang="en", fmt="csv", today=TODAY)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][0] == "No. / REF"
    assert len({len(row) for row in rows}) == 1


def test_the_html_register_is_a_standalone_french_document(cloud_host: Policy) -> None:
    html = render_register(cloud_host, lang="fr", fmt="html", today=TODAY).decode()
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="fr">' in html
    assert "<style>" in html and "@page" in html
    assert "À jour au 5 janvier 2026" in html
    assert html.count('<section class="fiche"') == 6


def test_the_markdown_processor_register_lists_the_controllers_served(cloud_host: Policy) -> None:
    markdown = render_register(cloud_host, role="processor", lang="en", fmt="md", today=TODAY).decode()
    assert markdown.startswith("# Record of processing activities (processor)")
    assert "### Controllers on whose behalf the processing is carried out" in markdown
    assert "| Controller 1 | Customers of the messaging platform |" in markdown
    assert "Twilio Ireland Limited" in markdown


def test_an_empty_section_reads_as_a_sentence(cloud_host: Policy, french_book: Workbook) -> None:
    billing = texts(french_book[next(name for name in french_book.sheetnames if name.startswith("T-002"))])
    assert "Aucun transfert hors de l’Union européenne" in billing
    markdown = render_register(cloud_host, lang="fr", fmt="md", today=TODAY).decode()
    assert "\n\nAucun transfert hors de l’Union européenne\n" in markdown


def test_the_markdown_register_writes_tables_with_a_heading_row(cloud_host: Policy) -> None:
    markdown = render_register(cloud_host, lang="fr", fmt="md", today=TODAY).decode()
    assert "| Nom du traitement | N° / RÉF |" in markdown
    assert "- **Finalité principale**\u00a0: Gestion de la relation contractuelle avec les clients" in markdown


def test_the_pdf_register_has_the_french_headings(french_pdf_text: str) -> None:
    for heading in (
        "Registre des activités de traitement",
        "Liste des traitements",
        "Finalité principale",
        "Catégories de données personnelles concernées",
        "Durée de conservation",
    ):
        assert heading in french_pdf_text


def test_the_pdf_register_has_an_activity_purpose_and_page_numbers(french_pdf_text: str) -> None:
    assert "Gestion de la relation contractuelle avec les clients" in french_pdf_text
    assert "Page 1 sur" in french_pdf_text
    assert "Nuage Exemple SAS" in french_pdf_text


def test_an_unknown_format_is_refused(cloud_host: Policy) -> None:
    with pytest.raises(ValueError, match="unknown register format"):
        render_register(cloud_host, fmt="docx")  # type: ignore[arg-type]


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "html", "md"])
def test_the_field_services_example_renders_in_every_role_and_language(
    field_services_policy_path: Path, fmt: RegisterFormat
) -> None:
    if not field_services_policy_path.exists():
        pytest.skip("the field-services example is not written yet")
    policy = load_policy(field_services_policy_path, environ={})
    for role in ("controller", "processor"):
        for lang in ("fr", "en"):
            assert render_register(policy, role=role, lang=lang, fmt=fmt, today=TODAY)


def test_the_processor_record_names_each_client_with_its_contact_and_a_client_gets_its_own_copy(
    cloud_host: Policy,
) -> None:
    clients = {
        "acme": Client.model_validate({"name": "Acme Fax SAS", "contact": {"email": "dpo@acme.example"}}),
        "other": Client.model_validate(
            {"name": "Other SA", "activities": ["hosted-messaging"], "agreement": {"transfers": "consent"}}
        ),
    }
    view = build_register(cloud_host, "processor", "en", dt.date(2026, 12, 2), clients=clients)
    (sheet,) = view.sheets
    assert [(served.name, served.contact.email) for served in sheet.controllers] == [
        ("Acme Fax SAS", "dpo@acme.example"),
        ("Other SA", ""),
    ]
    assert sheet.controllers[1].details == (
        "New sub-processors: notice 15 days ahead, objection possible; "
        "transfers outside the EEA: its prior express consent"
    )
    copy = build_register(cloud_host, "processor", "en", dt.date(2026, 12, 2), clients=clients, client="acme")
    assert copy.client == "Acme Fax SAS"
    assert [served.name for served in copy.sheets[0].controllers] == ["Acme Fax SAS"]


def test_each_sheet_names_the_host_of_its_data_and_its_country(cloud_host: Policy) -> None:
    view = build_register(cloud_host, "controller", "fr", dt.date(2026, 12, 2))
    assert {sheet.hosting for sheet in view.sheets} == {("Nuage Exemple SAS (Roubaix), France",)}
    markdown = render_register(cloud_host, role="processor", lang="fr", fmt="md").decode()
    assert "Hébergement des données**\u00a0: Nuage Exemple SAS (Gravelines), France" in markdown
