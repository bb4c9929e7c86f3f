"""The taxonomy data files and their loader."""

from __future__ import annotations

import datetime
import re
import shutil
from pathlib import Path

import babel
import pytest
from pydantic import ValidationError

from registre.core.i18n import Localized
from registre.core.taxonomy import (
    DATA_DIR,
    Adequacy,
    CategoryGroup,
    Country,
    DataCategory,
    LegalReference,
    Taxonomy,
    TaxonomyError,
    Term,
    load_taxonomy,
    read_taxonomy,
)

EU_STATES = {
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
    "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
}  # fmt: skip
EEA_STATES = EU_STATES | {"IS", "LI", "NO"}
# CLDR territories that are not ISO 3166-1 countries (exceptionally reserved or CLDR-only).
NOT_ISO_COUNTRIES = {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "XK", "ZZ"}


@pytest.fixture(scope="module")
def tx() -> Taxonomy:
    return load_taxonomy()


def all_texts(tx: Taxonomy) -> list[tuple[str, Localized]]:
    texts: list[tuple[str, Localized]] = []
    for field in Taxonomy.model_fields:
        for key, item in getattr(tx, field).items():
            if isinstance(item, Country):
                if item.adequacy and item.adequacy.scope_label:
                    texts.append((f"{field}.{key}.scope_label", item.adequacy.scope_label))
                continue
            texts.append((f"{field}.{key}.label", item.label))
            description = getattr(item, "description", None)
            if description is not None:
                texts.append((f"{field}.{key}.description", description))
    return texts


def copy_data(tmp_path: Path) -> Path:
    data_dir = tmp_path / "data"
    shutil.copytree(DATA_DIR, data_dir)
    return data_dir


# --- Loading


def test_the_taxonomy_is_loaded_once_and_shared(tx: Taxonomy) -> None:
    assert load_taxonomy() is tx


def test_every_vocabulary_is_filled(tx: Taxonomy) -> None:
    for field in Taxonomy.model_fields:
        assert getattr(tx, field), field


def test_every_entry_is_filed_under_its_own_key(tx: Taxonomy) -> None:
    for field in Taxonomy.model_fields:
        for key, item in getattr(tx, field).items():
            assert (item.code if isinstance(item, Country) else item.key) == key


def test_every_label_exists_in_french_and_english(tx: Taxonomy) -> None:
    for where, text in all_texts(tx):
        assert text.fr and text.fr.strip(), where
        assert text.en and text.en.strip(), where


def test_keys_are_snake_case_or_dotted(tx: Taxonomy) -> None:
    key = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?$")
    for field in Taxonomy.model_fields:
        if field in {"countries", "legal_references"}:
            continue
        for name in getattr(tx, field):
            assert key.match(name), f"{field}: {name}"


def test_french_labels_are_french_and_english_labels_are_english(tx: Taxonomy) -> None:
    # A copied label is a missing translation, except for words that are the same in both.
    same_in_both = {
        "Signature",
        "Prospects",
        "Partenaires",
        "Certification",
        "Curriculum vitae (CV)",
        "Adresse IP",
    }
    for where, text in all_texts(tx):
        if text.fr in same_in_both:
            continue
        assert text.fr != text.en, where


def test_french_labels_use_accents_where_french_needs_them(tx: Taxonomy) -> None:
    groups = tx.category_groups
    assert groups["identification"].label.get("fr").startswith("État civil")
    assert tx.data_categories["contact.email"].label.fr == "Adresse électronique"
    assert tx.rights["erasure"].label.fr == "Droit à l’effacement"
    assert not any("Etat civil" in text.get("fr") for _, text in all_texts(tx))


# --- Data categories


def test_french_labels_use_the_typographic_apostrophe(tx: Taxonomy) -> None:
    straight = [where for where, text in all_texts(tx) if "'" in text.get("fr")]
    assert straight == [], "write ’ in French, not '"


def test_every_category_belongs_to_a_declared_group(tx: Taxonomy) -> None:
    for category in tx.data_categories.values():
        assert category.group in tx.category_groups, category.key


def test_every_group_has_at_least_one_category(tx: Taxonomy) -> None:
    used = {category.group for category in tx.data_categories.values()}
    assert used == set(tx.category_groups)


