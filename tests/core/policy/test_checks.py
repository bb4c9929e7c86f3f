"""Every rule of `registre check`, each with a policy that breaks it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from registre.core.policy import Diagnostic, PolicyError, check_policy, load_policy


def diagnostics(path: Path, environ: dict[str, str] | None = None, today: dt.date | None = None) -> list[Diagnostic]:
    return check_policy(path, environ or {}, today=today).diagnostics


def line_of(path: Path, needle: str) -> int:
    """The line number (from 1) of the first line of `path` containing `needle`."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if needle in line)


def only(found: list[Diagnostic], severity: str = "error") -> Diagnostic:
    matching = [d for d in found if d.severity == severity]
    assert len(matching) == 1, "\n".join(map(str, found))
    return matching[0]


def test_the_valid_policy_has_no_problem(write_policy):
    assert diagnostics(write_policy()) == []


def test_an_unknown_key_is_reported_at_its_line_with_a_suggestion(write_policy):
    path = write_policy(("    legal_basis: legal_obligation\n", "    legal_bais: legal_obligation\n"))
    found = diagnostics(path)
    unknown = next(d for d in found if d.code == "unknown-key")
    assert unknown.position.line == line_of(path, "legal_bais")
    assert unknown.position.column == 5
    assert "unknown key 'legal_bais'" in unknown.message
    assert "did you mean 'legal_basis'?" in unknown.message


def test_an_undeclared_category_is_reported_with_a_suggestion(write_policy):
    path = write_policy(("number: economic.invoice", "number: economic.invoise"))
    diagnostic = only(diagnostics(path))
    assert "data category 'economic.invoise' is not declared" in diagnostic.message
    assert "did you mean 'economic.invoice'?" in diagnostic.message
    assert (diagnostic.position.line, diagnostic.position.column) == (line_of(path, "invoise"), 19)


def test_an_undeclared_data_subject_is_reported(write_policy):
    path = write_policy(("data_subjects: [customers]", "data_subjects: [customer]"))
    assert "data subject 'customer' is not declared (did you mean 'customers'?)" in only(diagnostics(path)).message


def test_an_undeclared_dataset_is_reported(write_policy):
    path = write_policy(("datasets: [crm.invoices]", "datasets: [crm.invoice]"))
    found = diagnostics(path)
    assert any("dataset of system crm 'invoice' is not declared (did you mean 'invoices'?)" in d.message for d in found)


def test_an_undeclared_system_is_reported(write_policy):
    path = write_policy(("datasets: [crm.invoices]", "datasets: [crn.invoices]"))
    assert any("system 'crn' is not declared (did you mean 'crm'?)" in d.message for d in diagnostics(path))


def test_an_undeclared_field_in_a_reference_is_reported(write_policy):
    path = write_policy(("references: {contact_id: contacts.id}", "references: {contact_id: contacts.ident}"))
    assert "column 'ident' is not a declared field of crm.contacts" in only(diagnostics(path)).message


def test_an_identity_column_must_be_a_declared_field(write_policy):
    path = write_policy(("identity: {email: email}", "identity: {email: mail}"))
    message = only(diagnostics(path)).message
    assert "identity column 'mail' is not a declared field" in message
    assert "did you mean 'email'?" in message


def test_an_undeclared_subprocessor_is_reported(write_policy):
    path = write_policy(("    security: [backup]\n", "    security: [backup]\n    processors: [stripe]\n"))
    assert "sub-processor 'stripe' is not declared" in only(diagnostics(path)).message


def test_an_undeclared_legal_reference_for_a_hold_is_reported(write_policy):
    path = write_policy(("reference: fr.commerce.L123-22", "reference: fr.commerce.L123-21"))
    assert "legal reference 'fr.commerce.L123-21' is not declared" in only(diagnostics(path)).message


def test_a_missing_purpose_is_reported_at_the_activity(write_policy):
    path = write_policy(("    purpose: Facturation\n", ""))
    diagnostic = only(diagnostics(path))
    assert "activities.billing has no purpose" in diagnostic.message
    assert diagnostic.position.line == line_of(path, "  billing:")


