"""The register laid out as the CNIL template."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from registre.core.documents.layout import Document, Section
from registre.core.documents.register.fiche import layout_register
from registre.core.documents.register.view import build_register
from registre.core.policy import Policy
from registre.core.policy.model import Contact, Role

TODAY = dt.date(2026, 1, 5)


def layout(policy: Policy, role: Role = "controller", lang: str = "fr") -> Document:
    return layout_register(build_register(policy, role, lang, TODAY))


def section(document: Document, sheet: int, title: str) -> Section:
    return next(s for s in document.sheets[sheet].sections if s.title == title)


def test_a_controller_fiche_has_the_cnil_sections_in_order(cloud_host: Policy) -> None:
    titles = [s.title for s in layout(cloud_host).sheets[0].sections]
    assert titles == [
        "Description du traitement",
        "Acteurs",
        "Finalité(s) du traitement effectué",
        "Catégories de données personnelles concernées",
        "Données sensibles",
        "Catégories de personnes concernées",
        "Destinataires",
        "Mesures de sécurité",
        "Transferts hors UE",
    ]


def test_the_english_fiche_is_a_faithful_translation(cloud_host: Policy) -> None:
    titles = [s.title for s in layout(cloud_host, lang="en").sheets[0].sections]
    assert titles[:3] == ["Description of the processing", "Actors", "Purpose(s) of the processing"]
    assert titles[-1] == "Transfers outside the EU"


def test_the_description_gives_name_reference_and_dates(cloud_host: Policy) -> None:
    rows = section(layout(cloud_host), 0, "Description du traitement").rows
    assert [(row.label, row.cells[0]) for row in rows] == [
        ("Nom du traitement", "Gestion des clients et des contrats"),
        ("N° / RÉF", "T-001"),
        ("Date de création du traitement", dt.date(2019, 3, 1)),
        ("Mise à jour du traitement", dt.date(2026, 1, 1)),
        ("Hébergement des données", "Nuage Exemple SAS (Roubaix), France"),
    ]


def test_the_actors_are_the_controller_its_dpo_representative_and_joint_controllers(cloud_host: Policy) -> None:
    actors = section(layout(cloud_host), 0, "Acteurs")
    assert actors.headings == ("Nom", "Adresse", "Code postal", "Ville", "Pays", "Téléphone", "Adresse mél")
    rows = {row.label: row.cells for row in actors.rows}
    assert rows["Responsable du traitement"][0] == "Nuage Exemple SAS, représentée par Claire MARTIN"
    assert rows["Délégué à la protection des données"][:2] == ("Hugo LEROY", "12 rue de la Clef")
    assert rows["Représentant"][0] == "Sans objet"
    assert rows["Responsable(s) conjoint(s)"][0] == "Sans objet"


def test_the_purposes_section_lists_sub_purposes_and_the_legitimate_interest(cloud_host: Policy) -> None:
    rows = {
        row.label: row.cells[0] for row in section(layout(cloud_host), 4, "Finalité(s) du traitement effectué").rows
    }
    assert rows["Finalité principale"] == "Envoi d'offres commerciales et de la lettre d'information"
    assert rows["Sous-finalité 2"] == "Mesure d'audience des campagnes"
    assert rows["Base légale"] == "Intérêt légitime (article 6.1.f du RGPD)"
    assert rows["Intérêt légitime poursuivi"].startswith("Promouvoir auprès des clients")


def test_sensitive_data_are_answered_no(cloud_host: Policy) -> None:
    rows = section(layout(cloud_host), 0, "Données sensibles").rows
    assert {row.cells[0] for row in rows} == {"Non"}


def test_an_empty_table_says_so(cloud_host: Policy) -> None:
    transfers = section(layout(cloud_host), 1, "Transferts hors UE")
    assert transfers.rows == ()
    assert transfers.empty == "Aucun transfert hors de l’Union européenne"


def test_transfers_give_recipient_country_safeguard_and_documentation(cloud_host: Policy) -> None:
    transfers = section(layout(cloud_host), 0, "Transferts hors UE")
    assert transfers.headings == ("Destinataire", "Pays", "Type de garanties", "Liens vers la documentation")
    [row] = transfers.rows
    assert row.label == "Organisme destinataire 1"
    assert row.cells[:3] == (
        "Salesforce Inc.",
        "États-Unis",
        "Clauses contractuelles types (CCT), article 46.2.c du RGPD",
    )


def test_the_list_has_the_cnil_columns_and_one_row_per_activity(cloud_host: Policy) -> None:
    document = layout(cloud_host)
    assert document.summary_name == "Liste des traitements"
    assert [title for title, _ in document.summary.groups] == [
        "Identification du traitement",
        "Finalité du traitement",
        "Données sensibles\u00a0?",
    ]
    assert document.summary.headings[:4] == (
        "Nom du traitement",
        "N° / RÉF",
        "Date de création de la fiche",
        "Dernière mise à jour de la fiche",
    )
    assert len(document.summary.rows) == 6
    assert document.summary.rows[0][6] == "Non"


def test_the_contact_blocks_follow_the_cnil_list(cloud_host: Policy) -> None:
    blocks = layout(cloud_host).blocks
    assert blocks[0].title.startswith("Coordonnées du responsable de l’organisme")
    assert [(f.label, f.value) for f in blocks[0].fields][:2] == [("Nom\u00a0:", "MARTIN"), ("Prénom\u00a0:", "Claire")]
    assert blocks[1].fields[0].value == "Sans objet"
    assert blocks[2].title == "Coordonnées du délégué à la protection des données (DPO)"


def test_a_processor_fiche_names_the_controllers_served_and_sub_processors(cloud_host: Policy) -> None:
    document = layout(cloud_host, role="processor", lang="en")
    assert document.title == "Record of processing activities (processor)"
    assert "Article 30(2) GDPR" in document.subtitle
    titles = [s.title for s in document.sheets[0].sections]
    assert "Controllers on whose behalf the processing is carried out" in titles
    assert "Categories of processing carried out on behalf of the controller" in titles
    assert "Sub-processors" in titles
    served = section(document, 0, "Controllers on whose behalf the processing is carried out")
    assert served.rows[0].cells[0] == "Customers of the messaging platform"
    actors = {row.label for row in section(document, 0, "Actors").rows}
    assert "Processor" in actors and "Joint controller(s)" not in actors
    assert document.summary.rows[0][4] == "Customers of the messaging platform"


def test_a_representative_and_joint_controllers_fill_their_rows(
    cloud_host: Policy, with_activity: Callable[..., Policy]
) -> None:
    representative = {
        "name": "HUBER",
        "first_name": "Anna",
        "email": "eu@example.de",
        "address": {"street": "Hauptstraße 1", "postal_code": "10115", "city": "Berlin", "country": "DE"},
    }
    organisation = cloud_host.organisation.model_copy(update={"representative": Contact.model_validate(representative)})
    policy = cloud_host.model_copy(update={"organisation": organisation})
    policy = with_activity(
        policy, "contract-management", joint_controllers=[{"company": "Partenaire SA"}, {"name": "X"}]
    )
    document = layout(policy)
    rows = [(row.label, row.cells[0]) for row in section(document, 0, "Acteurs").rows]
    assert ("Représentant", "Anna HUBER") in rows
    assert [cell for label, cell in rows if label == "Responsable(s) conjoint(s)"] == ["Partenaire SA", "X"]
    assert [field.value for field in document.blocks[1].fields][:2] == ["HUBER", "Anna"]
    assert section(document, 0, "Acteurs").rows[3].cells[4] == "Allemagne"


def test_an_activity_with_health_data_is_sensitive_in_the_list(
    cloud_host: Policy, with_activity: Callable[..., Policy]
) -> None:
    policy = with_activity(cloud_host, "support", categories=["special.health"], special_condition="explicit_consent")
    document = layout(policy)
    assert [row[6] for row in document.summary.rows] == ["Non", "Non", "Oui", "Non", "Non", "Non"]
    health = next(row for row in section(document, 2, "Données sensibles").rows if row.cells[0] != "Non")
    assert health.label == "Données concernant la santé"
    assert health.cells[0] == (
        "Oui\u00a0: Données de santé\nConsentement explicite de la personne concernée (article 9.2.a du RGPD)"
    )


def test_the_list_shows_sub_purposes_as_bullets(cloud_host: Policy) -> None:
    first = layout(cloud_host).summary.rows[0]
    assert first[5] == (
        "• Création et gestion du compte client\n"
        "• Mise en service, maintenance et gestion des services souscrits\n"
        "• Gestion des réclamations et des litiges"
    )
    assert first[2] == dt.date(2019, 3, 1)


def test_the_document_is_dated_and_authored(cloud_host: Policy) -> None:
    document = layout(cloud_host, lang="en")
    assert (document.author, document.date, document.date_line) == (
        "Nuage Exemple SAS",
        TODAY,
        "Up to date as of 5 January 2026",
    )
    assert document.subtitle == "Nuage Exemple SAS, as controller (Article 30(1) GDPR)."
