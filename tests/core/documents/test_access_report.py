"""The access report (Art. 15), from the engine run on the demo databases of the cloud-host example."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from registre.core.demo import generate_demo_databases
from registre.core.documents import access_report_renderers, render_access_report, write_access_report
from registre.core.documents.access_report.records import MAX_ROWS, Column, column_widths, display_value, humanise
from registre.core.documents.access_report.view import build_access_report, identity_label
from registre.core.documents.vocabulary import policy_taxonomy
from registre.core.engine import (
    AccessResult,
    DatasetExport,
    ExportedField,
    Subject,
    execute_access,
    write_access_bundle,
)
from registre.core.policy import FieldSpec, Policy, load_policy
from registre.core.sources.catalog import close_catalogs

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "cloud-host" / "registre.yaml"
TODAY = dt.date(2026, 11, 23)
RECEIVED = dt.date(2026, 11, 2)


@dataclasses.dataclass(frozen=True)
class Demo:
    policy: Policy
    person: dict[str, str]
    client_user: dict[str, str]
    subject: Subject
    result: AccessResult


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The demo databases (40 people, 2 clients) and the access result of a CRM contact who is not a client's user."""
    folder = tmp_path_factory.mktemp("access-report")
    urls = {
        "CRM_DATABASE_URL": f"sqlite:///{folder}/crm.sqlite",
        "PLATFORM_DATABASE_URL": f"sqlite:///{folder}/p.sqlite",
    }
    report = generate_demo_databases(urls["CRM_DATABASE_URL"], urls["PLATFORM_DATABASE_URL"], subjects=40, tenants=2)
    policy = load_policy(EXAMPLE, environ=urls)
    person = next(sample for sample in report.sample_contacts if "tenant_id" not in sample)
    subject = Subject.of(f"email={person['email']}", f"phone={person['phone']}")
    yield Demo(policy, person, report.shared_contact, subject, execute_access(policy, subject, today=TODAY))
    close_catalogs()


def render(demo: Demo, **options: Any) -> str:
    options = {"subject": demo.subject, "requester_name": "Marie Picard", "received": RECEIVED, **options}
    return render_access_report(demo.result, demo.policy, **options).decode()


@pytest.fixture(scope="module")
def french(demo: Demo) -> str:
    return render(demo, lang="fr")


@pytest.fixture(scope="module")
def english(demo: Demo) -> str:
    return render(demo, lang="en")


def text_of(html: str) -> str:
    """The page's text, tags removed and entities of apostrophes restored, spaces collapsed."""
    text = re.sub(r"<[^>]+>", " ", html).replace("&#39;", "'").replace("&amp;", "&")
    return re.sub(r"[ \t\r\n]+", " ", text)


def test_the_report_is_a_standalone_page_in_the_person_s_language(french: str) -> None:
    assert french.startswith("<!DOCTYPE html>")
    assert '<html lang="fr">' in french
    assert "<h1>Vos données personnelles</h1>" in french
    assert "Réponse à votre demande d’accès (article 15 du RGPD)" in text_of(french)


def test_it_shows_who_asked_the_identifiers_they_gave_and_who_answers(demo: Demo, french: str) -> None:
    text = text_of(french)
    assert "Demande présentée par Marie Picard" in text
    assert f"Adresse électronique\u00a0: {demo.person['email']}" in text
    assert f"Numéro de téléphone\u00a0: {demo.person['phone']}" in text
    assert "Demande reçue le 2 novembre 2026" in text
    assert "Date de la réponse 23 novembre 2026" in text
    assert "Hugo LEROY" in text and "dpo@nuage-exemple.fr" in text
    assert "Nuage Exemple SAS, SAS au capital de 120 000 €, RCS Lille Métropole 912 345 678" in text


def test_it_shows_the_rows_found_with_labels_categories_and_french_dates(demo: Demo, french: str) -> None:
    text = text_of(french)
    assert 'id="data-crm-contacts"' in french
    assert demo.person["first_name"] in text and demo.person["last_name"] in text
    assert "Adresse électronique" in text, "the data category under the field's name"
    assert "Date du dernier contact" in text, "the field's label from the policy"
    assert "Date de création" in text, "every field of the example has a label"
    assert re.search(r"\d{1,2}(er)? [a-zéû]+ 20\d\d, \d\d:\d\d", text), "datetimes as French writes them"
    assert "Customer id" not in text, "links to other records stay in the bundle's files"


def test_it_names_the_purposes_and_legal_bases_of_the_activities_using_the_data(french: str) -> None:
    text = text_of(french)
    assert "Gestion de la relation contractuelle avec les clients" in text
    assert "Traitement des demandes d'assistance des clients" in text
    assert "Exécution d’un contrat ou de mesures précontractuelles (article 6.1.b du RGPD)" in text
    assert "Intérêt légitime (article 6.1.f du RGPD)" in text
    assert "Notre intérêt légitime\u00a0: promouvoir auprès des clients et prospects" in text