def test_a_controller_activity_without_legal_basis_is_an_error(write_policy):
    path = write_policy(("    legal_basis: legal_obligation\n", ""))
    assert "activity 'billing' has no legal basis" in only(diagnostics(path)).message


def test_an_unknown_legal_basis_is_reported_with_a_suggestion(write_policy):
    path = write_policy(("legal_basis: legal_obligation", "legal_basis: legal_obligations"))
    assert "did you mean 'legal_obligation'?" in only(diagnostics(path)).message


def test_legitimate_interest_needs_the_interest_stated(write_policy):
    path = write_policy(("    legitimate_interest: {fr: Développer notre activité, en: Growing our business}\n", ""))
    diagnostic = only(diagnostics(path))
    assert diagnostic.code == "legitimate-interest"
    assert "without stating the interest" in diagnostic.message


def test_special_categories_need_an_article_9_condition(write_policy):
    path = write_policy(
        ("          last_contact_at:", "          allergies: special.health\n          last_contact_at:")
    )
    diagnostic = only(diagnostics(path))
    assert diagnostic.code == "special-category"
    assert "special.health" in diagnostic.message


def test_special_categories_with_an_article_9_condition_pass(write_policy):
    path = write_policy(
        ("          last_contact_at:", "          allergies: special.health\n          last_contact_at:"),
        (
            "    datasets: [crm.contacts]\n",
            "    datasets: [crm.contacts]\n    special_condition: explicit_consent\n",
        ),
    )
    assert diagnostics(path) == []


def test_criminal_data_get_a_warning(write_policy):
    path = write_policy(
        ("          last_contact_at:", "          record: criminal.convictions\n          last_contact_at:")
    )
    assert only(diagnostics(path), "warning").code == "criminal-data"


def test_retention_without_duration_is_an_error(write_policy):
    path = write_policy(("{keep: P10Y, from: crm.invoices.issued_at}", "{from: crm.invoices.issued_at}"))
    assert "retention has no duration" in only(diagnostics(path)).message


def test_retention_with_an_invalid_duration_is_an_error(write_policy):
    path = write_policy(("keep: P10Y", "keep: 10 years"))
    assert "is not an ISO 8601 duration" in only(diagnostics(path)).message


def test_retention_anchored_on_an_undeclared_column_is_an_error(write_policy):
    path = write_policy(("from: crm.invoices.issued_at}", "from: crm.invoices.issued_on}"))
    message = only(diagnostics(path)).message
    assert "retention anchor column 'issued_on' is not a declared field of crm.invoices" in message
    assert "did you mean 'issued_at'?" in message


def test_retention_anchored_on_a_non_date_column_is_an_error(write_policy):
    path = write_policy(
        ("number: economic.invoice", "number: {category: economic.invoice, type: string}"),
        ("from: crm.invoices.issued_at}", "from: crm.invoices.number}"),
    )
    assert "is of type string, not a date" in only(diagnostics(path)).message


def test_retention_anchored_on_an_untyped_column_gets_a_warning(write_policy):
    path = write_policy(("issued_at: {type: date}", "issued_at: {}"))
    assert "declare the type of retention anchor" in only(diagnostics(path), "warning").message


def test_a_controller_activity_without_retention_gets_a_warning(write_policy):
    path = write_policy(("    retention: {keep: P10Y, from: crm.invoices.issued_at}\n", ""))
    assert only(diagnostics(path), "warning").code == "retention"


def test_a_dataset_with_personal_data_and_no_activity_is_an_error(write_policy):
    path = write_policy(
        ("datasets: [crm.invoices]", "datasets: []"),
        (
            "    retention: {keep: P10Y, from: crm.invoices.issued_at}\n",
            "    retention: {keep: P10Y, after: la facture}\n",
        ),
    )
    diagnostic = only(diagnostics(path))
    assert diagnostic.code == "uncovered-dataset"
    assert "crm.invoices holds personal data but no activity lists it" in diagnostic.message


def test_a_transfer_to_a_country_without_adequacy_needs_a_safeguard(write_policy, valid_text):
    text = valid_text + (
        "processors:\n  offshore:\n    name: Offshore Support Ltd\n    country: IN\n    purpose: Support\n"
    )
    path = write_policy(("    security: [backup]\n", "    security: [backup]\n    processors: [offshore]\n"), text=text)
    diagnostic = only(diagnostics(path))
    assert diagnostic.code == "transfer"
    assert "India" in diagnostic.message and "no EU adequacy decision" in diagnostic.message