def test_the_cnil_standard_sections_use_the_cnil_wording(tx: Taxonomy) -> None:
    expected = {
        "identification": "État civil, identité, données d’identification, images",
        "personal_life": "Vie personnelle (habitudes de vie, situation familiale, etc.)",
        "professional_life": (
            "Vie professionnelle (CV, situation professionnelle, scolarité, formation, distinctions, etc.)"
        ),
        "economic": (
            "Informations d’ordre économique et financier (revenus, situation financière, situation fiscale, etc.)"
        ),
        "connection": "Données de connexion (adresse IP, logs, etc.)",
        "location": "Données de localisation (déplacements, données GPS, GSM, etc.)",
        "nir": "Numéro de Sécurité sociale (ou NIR)",
    }
    for key, label in expected.items():
        assert tx.category_groups[key].label.fr == label


def test_the_cnil_special_categories_are_all_present(tx: Taxonomy) -> None:
    expected = {
        "racial_ethnic_origin": "Données révélant l’origine raciale ou ethnique",
        "political_opinions": "Données révélant les opinions politiques",
        "religious_beliefs": "Données révélant les convictions religieuses ou philosophiques",
        "trade_union": "Données révélant l’appartenance syndicale",
        "genetic": "Données génétiques",
        "biometric": "Données biométriques aux fins d’identifier une personne physique de manière unique",
        "health": "Données concernant la santé",
        "sex_life": "Données concernant la vie sexuelle ou l’orientation sexuelle",
    }
    special = {key: group.label.fr for key, group in tx.category_groups.items() if group.kind == "special"}
    assert special == expected
    for key in expected:
        assert tx.data_categories[f"special.{key}"].group == key


def test_criminal_data_and_the_nir_have_their_own_kinds(tx: Taxonomy) -> None:
    assert tx.category_groups["criminal"].kind == "criminal"
    assert tx.category_groups["criminal"].label.fr == "Données relatives à des condamnations pénales ou infractions"
    assert tx.category_groups["nir"].kind == "nir"
    assert {group.kind for group in tx.category_groups.values()} == {"standard", "special", "criminal", "nir"}


def test_category_kind_is_the_kind_of_the_category_group(tx: Taxonomy) -> None:
    assert tx.category_kind("contact.email") == "standard"
    assert tx.category_kind("special.health") == "special"
    assert tx.category_kind("special.biometric") == "special"
    assert tx.category_kind("criminal.convictions") == "criminal"
    assert tx.category_kind("nir.nir") == "nir"


def test_category_kind_of_an_unknown_category_raises_key_error(tx: Taxonomy) -> None:
    with pytest.raises(KeyError, match=r"contact\.pigeon"):
        tx.category_kind("contact.pigeon")


def test_the_categories_of_real_saas_policies_are_covered(tx: Taxonomy) -> None:
    expected = {
        "identification.name",
        "identification.first_name",
        "identification.last_name",
        "identification.title",
        "identification.birth_date",
        "identification.customer_number",
        "identification.username",
        "identification.photo",
        "identification.identity_document",
        "identification.signature",
        "contact.email",
        "contact.phone",
        "contact.postal_address",
        "contact.company",
        "contact.job_title",
        "professional.job",
        "professional.cv",
        "professional.training",
        "economic.bank_account",
        "economic.payment_card",
        "economic.payment_method",
        "economic.invoice",
        "economic.order",
        "economic.income",
        "economic.tax",
        "relationship.support_request",
        "relationship.correspondence",
        "relationship.call_recording",
        "relationship.satisfaction",
        "relationship.marketing_preferences",
        "usage.service_usage",
        "usage.fax_sms_content",
        "connection.ip_address",
        "connection.logs",
        "connection.cookie",
        "connection.device_id",
        "connection.browsing",
        "security.password",
        "security.authentication",
        "location.gps",
        "location.address_of_intervention",
        "personal_life.family",
        "personal_life.habits",
        "nir.nir",
        "special.health",
        "special.racial_ethnic_origin",
        "special.political_opinions",
        "special.religious_beliefs",
        "special.trade_union",
        "special.genetic",
        "special.biometric",
        "special.sex_life",
        "criminal.convictions",
    }
    assert expected <= set(tx.data_categories)


def test_only_the_art9_categories_are_special(tx: Taxonomy) -> None:
    special = {key for key in tx.data_categories if tx.category_kind(key) == "special"}
    assert special == {key for key in tx.data_categories if key.startswith("special.")}


# --- Data subjects, legal bases, Art. 9 conditions


