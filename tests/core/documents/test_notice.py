"""The privacy notice (Art. 13)."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from pypdf import PdfReader

from registre.core.documents import render_notice
from registre.core.documents.notice import build_notice, supervisory_authority
from registre.core.documents.vocabulary import policy_taxonomy
from registre.core.policy import Policy


@pytest.fixture(scope="module")
def french_html(cloud_host: Policy) -> str:
    return render_notice(cloud_host, lang="fr", fmt="html").decode()


@pytest.fixture(scope="module")
def english_html(cloud_host: Policy) -> str:
    return render_notice(cloud_host, lang="en", fmt="html").decode()


def test_the_notice_is_a_standalone_accessible_page(french_html: str) -> None:
    assert french_html.startswith("<!DOCTYPE html>")
    assert '<html lang="fr">' in french_html
    assert "<h1>Politique de confidentialité</h1>" in french_html
    assert '<nav aria-label="Sommaire">' in french_html
    assert "<style>" in french_html


def test_it_names_the_controller_and_the_dpo(french_html: str) -> None:
    assert "Nuage Exemple SAS, SAS au capital de 120 000 €, RCS Lille Métropole 912 345 678" in french_html
    assert "dpo@nuage-exemple.fr" in french_html
    assert "Hugo LEROY" in french_html


def test_it_lists_every_controller_activity_and_no_processor_activity(cloud_host: Policy, english_html: str) -> None:
    for activity in cloud_host.activities_by_role("controller").values():
        assert activity.name.get("en") in english_html
    assert "Hosting and sending of clients&#39; messages" not in english_html.split('id="clients"')[0]


def test_it_mentions_the_processing_done_for_clients(english_html: str) -> None:
    assert "also processes personal data on behalf of its clients, as a processor" in english_html


def test_it_states_the_legitimate_interest_of_prospecting(french_html: str, english_html: str) -> None:
    assert (
        "Notre intérêt légitime\u00a0: promouvoir auprès des clients et prospects des services analogues "
        "à ceux qu&#39;ils utilisent." in french_html
    )
    assert "Our legitimate interest: promoting services similar to those they use" in english_html
    assert "Intérêt légitime (article 6.1.f du RGPD)" in french_html


def test_it_lists_every_right_and_the_complaint_to_the_cnil(cloud_host: Policy, french_html: str) -> None:
    taxonomy = policy_taxonomy(cloud_host)
    for key, right in taxonomy.rights.items():
        if key != "withdraw_consent":  # no activity rests on consent
            assert right.label.get("fr").replace("'", "&#39;") in french_html
    assert "Commission nationale de l’informatique et des libertés (CNIL)" in french_html
    assert "3 place de Fontenoy, TSA 80715, 75334 Paris Cedex 07" in french_html
    assert 'href="https://www.cnil.fr"' in french_html


def test_it_says_how_to_exercise_rights_and_how_fast_we_answer(french_html: str) -> None:
    assert 'href="mailto:privacy@nuage-exemple.fr"' in french_html
    assert "Service Données personnelles, 12 rue de la Clef, 59000 Lille, France" in french_html
    assert "dans un délai de 30 jours" in french_html


def test_it_marks_mandatory_and_optional_data(french_html: str) -> None:
    assert "(donnée obligatoire)" in french_html
    assert "(donnée facultative)" in french_html
    assert "Les données signalées comme facultatives peuvent ne pas être fournies" in french_html


def test_data_under_a_legal_obligation_are_required_by_law_and_kept_not_deletable_at_will(cloud_host: Policy) -> None:
    view = build_notice(cloud_host, "en")
    billing = next(activity for activity in view.activities if activity.name == "Billing and debt collection")
    marks = {category.label: category.mark for category in billing.categories}
    assert marks["Full name"] == "law"
    assert marks["Postal address"] == "law"
    assert marks["Bank account details (IBAN)"] == "kept"
    html = render_notice(cloud_host, lang="en").decode()
    assert "(mandatory: required by law)" in html
    assert "(optional; kept under the legal obligation once given)" in html
    assert "even if you ask for their deletion (Article 17(3)(b) GDPR)" in html
    assert "Other data are optional: you may choose not to give them, or delete them at any time" not in html


def test_automated_decisions_state_their_logic_and_consequences(cloud_host: Policy, with_activity: Any) -> None:
    policy = with_activity(
        cloud_host,
        "prospecting",
        automated_decisions=True,
        decision_logic={
            "fr": "Un score calculé sur l’historique d’achat",
            "en": "A score computed from purchase history",
        },
        decision_consequences={"fr": "Les offres envoyées", "en": "Which offers you receive"},
    )
    markdown = render_notice(policy, lang="en", fmt="md").decode()
    assert "## Automated decisions" in markdown
    assert "A score computed from purchase history" in markdown
    assert "Which offers you receive" in markdown
    assert "Article 22(3) GDPR" in markdown


def test_the_notice_lists_the_cookies_set_or_says_there_are_none(cloud_host: Policy, field_services: Policy) -> None:
    english = render_notice(cloud_host, lang="en").decode()
    assert '<section id="cookies">' in english and "sessionid" in english and "_pk_id" in english
    french = render_notice(field_services, lang="fr", fmt="md").decode()
    assert "## Cookies" in french
    assert "### https://www.intervia-exemple.fr\n\nCe site ne dépose aucun cookie." in french


def test_an_anchor_labelled_as_an_event_reads_as_french(make_policy: Callable[..., Policy]) -> None:
    # The field's label "l’inscription" is an event: « 2 ans à compter de l'inscription », not « la date du champ ».
    activities = {
        "accounts": {
            "name": "Comptes",
            "purpose": "Gestion des comptes",
            "legal_basis": "contract",
            "datasets": ["app.people"],
            "retention": {"keep": "P2Y", "from": "app.people.signed_up_at"},
        }
    }
    french = render_notice(make_policy(activities=activities), lang="fr", fmt="md").decode()
    assert "2 ans à compter de l'inscription, puis suppression" in french
    assert "date du champ" not in french


def test_invoices_are_kept_ten_years_from_the_close_of_the_financial_year(field_services: Policy) -> None:
    french = render_notice(field_services, lang="fr", fmt="md").decode()
    assert "10 ans à compter de la clôture de l'exercice au cours duquel la facture a été émise" in french


def test_the_notice_names_the_host_and_its_country(field_services: Policy) -> None:
    view = build_notice(field_services, "fr")
    assert view.hosting == ("Scaleway SAS (Paris), France",)
    assert "Vos données sont hébergées par" in render_notice(field_services, lang="fr").decode()


def test_a_system_hosted_outside_the_eea_is_a_transfer_named_in_the_notice(cloud_host: Policy) -> None:
    crm = cloud_host.systems["crm"].model_copy(update={"location": "US", "host": "Acme Cloud Inc.", "safeguard": "scc"})
    policy = cloud_host.model_copy(update={"systems": {**cloud_host.systems, "crm": crm}})
    billing = next(
        activity for activity in build_notice(policy, "en").activities if activity.name.startswith("Billing")
    )
    assert [(line.recipient, line.country_code) for line in billing.transfers][:1] == [("Acme Cloud Inc.", "US")]
    assert (
        "your data stay in the European Economic Area"
        not in render_notice(policy, lang="en", fmt="md").decode().split("### Billing")[1].split("###")[0]
    )


def test_data_not_collected_through_a_form_get_no_mark(cloud_host: Policy) -> None:
    view = build_notice(cloud_host, "en")
    logging = next(activity for activity in view.activities if activity.name == "Connection logging")
    assert {category.required for category in logging.categories} == {None}
    contracts = view.activities[0]
    assert {category.label: category.required for category in contracts.categories}["Email address"] is True


def test_it_gives_recipients_transfers_and_retention(english_html: str) -> None:
    assert "Zendesk Inc., United States: support ticketing tool" in english_html
    assert "Zendesk Inc. (United States), under the following safeguard: EU–US Data Privacy Framework" in english_html
    assert "5 years from the end of the contract, then pseudonymised" in english_html
    assert "None: your data stay in the European Economic Area." in english_html


def test_it_gives_the_effective_date(french_html: str, english_html: str) -> None:
    # Our own (translated) text is trusted markup: only declared values are escaped.
    assert "Date d’entrée en vigueur\u00a0: 1er janvier 2026" in french_html
    assert "Effective date: 1 January 2026" in english_html


def test_withdrawal_of_consent_is_stated_for_consent_based_activities(
    cloud_host: Policy, with_activity: Callable[..., Policy]
) -> None:
    policy = with_activity(cloud_host, "prospecting", legal_basis="consent", legitimate_interest=None)
    html = render_notice(policy, lang="en").decode()
    assert "Right to withdraw consent" in html


def test_another_authority_is_named_as_declared() -> None:
    authority = supervisory_authority("Autoriteit Persoonsgegevens", "en")
    assert (authority.name, authority.address) == ("Autoriteit Persoonsgegevens", "")


def test_the_markdown_notice_has_the_same_content(cloud_host: Policy) -> None:
    markdown = render_notice(cloud_host, lang="fr", fmt="md").decode()
    assert markdown.startswith("# Politique de confidentialité")
    assert "## Vos droits" in markdown
    assert "3 place de Fontenoy, TSA 80715, 75334 Paris Cedex 07" in markdown
    assert "| Prospection commerciale et lettre d'information | Intérêt légitime (article 6.1.f du RGPD) |" in markdown


def test_the_pdf_notice_is_printed_from_the_html(cloud_host: Policy) -> None:
    reader = PdfReader(io.BytesIO(render_notice(cloud_host, lang="fr", fmt="pdf")))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "Politique de confidentialité" in text
    assert "Droit d’opposition" in text


def test_an_unknown_format_is_refused(cloud_host: Policy) -> None:
    with pytest.raises(ValueError, match="unknown notice format"):
        render_notice(cloud_host, fmt="docx")  # type: ignore[arg-type]


def test_without_a_dpo_the_notice_has_no_dpo_section(make_policy: Callable[..., Policy]) -> None:
    html = render_notice(make_policy(), lang="en").decode()
    assert 'id="dpo"' not in html
    assert "Data protection officer" not in html


def test_without_an_effective_date_the_notice_states_none(make_policy: Callable[..., Policy]) -> None:
    html = render_notice(make_policy(), lang="fr").decode()
    assert "Date d’entrée en vigueur" not in html


def test_without_processor_activities_there_is_no_client_section(make_policy: Callable[..., Policy]) -> None:
    view = build_notice(make_policy(), "en")
    assert view.processor_activities == ()
    assert 'id="clients"' not in render_notice(make_policy(), lang="en").decode()


def test_the_controller_of_a_small_policy_is_introduced_by_its_address(make_policy: Callable[..., Policy]) -> None:
    html = render_notice(make_policy(), lang="en").decode()
    assert (
        "Petite Boîte SARL, whose registered office is at 1 rue Haute, 69001 Lyon, France, "
        "is the controller of your personal data."
    ) in html


def test_a_one_day_answer_period_is_singular(make_policy: Callable[..., Policy]) -> None:
    markdown = render_notice(make_policy(notices={"response_days": 1}), lang="fr", fmt="md").decode()
    assert "dans un délai de 1 jour à compter" in markdown