def test_a_transfer_with_standard_contractual_clauses_passes(write_policy, valid_text):
    text = valid_text + (
        "processors:\n  offshore:\n    name: Offshore Support Ltd\n    country: IN\n"
        "    purpose: Support\n    safeguard: scc\n"
    )
    path = write_policy(("    security: [backup]\n", "    security: [backup]\n    processors: [offshore]\n"), text=text)
    assert diagnostics(path) == []


def test_a_us_recipient_relying_on_adequacy_needs_dpf_certification(write_policy, valid_text):
    text = valid_text + (
        "processors:\n  crm_vendor:\n    name: CRM Vendor Inc.\n    country: US\n"
        "    purpose: CRM\n    safeguard: adequacy\n"
    )
    path = write_policy(
        ("    security: [backup]\n", "    security: [backup]\n    processors: [crm_vendor]\n"), text=text
    )
    diagnostic = only(diagnostics(path))
    assert "Data Privacy Framework" in diagnostic.message or "dpf" in diagnostic.message


def test_a_dpf_certified_us_recipient_passes(write_policy, valid_text):
    text = valid_text + (
        "processors:\n  crm_vendor:\n    name: CRM Vendor Inc.\n    country: US\n    purpose: CRM\n    safeguard: dpf\n"
    )
    path = write_policy(
        ("    security: [backup]\n", "    security: [backup]\n    processors: [crm_vendor]\n"), text=text
    )
    assert diagnostics(path) == []


def test_a_canadian_recipient_outside_pipeda_needs_a_safeguard(write_policy, valid_text):
    text = valid_text + ("processors:\n  maple:\n    name: Maple Hosting\n    country: CA\n    purpose: Hosting\n")
    path = write_policy(("    security: [backup]\n", "    security: [backup]\n    processors: [maple]\n"), text=text)
    assert "adequacy_scope: pipeda" in only(diagnostics(path)).message


def test_an_expired_adequacy_decision_is_an_error(write_policy, valid_text):
    text = valid_text + "processors:\n  uk:\n    name: UK Ltd\n    country: GB\n    purpose: Hosting\n"
    path = write_policy(("    security: [backup]\n", "    security: [backup]\n    processors: [uk]\n"), text=text)
    assert diagnostics(path, today=dt.date(2031, 12, 1)) == []
    assert "expired on 2031-12-27" in only(diagnostics(path, today=dt.date(2032, 1, 5))).message


def test_a_recipient_outside_the_eea_must_be_declared_as_a_transfer(write_policy):
    path = write_policy(
        (
            "    security: [backup]\n",
            "    security: [backup]\n    recipients:\n      - {type: partners, name: Audit Co, country: MA}\n",
        ),
    )
    assert only(diagnostics(path)).code == "transfer"


def test_a_processor_activity_needs_controllers_and_security_measures(write_policy, valid_text):
    text = valid_text + (
        "  hosting:\n    name: Hébergement\n    role: processor\n    purpose: Hébergement des données des clients\n"
        "    datasets: [crm.contacts]\n    data_subjects: [end_users_of_clients]\n"
    )
    found = [d for d in diagnostics(write_policy(text=text)) if d.severity == "error"]
    messages = " ".join(d.message for d in found)
    assert "names no controller" in messages
    assert "describes no security measures" in messages


def test_an_unset_environment_variable_is_reported_where_it_is_used(write_policy):
    path = write_policy(("${CRM_URL:-sqlite:///crm.sqlite}", "${CRM_URL}"))
    diagnostic = only(diagnostics(path))
    assert diagnostic.message == "environment variable CRM_URL is not set"
    assert diagnostic.position.line == line_of(path, "${CRM_URL}")
    assert diagnostics(path, {"CRM_URL": "sqlite://"}) == []


def test_invalid_yaml_is_reported_without_a_traceback(write_policy):
    path = write_policy(("name: Petite Boîte SAS", "name: [Petite Boîte SAS"))
    diagnostic = only(diagnostics(path))
    assert diagnostic.code == "yaml"
    assert diagnostic.position.file.endswith("registre.yaml")