def test_the_data_subjects_of_the_cnil_list_and_the_seeds_are_present(tx: Taxonomy) -> None:
    expected = {
        "employees": "Salariés",
        "candidates": "Candidats",
        "customers": "Clients",
        "client_contacts": "Contacts chez les clients",
        "prospects": "Prospects",
        "users": "Utilisateurs du service",
        "website_visitors": "Visiteurs du site",
        "suppliers": "Fournisseurs",
        "service_providers": "Prestataires",
        "end_users_of_clients": "Personnes dont les données sont traitées pour le compte des clients",
        "recipients_of_communications": "Destinataires des fax et SMS",
        "field_technicians": "Techniciens d’intervention",
    }
    for key, label in expected.items():
        assert tx.data_subjects[key].label.fr == label
    assert "members_of_public" in tx.data_subjects


def test_the_six_legal_bases_cite_article_6_1(tx: Taxonomy) -> None:
    articles = {key: basis.article for key, basis in tx.legal_bases.items()}
    assert articles == {
        "consent": "6(1)(a)",
        "contract": "6(1)(b)",
        "legal_obligation": "6(1)(c)",
        "vital_interests": "6(1)(d)",
        "public_task": "6(1)(e)",
        "legitimate_interest": "6(1)(f)",
    }
    assert tx.legal_bases["contract"].label.fr == "Exécution d’un contrat ou de mesures précontractuelles"
    assert tx.legal_bases["legitimate_interest"].label.fr == "Intérêt légitime"


def test_portability_applies_to_consent_and_contract_only(tx: Taxonomy) -> None:
    # Art. 20(1)(a)
    assert {key for key, basis in tx.legal_bases.items() if basis.portable} == {"consent", "contract"}


def test_objection_applies_to_public_task_and_legitimate_interest_only(tx: Taxonomy) -> None:
    # Art. 21(1)
    objectable = {key for key, basis in tx.legal_bases.items() if basis.objection}
    assert objectable == {"public_task", "legitimate_interest"}


def test_other_vocabularies_never_set_portable_or_objection(tx: Taxonomy) -> None:
    for field in ("data_subjects", "art9_conditions", "rights", "recipient_types", "safeguards"):
        for term in getattr(tx, field).values():
            assert not (term.portable or term.objection), f"{field}.{term.key}"


def test_art9_has_the_ten_conditions_a_to_j(tx: Taxonomy) -> None:
    articles = [condition.article for condition in tx.art9_conditions.values()]
    assert articles == [f"9(2)({letter})" for letter in "abcdefghij"]
    assert tx.art9_conditions["explicit_consent"].article == "9(2)(a)"
    assert tx.art9_conditions["archiving_research"].article == "9(2)(j)"


# --- Rights


def test_every_right_has_an_article_and_a_notice_sentence_in_both_languages(tx: Taxonomy) -> None:
    assert set(tx.rights) == {
        "access",
        "rectification",
        "erasure",
        "restriction",
        "portability",
        "objection",
        "withdraw_consent",
        "automated_decision",
        "post_mortem",
        "complaint",
    }
    for right in tx.rights.values():
        assert right.article, right.key
        assert right.description is not None, right.key
        assert right.description.get("fr").endswith(".")
        assert right.description.get("en").endswith(".")


def test_rights_cite_their_gdpr_articles(tx: Taxonomy) -> None:
    articles = {key: right.article for key, right in tx.rights.items() if key != "post_mortem"}
    assert articles == {
        "access": "15",
        "rectification": "16",
        "erasure": "17",
        "restriction": "18",
        "portability": "20",
        "objection": "21",
        "withdraw_consent": "7(3)",
        "automated_decision": "22",
        "complaint": "77",
    }


def test_post_mortem_directives_cite_the_french_data_protection_act(tx: Taxonomy) -> None:
    article = tx.rights["post_mortem"].article
    assert article is not None
    assert "78-17" in article
    assert "art. 85" in article


# --- Recipients, safeguards, security measures


def test_recipient_types_follow_the_cnil_list(tx: Taxonomy) -> None:
    labels = {key: term.label.fr for key, term in tx.recipient_types.items()}
    assert labels["internal"] == "Service interne qui traite les données"
    assert labels["processors"] == "Sous-traitants"
    assert labels["third_country"] == "Destinataires dans des pays tiers ou organisations internationales"
    assert labels["partners"] == "Partenaires institutionnels ou commerciaux"
    assert labels["authorities"] == "Autorités administratives ou judiciaires"
    assert labels["other"] == "Autre"