def test_it_gives_the_retention_period_and_the_source_of_the_data(french: str) -> None:
    text = text_of(french)
    assert "5 ans à compter de la fin du contrat, puis pseudonymisation" in text
    assert "3 ans à compter du dernier contact, puis suppression" in text
    assert "Directement auprès de la personne, lors de la souscription" in text
    assert "Directement auprès de vous" in text, "the source when the policy states none"


def test_it_names_the_recipients_and_the_sub_processors_with_their_country_and_safeguard(french: str) -> None:
    text = text_of(french)
    assert "Services commercial, technique et administratif" in text
    assert "Zendesk Inc., États-Unis\u00a0: outil de gestion des demandes d'assistance" in text
    assert "Zendesk Inc. (États-Unis), transfert encadré par la garantie suivante\u00a0: Data Privacy Framework" in text
    assert "article 45 du RGPD" in text
    assert "Clauses contractuelles types (CCT), article 46.2.c du RGPD" in text


def test_it_states_the_rights_and_the_complaint_to_the_cnil(french: str) -> None:
    text = text_of(french)
    assert "Droit d’accès" in text and "Droit à l’effacement" in text
    assert "Commission nationale de l’informatique et des libertés (CNIL)" in text
    assert "3 place de Fontenoy, TSA 80715, 75334 Paris Cedex 07" in text
    assert 'href="https://www.cnil.fr"' in french


def test_the_english_report_answers_the_same_questions(demo: Demo, english: str) -> None:
    text = text_of(english)
    assert '<html lang="en">' in english
    assert "Answer to your request for access (Article 15 GDPR)" in text
    assert f"Email address: {demo.person['email']}" in text
    assert "Management of the contractual relationship with customers" in text
    assert "Performance of a contract or pre-contractual measures (Article 6(1)(b) GDPR)" in text
    assert "5 years from the end of the contract, then pseudonymised" in text
    assert "Zendesk Inc., United States: support ticketing tool" in text
    assert "EU–US Data Privacy Framework" in text
    assert "Commission nationale de l'informatique et des libertés (CNIL)" in text
    assert "Request received on 2 November 2026" in text


def test_the_pdf_holds_the_person_s_email_and_the_french_headings(demo: Demo) -> None:
    pdf = render_access_report(demo.result, demo.policy, lang="fr", fmt="pdf", subject=demo.subject)
    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    assert demo.person["email"] in text
    for heading in ("Vos données personnelles", "Votre demande", "Ce que nous détenons à votre sujet", "Vos droits"):
        assert heading in text
    assert "Pourquoi et comment nous traitons vos données" in text
    assert reader.metadata is not None and reader.metadata.title == "Vos données personnelles — Nuage Exemple SAS"


def test_data_processed_for_clients_are_left_out_of_a_person_s_own_request(demo: Demo) -> None:
    tenant_users = DatasetExport(
        system="platform",
        dataset="tenant_users",
        label=None,
        key="id",
        fields=(ExportedField("email", "contact.email"),),
        rows=({"id": 1, "email": demo.person["email"]},),
        activities=("hosted-messaging",),
        portable=False,
    )
    result = dataclasses.replace(demo.result, datasets=(*demo.result.datasets, tenant_users))
    text = text_of(render_access_report(result, demo.policy, lang="en").decode())
    assert "Clients' users" not in text
    assert "Hosting and sending of clients' messages" not in text


def test_a_request_made_through_a_client_describes_the_processing_on_its_behalf(demo: Demo) -> None:
    user = demo.client_user
    subject = Subject.of(f"email={user['email']}")
    result = execute_access(demo.policy, subject, tenant=user["tenant_id"], today=TODAY)
    text = text_of(render_access_report(result, demo.policy, lang="fr", subject=subject).decode())
    assert "Utilisateurs des clients" in text
    assert "Hébergement et envoi des messages des clients" in text
    assert f"pour le compte de son client {user['tenant_id']}" in text


def test_when_nothing_is_found_it_says_so_plainly_and_still_states_the_rights(demo: Demo) -> None:
    subject = Subject.of("email=personne@example.org")
    result = execute_access(demo.policy, subject, today=TODAY)
    text = text_of(render_access_report(result, demo.policy, lang="fr", subject=subject).decode())
    assert "n’y avons trouvé aucune donnée personnelle vous concernant" in text
    assert "Ce document y répond et rappelle vos droits." in text
    assert "Données trouvées Aucune donnée personnelle vous concernant" in text
    assert "Droit d’accès" in text and "CNIL" in text
    assert "Vos données concernées" not in text


def test_long_tables_are_cut_with_a_note_pointing_to_the_bundle(demo: Demo) -> None:
    invoices = next(export for export in demo.result.datasets if export.dataset == "invoices")
    many = dataclasses.replace(invoices, rows=tuple({**invoices.rows[0], "id": n} for n in range(1, 121)))
    result = dataclasses.replace(demo.result, datasets=(many,))
    html = render_access_report(result, demo.policy, lang="fr").decode()
    text = text_of(html)
    assert f"Seuls les {MAX_ROWS} premiers enregistrements sur 120 sont présentés ici" in text
    assert "crm.invoices.csv" in text
    section = html.split('id="data-crm-invoices"')[1].split("</table>")[0]
    assert section.count("<tr>") == MAX_ROWS + 1, "the heading row and the rows shown"