def test_a_key_declared_twice_is_reported(write_policy):
    path = write_policy(("  billing:\n", "  prospecting:\n"))
    duplicate = next(d for d in diagnostics(path) if d.code == "duplicate-key")
    assert "'prospecting' is declared twice" in duplicate.message
    assert duplicate.position.line == line_of(path, "  prospecting:") + 9


def test_every_problem_is_reported_at_once(write_policy):
    path = write_policy(
        ("number: economic.invoice", "number: economic.invoise"),
        ("data_subjects: [customers]", "data_subjects: [customer]"),
        ("    purpose: Facturation\n", "    purpose: Facturation\n    colour: blue\n"),
    )
    codes = sorted(d.code for d in diagnostics(path))
    assert codes.count("unknown-reference") == 2
    assert "unknown-key" in codes


def test_a_malformed_entry_does_not_hide_problems_elsewhere(write_policy):
    path = write_policy(
        ("    purpose: Facturation\n", "    purpose: Facturation\n    colour: blue\n"),
        ("identity: {email: email}", "identity: {email: mail}"),
    )
    messages = [d.message for d in diagnostics(path)]
    assert any("unknown key 'colour'" in m for m in messages)
    assert any("identity column 'mail'" in m for m in messages)
    assert not any("no activity lists it" in m for m in messages)


def test_included_files_are_checked_with_their_own_positions(write_policy, tmp_path):
    (tmp_path / "extra.yaml").write_text(
        "processors:\n  stripe:\n    name: Stripe\n    country: IE\n    purpose: Paiements\n    colour: red\n",
        encoding="utf-8",
    )
    path = write_policy(
        ("registre: 1\n", "registre: 1\ninclude: [extra.yaml]\n"),
        ("    security: [backup]\n", "    security: [backup]\n    processors: [stripe]\n"),
    )
    diagnostic = only(diagnostics(path))
    assert diagnostic.position.file.endswith("extra.yaml")
    assert diagnostic.position.line == 6


def test_a_missing_include_is_reported(write_policy):
    path = write_policy(("registre: 1\n", "registre: 1\ninclude: [nowhere.yaml]\n"))
    assert "nowhere.yaml does not exist" in only(diagnostics(path)).message


def test_load_policy_raises_with_every_error(write_policy):
    path = write_policy(("data_subjects: [customers]", "data_subjects: [customer]"))
    with pytest.raises(PolicyError) as raised:
        load_policy(path, {})
    assert "registre.yaml:" in str(raised.value)
    assert raised.value.diagnostics


def test_both_examples_pass_strict_checking(cloud_host_policy_path, field_services_policy_path):
    for path in (cloud_host_policy_path, field_services_policy_path):
        if path.exists():
            assert check_policy(path, {}).diagnostics == []


def test_relative_sqlite_paths_are_relative_to_the_policy_file(write_policy, tmp_path):
    policy = load_policy(write_policy(), {})
    assert policy.systems["crm"].url == f"sqlite:///{tmp_path / 'crm.sqlite'}"


def test_an_invalid_database_url_is_reported(write_policy):
    path = write_policy(("${CRM_URL:-sqlite:///crm.sqlite}", "not a url"))
    diagnostic = only(diagnostics(path))
    assert "systems.crm.url is not a SQLAlchemy URL" in diagnostic.message
    assert diagnostic.position.line == line_of(path, "not a url")


def test_declared_terms_that_redefine_the_taxonomy_are_reported(write_policy, valid_text):
    text = valid_text + (
        "categories:\n  contact.email: {label: Mail, group: identification}\n"
        "  pets.name: {label: Nom de l'animal, group: nowhere}\n"
        "subjects:\n  customers: {label: Clients}\n"
    )
    messages = sorted(d.message for d in diagnostics(write_policy(text=text)))
    assert "categories.contact.email is already defined by the taxonomy" in messages[0]
    assert any("category group 'nowhere' is not declared" in m for m in messages)
    assert any("subjects.customers is already defined by the taxonomy" in m for m in messages)