def test_every_safeguard_cites_its_article(tx: Taxonomy) -> None:
    articles = {key: term.article for key, term in tx.safeguards.items()}
    assert articles == {
        "adequacy": "45",
        "dpf": "45",
        "scc": "46(2)(c)",
        "bcr": "47",
        "code_of_conduct": "46(2)(e)",
        "certification": "46(2)(f)",
        "derogation": "49",
    }
    assert tx.safeguards["scc"].label.fr == "Clauses contractuelles types (CCT)"


def test_security_measures_include_the_cnil_list(tx: Taxonomy) -> None:
    labels = {key: term.label.fr for key, term in tx.security_measures.items()}
    assert labels["traceability"] == "Mesures de traçabilité"
    assert labels["software_protection"] == "Mesures de protection des logiciels"
    assert labels["backup"] == "Sauvegarde des données"
    assert labels["encryption"] == "Chiffrement des données"
    assert labels["access_control"] == "Contrôle d’accès des utilisateurs"
    assert labels["processor_control"] == "Contrôle des sous-traitants"
    assert labels["other"] == "Autres mesures"
    assert {
        "pseudonymisation",
        "physical_security",
        "network_security",
        "password_policy",
        "staff_training",
        "authorization_management",
        "data_separation",
        "incident_response",
    } <= set(labels)


# --- Countries


def test_every_iso_country_code_is_listed(tx: Taxonomy) -> None:
    cldr = babel.Locale.parse("en").territories
    iso = {str(code) for code in cldr if re.fullmatch("[A-Z]{2}", str(code))} - NOT_ISO_COUNTRIES
    assert len(iso) == 249
    assert set(tx.countries) == iso | {"XK"}


def test_eea_has_thirty_states(tx: Taxonomy) -> None:
    states = {code for code, country in tx.countries.items() if country.eea and country.part_of is None}
    assert len(states) == 30
    assert states == EEA_STATES


def test_outermost_regions_are_in_the_eea_but_overseas_territories_are_not(tx: Taxonomy) -> None:
    for code in ("GP", "GF", "MQ", "RE", "YT", "MF"):
        assert tx.countries[code].eea
        assert tx.countries[code].part_of == "FR"
    assert tx.countries["AX"].part_of == "FI"
    for code in ("BL", "PM", "NC", "PF", "WF", "GL", "FO", "SJ", "AW", "CW", "GI"):
        assert not tx.countries[code].eea, code


def test_country_names_come_from_babel_in_both_languages(tx: Taxonomy) -> None:
    assert tx.countries["DE"].name("fr") == "Allemagne"
    assert tx.countries["DE"].name("en") == "Germany"
    assert tx.countries["US"].name("fr") == "États-Unis"
    for code, country in tx.countries.items():
        assert country.name("fr") != code, code
        assert country.name("en") != code, code


def test_an_unknown_country_name_falls_back_to_the_code() -> None:
    assert Country(code="QZ").name("fr") == "QZ"


def test_adequacy_covers_the_commission_list(tx: Taxonomy) -> None:
    adequate = {code for code, country in tx.countries.items() if country.adequacy}
    assert adequate == {
        "AD", "AR", "BR", "CA", "CH", "FO", "GB", "GG", "IL", "IM", "JE", "JP", "KR", "NZ", "US", "UY",
    }  # fmt: skip


def test_no_eea_country_has_an_adequacy_decision(tx: Taxonomy) -> None:
    for country in tx.countries.values():
        assert not (country.eea and country.adequacy), country.code


def test_united_states_adequacy_is_limited_to_dpf_certified_organisations(tx: Taxonomy) -> None:
    adequacy = tx.countries["US"].adequacy
    assert adequacy is not None
    assert adequacy.scope == "dpf"
    assert adequacy.scope_label is not None
    assert "Data Privacy Framework" in adequacy.scope_label.get("en")
    assert "certifiées" in adequacy.scope_label.get("fr")
    assert "2023/1795" in adequacy.decision


def test_canada_and_japan_adequacy_are_limited_to_their_private_sector_laws(tx: Taxonomy) -> None:
    canada, japan = tx.countries["CA"].adequacy, tx.countries["JP"].adequacy
    assert canada is not None and canada.scope == "pipeda"
    assert japan is not None and japan.scope == "appi"