def test_portability_shows_only_data_processed_on_consent_or_contract(demo: Demo) -> None:
    text = text_of(render(demo, lang="fr", portability=True))
    assert "Réponse à votre demande de portabilité (article 20 du RGPD)" in text
    assert "Contacts" in text
    assert "Facturation et recouvrement" not in text, "invoices are kept under a legal obligation"
    assert "Enregistrement des appels au support" not in text, "call recordings rest on a legitimate interest"


def test_an_incomplete_access_is_not_reported(demo: Demo) -> None:
    failed = dataclasses.replace(demo.result, errors={"crm": "database is locked"})
    with pytest.raises(ValueError, match="crm not read"):
        render_access_report(failed, demo.policy)


def test_an_unknown_format_is_refused(demo: Demo) -> None:
    with pytest.raises(ValueError, match="html or pdf"):
        render_access_report(demo.result, demo.policy, fmt="docx")  # type: ignore[arg-type]


def test_it_writes_the_reports_next_to_the_bundle_files(demo: Demo, tmp_path: Path) -> None:
    bundle = write_access_bundle(demo.result, demo.policy, tmp_path)
    reports = write_access_report(demo.result, demo.policy, tmp_path, subject=demo.subject)
    assert [path.name for path in reports] == ["report-fr.html", "report-fr.pdf", "report-en.html", "report-en.pdf"]
    assert (tmp_path / "data.json") in bundle
    assert (tmp_path / "report-fr.pdf").read_bytes().startswith(b"%PDF")
    assert json.loads((tmp_path / "data.json").read_text())["subject"] == demo.result.subject


def test_its_renderers_plug_into_the_engine_s_bundle(demo: Demo, tmp_path: Path) -> None:
    written = write_access_bundle(demo.result, demo.policy, tmp_path, renderers=access_report_renderers(("en",)))
    names = {path.name for path in written}
    assert {"data.json", "report-en.html", "report-en.pdf"} <= names
    assert "report-fr.html" not in names


def test_values_are_written_as_each_language_writes_them() -> None:
    moment = FieldSpec(type="datetime")
    amount = FieldSpec(type="decimal")
    assert display_value("2025-05-10T11:04:42", moment, "fr") == "10 mai 2025, 11:04"
    assert display_value("2025-05-10T11:04:42", moment, "en") == "10 May 2025, 11:04"
    assert display_value("2025-05-10", FieldSpec(type="date"), "fr") == "10 mai 2025"
    assert display_value("2025-05-01", FieldSpec(type="date"), "fr") == "1er mai 2025"
    assert display_value("3444.20", amount, "fr") == "3\u202f444,20"
    assert display_value("3444.20", amount, "en") == "3,444.20"
    assert display_value(False, None, "fr") == "Non"
    assert display_value(None, None, "en") == "—"
    assert display_value("not a date", moment, "fr") == "not a date"


def test_names_without_a_label_are_humanised() -> None:
    assert humanise("last_contact_at") == "Last contact at"
    assert humanise("la clôture du compte") == "La clôture du compte"


def test_dates_and_numbers_keep_their_width_and_long_text_takes_the_rest() -> None:
    columns = (Column("id", "Reference", "", True), Column("body", "Body", "", False))
    widths = column_widths(columns, (("12", "word " * 60),))
    assert sum(widths) in (99, 100, 101)
    assert widths[1] > 3 * widths[0]
    assert len(column_widths(columns, ())) == 2, "no rows: the headings alone"


def test_an_identity_is_named_by_the_category_of_its_columns(cloud_host: Policy) -> None:
    taxonomy = policy_taxonomy(cloud_host)
    assert identity_label(cloud_host, "email", taxonomy, "fr") == "Adresse électronique"
    assert identity_label(cloud_host, "customer_number", taxonomy, "en") != "customer_number"
    assert identity_label(cloud_host, "unknown", taxonomy, "en") == "unknown"


def test_every_category_of_every_field_reached_is_listed_even_when_it_repeats_the_label(demo: Demo) -> None:
    # Art. 15(1)(b): the categories of the data, all of them; a label that says the same hides none.
    view = build_access_report(demo.result, demo.policy, "en", today=TODAY, subject=demo.subject)
    prospecting = next(facts for facts in view.processing if facts.key == "prospecting")
    assert {"Email address", "First name", "Last name", "Job title", "Phone number"} <= set(prospecting.categories)
    contacts = next(dataset for dataset in view.datasets if dataset.reference == "crm.contacts")
    categories = {column.name: column.category for column in contacts.columns}
    assert categories["email"] == "Email address"
    assert categories["first_name"] == "First name"


def test_the_report_names_the_host_of_the_data_and_its_country(french: str) -> None:
    text = text_of(french)
    assert "Hébergement Nuage Exemple SAS (Roubaix), France" in text