def test_an_unquoted_comma_in_a_translated_text_gets_a_hint(write_policy):
    path = write_policy(
        (
            "purpose: {fr: Prospection commerciale, en: Prospecting}",
            "purpose: {fr: Prospection, relance, en: Prospecting}",
        )
    )
    diagnostic = only(diagnostics(path))
    assert "unknown key 'relance' in activities.prospecting.purpose" in diagnostic.message
    assert "a text that contains a comma must be quoted" in diagnostic.message


# Malformed values: each is an error at its position, never an exception ------------------------


def test_an_activity_with_empty_datasets_is_an_error_not_a_type_error(write_policy):
    path = write_policy(("    datasets: [crm.contacts]\n", "    datasets:\n"))
    found = diagnostics(path)
    error = next(d for d in found if "activities.prospecting.datasets" in d.message)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert error.position.line == lines.index("    datasets:", lines.index("  prospecting:")) + 1
    assert "has no value" in error.message


def test_an_activity_written_as_a_list_is_an_error_not_an_attribute_error(write_policy):
    path = write_policy(("  prospecting:\n", "  prospecting:\n    - crm.contacts\n  unused:\n"))
    found = diagnostics(path)
    assert any(d.code == "invalid-value" and d.position.line == line_of(path, "- crm.contacts") for d in found)


def test_activities_written_as_a_list_is_an_error(write_policy):
    path = write_policy(("activities:\n", "activities:\n  - x\nother:\n"))
    assert any(d.severity == "error" for d in diagnostics(path))


def test_a_url_with_a_port_that_is_not_a_number_is_an_error_at_the_url(write_policy):
    path = write_policy(("${CRM_URL:-sqlite:///crm.sqlite}", "postgresql://u@localhost:abc/db"))
    error = only(diagnostics(path))
    assert error.position.line == line_of(path, "postgresql://")
    assert "systems.crm.url is not a SQLAlchemy URL" in error.message


def test_an_organisation_name_set_to_null_is_an_error(write_policy):
    path = write_policy(("  name: Petite Boîte SAS\n", "  name: ~\n"))
    error = only(diagnostics(path))
    assert error.position.line == 4
    assert (
        error.message == "organisation.name: has no value (~ or nothing after the colon): give one, or remove the key"
    )


@pytest.mark.parametrize("blank", ["''", "'   '"])
def test_a_blank_organisation_name_is_an_error(write_policy, blank):
    path = write_policy(("  name: Petite Boîte SAS\n", f"  name: {blank}\n"))
    assert only(diagnostics(path)).position.line == 4


def test_a_blank_activity_name_is_an_error(write_policy):
    path = write_policy(("    name: Facturation\n", "    name: ' '\n"))
    assert "at least one language" in only(diagnostics(path)).message


def test_a_contact_with_nothing_to_reach_it_is_an_error(write_policy):
    path = write_policy(("    dpo: {name: DPO, email: dpo@petite.fr}\n", "    dpo: {name: ~}\n"))
    assert "a contact needs" in only(diagnostics(path)).message


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("  country: FR\n  contacts:", "  country: ZZ\n  contacts:"),
        (
            "    requests: {email: privacy@petite.fr}",
            "    requests: {email: privacy@petite.fr, address: {country: ZZ}}",
        ),
        ("    location: FR", "    location: ZZ"),
    ],
)
def test_an_unknown_country_code_is_an_error_wherever_it_is(write_policy, old, new):
    path = write_policy((old, new))
    error = only(diagnostics(path))
    assert "country code 'ZZ' is not declared" in error.message
    assert error.position.line == line_of(path, "ZZ")


@pytest.mark.parametrize("days", ["99999999999", "-1", "3651"])
def test_a_notice_delay_out_of_range_is_an_error(write_policy, days):
    path = write_policy(("effective: 2026-01-01\n", f"effective: 2026-01-01\nnotices: {{response_days: {days}}}\n"))
    assert only(diagnostics(path)).position.line == 3


@pytest.mark.parametrize("keep", ["P1001Y", "P99999999999999999999D", "P400000D"])
def test_a_retention_longer_than_a_thousand_years_is_an_error(write_policy, keep):
    path = write_policy(("keep: P3Y", f"keep: {keep}"))
    assert "years" in only(diagnostics(path)).message