def test_united_kingdom_adequacy_expires_end_of_2031(tx: Taxonomy) -> None:
    adequacy = tx.countries["GB"].adequacy
    assert adequacy is not None
    assert adequacy.review_until == datetime.date(2031, 12, 27)


def test_whole_country_adequacy_has_no_scope(tx: Taxonomy) -> None:
    adequacy = tx.countries["CH"].adequacy
    assert adequacy is not None
    assert adequacy.scope is None and adequacy.scope_label is None and adequacy.review_until is None


# --- Legal references


def test_legal_references_cite_french_law_with_a_duration(tx: Taxonomy) -> None:
    keeps = {key: reference.keep for key, reference in tx.legal_references.items()}
    assert keeps == {
        "fr.commerce.L123-22": "P10Y",
        "fr.lpf.L102B": "P6Y",
        "fr.cmf.L561-12": "P5Y",
        "fr.cpce.L34-1": "P1Y",
        "fr.lcen.6-II": "P1Y",
        "fr.civil.2224": "P5Y",
        "fr.commerce.L110-4": "P5Y",
        "fr.travail.L3243-4": "P5Y",
        "fr.consommation.L213-1": "P10Y",
    }
    assert tx.legal_references["fr.commerce.L123-22"].citation == "Code de commerce, art. L123-22"


@pytest.mark.parametrize("keep", ["P10Y", "P6M", "P1Y6M", "P30D", "P2W", "PT24H"])
def test_a_legal_reference_accepts_iso_durations(keep: str) -> None:
    reference = LegalReference(key="x", label=Localized(fr="x", en="x"), citation="x", keep=keep)
    assert reference.keep == keep


@pytest.mark.parametrize("keep", ["10 ans", "P", "PT", "10Y", "P10", "P1.5Y"])
def test_a_legal_reference_refuses_a_keep_that_is_not_a_duration(keep: str) -> None:
    with pytest.raises(ValidationError, match="ISO 8601 duration"):
        LegalReference(key="x", label=Localized(fr="x", en="x"), citation="x", keep=keep)


# --- Models


def test_models_are_frozen(tx: Taxonomy) -> None:
    with pytest.raises(ValidationError):
        tx.data_categories["contact.email"].group = "economic"  # type: ignore[misc]


def test_models_refuse_unknown_fields() -> None:
    with pytest.raises(ValidationError):
        Term.model_validate({"key": "x", "label": "x", "legal_basis": "consent"})


def test_an_adequacy_scope_needs_a_label() -> None:
    with pytest.raises(ValidationError, match="scope_label"):
        Adequacy(decision="x", scope="dpf")


def test_a_country_code_must_be_two_capital_letters() -> None:
    with pytest.raises(ValidationError, match="alpha-2"):
        Country(code="FRA")


# --- Extensions


def test_with_extensions_adds_user_declared_categories_and_subjects(tx: Taxonomy) -> None:
    badge = DataCategory(key="custom.parking_plate", label=Localized(fr="Plaque", en="Plate"), group="location")
    tenant = Term(key="tenants", label=Localized(fr="Locataires", en="Tenants"))
    extended = tx.with_extensions({"custom.parking_plate": badge}, {"tenants": tenant})
    assert extended.data_categories["custom.parking_plate"] == badge
    assert extended.category_kind("custom.parking_plate") == "standard"
    assert extended.data_subjects["tenants"] == tenant
    assert extended.data_categories.keys() >= tx.data_categories.keys()
    assert "custom.parking_plate" not in tx.data_categories
    assert "tenants" not in tx.data_subjects


def test_with_extensions_accepts_nothing_to_add(tx: Taxonomy) -> None:
    assert tx.with_extensions({}, {}) == tx


def test_with_extensions_refuses_a_category_in_an_unknown_group(tx: Taxonomy) -> None:
    stray = DataCategory(key="custom.x", label=Localized(fr="X"), group="nowhere")
    with pytest.raises(ValueError, match="unknown group 'nowhere'"):
        tx.with_extensions({"custom.x": stray}, {})


def test_with_extensions_refuses_to_redefine_a_taxonomy_term(tx: Taxonomy) -> None:
    email = DataCategory(key="contact.email", label=Localized(fr="Courriel"), group="identification")
    with pytest.raises(ValueError, match=r"contact\.email"):
        tx.with_extensions({"contact.email": email}, {})
    employees = Term(key="employees", label=Localized(fr="Personnel"))
    with pytest.raises(ValueError, match="employees"):
        tx.with_extensions({}, {"employees": employees})


