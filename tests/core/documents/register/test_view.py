"""The register's neutral view: what each activity's sheet holds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from registre.core.documents.register.view import build_register
from registre.core.policy import Policy

TODAY = dt.date(2026, 1, 5)


def test_the_controller_register_holds_the_controller_activities_in_order(cloud_host: Policy) -> None:
    view = build_register(cloud_host, "controller", "fr", TODAY)
    assert [sheet.reference for sheet in view.sheets] == ["T-001", "T-002", "T-003", "T-004", "T-005", "T-006"]
    assert view.today == TODAY


def test_the_processor_register_holds_the_processor_activities(cloud_host: Policy) -> None:
    view = build_register(cloud_host, "processor", "en", TODAY)
    [sheet] = view.sheets
    assert sheet.reference == "S-001"
    [served] = sheet.controllers
    assert served.name == "Customers of the messaging platform"
    assert served.details.startswith("Each customer, as controller")


def test_the_contact_blocks_name_the_head_and_the_dpo(cloud_host: Policy) -> None:
    view = build_register(cloud_host, "controller", "fr", TODAY)
    assert view.head.full_name == "Claire MARTIN"
    assert view.dpo.full_name == "Hugo LEROY"
    assert view.representative.is_empty
    assert view.organisation.name == "Nuage Exemple SAS"


def test_a_sheet_states_purposes_basis_and_dates(cloud_host: Policy) -> None:
    sheet = build_register(cloud_host, "controller", "fr", TODAY).sheets[0]
    assert sheet.name == "Gestion des clients et des contrats"
    assert sheet.purpose == "Gestion de la relation contractuelle avec les clients"
    assert len(sheet.sub_purposes) == 3
    assert sheet.legal_basis == "Exécution d’un contrat ou de mesures précontractuelles (article 6.1.b du RGPD)"
    assert (sheet.created, sheet.updated) == (dt.date(2019, 3, 1), dt.date(2026, 1, 1))


def test_an_activity_never_updated_shows_its_creation_date(cloud_host: Policy) -> None:
    sheet = build_register(cloud_host, "controller", "en", TODAY).sheets[1]
    assert sheet.updated == sheet.created == dt.date(2019, 3, 1)


def test_the_legitimate_interest_is_stated(cloud_host: Policy) -> None:
    sheet = build_register(cloud_host, "controller", "en", TODAY).sheets[4]
    assert sheet.legal_basis_key == "legitimate_interest"
    assert sheet.legal_basis_details == "Promoting services similar to those they use to customers and prospects"


def test_a_legal_obligation_cites_the_law(cloud_host: Policy) -> None:
    sheet = build_register(cloud_host, "controller", "fr", TODAY).sheets[1]
    assert sheet.legal_basis_details == "Documents comptables et pièces justificatives (Code de commerce, art. L123-22)"


def test_sub_processors_are_recipients_of_type_processors(cloud_host: Policy) -> None:
    sheet = build_register(cloud_host, "controller", "fr", TODAY).sheets[0]
    labels = [(line.label, line.details) for line in sheet.recipients]
    assert labels[0] == ("Service interne qui traite les données", "Services commercial, technique et administratif")
    assert ("Sous-traitants", "Salesforce Inc., États-Unis\u00a0: gestion de la relation client (CRM)") in labels


def test_the_processor_sheet_names_its_sub_processors_and_where_they_process(cloud_host: Policy) -> None:
    [sheet] = build_register(cloud_host, "processor", "fr", TODAY).sheets
    [line] = sheet.subprocessors
    assert line.label == "Twilio Ireland Limited"
    assert line.details == "Acheminement des SMS vers les opérateurs (lieu de traitement\u00a0: Allemagne)"
    assert sheet.transfers == ()


def test_transfers_come_from_sub_processors_outside_the_eea(cloud_host: Policy) -> None:
    sheet = build_register(cloud_host, "controller", "en", TODAY).sheets[2]
    [transfer] = sheet.transfers
    assert (transfer.recipient, transfer.country) == ("Zendesk Inc.", "United States")
    assert transfer.safeguard.startswith("EU–US Data Privacy Framework")


def test_security_measures_carry_their_description(cloud_host: Policy) -> None:
    sheet = build_register(cloud_host, "controller", "en", TODAY).sheets[0]
    measures = dict((line.label, line.details) for line in sheet.measures)
    assert measures["Traceability measures"] == "Logging of access to the data and of operations on it."
    assert measures["User access control"] == ""


def test_declared_measure_details_win_over_the_taxonomy(
    small_policy: Policy, with_activity: Callable[..., Policy]
) -> None:
    policy = with_activity(small_policy, "accounts", security=[{"type": "backup", "details": "Nightly, 30 days"}])
    [measure] = build_register(policy, "controller", "en", TODAY).sheets[0].measures
    assert (measure.label, measure.details) == ("Data backup", "Nightly, 30 days")


def test_subjects_are_those_named_then_those_of_the_datasets(cloud_host: Policy) -> None:
    activity = cloud_host.activities["contract-management"]
    assert cloud_host.activity_subjects(activity) == ["customers", "client_contacts"]
    support = cloud_host.activities["support"]
    assert cloud_host.activity_subjects(support) == ["client_contacts"]


def test_the_views_are_in_the_requested_language(cloud_host: Policy) -> None:
    french = build_register(cloud_host, "controller", "fr", TODAY).sheets[3]
    english = build_register(cloud_host, "controller", "en", TODAY).sheets[3]
    assert (french.name, english.name) == ("Enregistrement des appels au support", "Recording of support calls")
    assert french.retention == "6 mois à compter de l'appel, puis suppression"
    assert english.retention == "6 months from the call, then deleted"


def test_an_activity_without_reference_is_referred_to_by_its_key(small_policy: Policy) -> None:
    [sheet] = build_register(small_policy, "controller", "en", TODAY).sheets
    assert (sheet.key, sheet.reference) == ("accounts", "accounts")
    assert sheet.created is None and sheet.updated is None
