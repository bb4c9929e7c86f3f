"""The sub-processor list of a data processing agreement."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from registre.core.documents import render_subprocessors
from registre.core.documents.subprocessors import subprocessor_lines
from registre.core.policy import Policy


@pytest.fixture(scope="module")
def annex(cloud_host: Policy) -> Policy:
    """The cloud-host example where the clients' platform also uses Brevo, Zendesk and Salesforce (not Stripe)."""
    activity = cloud_host.activities["hosted-messaging"]
    processors = ["brevo", "zendesk", "salesforce", "twilio"]
    changed = activity.model_copy(update={"processors": processors})
    return cloud_host.model_copy(update={"activities": {**cloud_host.activities, "hosted-messaging": changed}})


def test_the_annex_lists_only_the_sub_processors_of_processor_activities(cloud_host: Policy) -> None:
    # Brevo, Stripe, Zendesk and Salesforce serve the organisation's own activities: they are recipients
    # named in the notice, not sub-processors that the clients may object to.
    assert [line.name for line in subprocessor_lines(cloud_host, "en")] == ["Twilio Ireland Limited"]
    markdown = render_subprocessors(cloud_host, lang="en", fmt="md").decode()
    assert "Zendesk" not in markdown and "Stripe" not in markdown and "Twilio Ireland Limited" in markdown


def test_every_sub_processor_is_listed_with_the_activities_that_use_it(annex: Policy) -> None:
    lines = {line.name: line for line in subprocessor_lines(annex, "en")}
    assert list(lines) == [p.name for key, p in annex.processors.items() if key != "stripe"]
    assert lines["Sendinblue SAS (Brevo)"].activities == ("Hosting and sending of clients' messages",)
    assert lines["Sendinblue SAS (Brevo)"].address == "106 boulevard Haussmann, 75008 Paris, France"


def test_us_sub_processors_are_marked_with_their_safeguard(annex: Policy) -> None:
    lines = {line.name: line for line in subprocessor_lines(annex, "fr")}
    assert lines["Zendesk Inc."].transfer
    assert lines["Zendesk Inc."].safeguard.startswith("Data Privacy Framework UE–États-Unis")
    assert lines["Zendesk Inc."].safeguard.endswith("article 45 du RGPD")
    assert lines["Salesforce Inc."].safeguard == "Clauses contractuelles types (CCT), article 46.2.c du RGPD"
    assert lines["Salesforce Inc."].country == "États-Unis"


def test_sub_processors_in_the_eea_need_no_safeguard(annex: Policy) -> None:
    lines = {line.name: line for line in subprocessor_lines(annex, "fr")}
    twilio = lines["Twilio Ireland Limited"]
    assert (twilio.country, twilio.location) == ("Irlande", "Allemagne")
    assert not twilio.transfer
    assert twilio.safeguard == "Sans objet (données dans l’EEE)"


def test_the_html_list_highlights_transfers(annex: Policy) -> None:
    html = render_subprocessors(annex, lang="en").decode()
    assert '<html lang="en">' in html
    assert html.count('class="transfer"') == 2
    assert "Standard contractual clauses (SCC), Article 46(2)(c) GDPR" in html
    assert "15 days in advance" in html


def test_the_csv_list_parses_with_the_french_delimiter(annex: Policy) -> None:
    data = render_subprocessors(annex, lang="fr", fmt="csv")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Nom"
    assert len(rows) == 1 + len(annex.processors) - 1
    zendesk = next(row for row in rows if row[0] == "Zendesk Inc.")
    assert zendesk[-1] == "01/06/2020"


def test_the_xlsx_list_has_one_row_per_sub_processor(annex: Policy) -> None:
    sheet = load_workbook(io.BytesIO(render_subprocessors(annex, lang="en", fmt="xlsx"))).active
    assert sheet.title == "Sub-processors"
    names = [row[0] for row in sheet.iter_rows(min_row=5, values_only=True)]
    assert names == [p.name for key, p in annex.processors.items() if key != "stripe"]


def test_the_markdown_and_pdf_lists_name_the_sub_processors(annex: Policy) -> None:
    markdown = render_subprocessors(annex, lang="fr", fmt="md").decode()
    assert markdown.startswith("# Liste des sous-traitants")
    assert "| Zendesk Inc. |" in markdown
    pdf = render_subprocessors(annex, lang="fr", fmt="pdf", today=dt.date(2026, 1, 5))
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "Salesforce Inc." in text
    assert "À jour au 5 janvier 2026" in text


def test_an_unknown_format_is_refused(annex: Policy) -> None:
    with pytest.raises(ValueError, match="unknown sub-processor list format"):
        render_subprocessors(annex, fmt="docx")  # type: ignore[arg-type]