def test_with_extensions_refuses_an_entry_filed_under_another_key(tx: Taxonomy) -> None:
    tenant = Term(key="tenants", label=Localized(fr="Locataires"))
    with pytest.raises(ValueError, match="carries the key"):
        tx.with_extensions({}, {"lodgers": tenant})


# --- Broken package data


def test_a_copy_of_the_package_data_reads_the_same(tmp_path: Path, tx: Taxonomy) -> None:
    assert read_taxonomy(copy_data(tmp_path)) == tx


def test_a_category_in_an_undeclared_group_is_a_clear_error(tmp_path: Path) -> None:
    data_dir = copy_data(tmp_path)
    path = data_dir / "data_categories.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("group: economic", "group: economy", 1))
    with pytest.raises(TaxonomyError, match="unknown group 'economy'"):
        read_taxonomy(data_dir)


def test_a_label_missing_its_english_is_a_clear_error(tmp_path: Path) -> None:
    data_dir = copy_data(tmp_path)
    (data_dir / "recipient_types.yaml").write_text("internal:\n  label:\n    fr: Service interne\n")
    with pytest.raises(TaxonomyError, match="recipient_types: internal"):
        read_taxonomy(data_dir)


def test_a_duplicate_key_is_a_clear_error(tmp_path: Path) -> None:
    data_dir = copy_data(tmp_path)
    (data_dir / "rights.yaml").write_text(
        "access:\n  label: {fr: Accès, en: Access}\naccess:\n  label: {fr: Accès, en: Access}\n"
    )
    with pytest.raises(TaxonomyError, match="duplicate key 'access'"):
        read_taxonomy(data_dir)


def test_an_unknown_field_names_the_file_and_the_entry(tmp_path: Path) -> None:
    data_dir = copy_data(tmp_path)
    (data_dir / "safeguards.yaml").write_text("scc:\n  label: {fr: CCT, en: SCC}\n  artcle: 46\n")
    with pytest.raises(TaxonomyError, match=r"safeguards\.yaml: scc: artcle: Extra inputs are not permitted"):
        read_taxonomy(data_dir)


def test_a_bare_norway_code_read_as_false_is_a_clear_error(tmp_path: Path) -> None:
    data_dir = copy_data(tmp_path)
    path = data_dir / "countries.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace('"NO":', "NO:"))
    with pytest.raises(TaxonomyError, match="quote it"):
        read_taxonomy(data_dir)


def test_adequacy_for_an_unlisted_country_is_a_clear_error(tmp_path: Path) -> None:
    data_dir = copy_data(tmp_path)
    path = data_dir / "countries.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("  UY:\n    decision", "  QZ:\n    decision"))
    with pytest.raises(TaxonomyError, match="adequacy for unknown countries: QZ"):
        read_taxonomy(data_dir)


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    data_dir = copy_data(tmp_path)
    (data_dir / "legal_bases.yaml").unlink()
    with pytest.raises(TaxonomyError, match=r"legal_bases\.yaml"):
        read_taxonomy(data_dir)


def test_category_groups_are_typed_models(tx: Taxonomy) -> None:
    assert isinstance(tx.category_groups["health"], CategoryGroup)


def test_the_korean_adequacy_scope_states_its_exclusions(tx: Taxonomy) -> None:
    adequacy = tx.countries["KR"].adequacy
    assert adequacy is not None and adequacy.scope_label is not None
    english = adequacy.scope_label.get("en")
    assert "religious organisations for their missionary activities" in english
    assert "political parties for the nomination of their candidates" in english
    assert "Credit Information Act" in english and "Financial Services Commission" in english
    assert "partis politiques" in adequacy.scope_label.get("fr")


def test_a_hosting_provider_keeps_connection_data_one_year_under_the_lcen(tx: Taxonomy) -> None:
    reference = tx.legal_references["fr.lcen.6-II"]
    assert reference.keep == "P1Y"
    assert "2004-575" in reference.citation and "2021-1362" in reference.citation


def test_the_us_adequacy_scope_reads_inside_a_sentence(tx: Taxonomy) -> None:
    adequacy = tx.countries["US"].adequacy
    assert adequacy is not None and adequacy.scope_label is not None
    assert not adequacy.scope_label.get("en").startswith("Only")
