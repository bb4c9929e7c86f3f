"""The example policies shipped with Registre pass `registre check --strict`, and say what they promise."""

from __future__ import annotations

from pathlib import Path

import pytest

from registre.core.policy import Policy, check_policy, load_policy

EXAMPLES = ("cloud_host_policy_path", "field_services_policy_path")


@pytest.fixture
def field_services(field_services_policy_path: Path) -> Policy:
    return load_policy(field_services_policy_path, environ={})


@pytest.mark.parametrize("example", EXAMPLES)
def test_the_example_has_no_error_and_no_warning(request: pytest.FixtureRequest, example: str) -> None:
    loaded = check_policy(request.getfixturevalue(example), environ={})
    assert [str(diagnostic) for diagnostic in loaded.diagnostics] == []


@pytest.mark.parametrize("example", EXAMPLES)
def test_the_example_names_a_dpo_and_a_contact_for_requests(request: pytest.FixtureRequest, example: str) -> None:
    policy = check_policy(request.getfixturevalue(example), environ={}).policy
    assert policy is not None
    assert policy.organisation.contacts.dpo is not None and policy.organisation.contacts.dpo.email
    assert policy.organisation.contacts.requests.email


def test_field_services_databases_default_to_sqlite_files_beside_the_policy(
    field_services: Policy, field_services_policy_path: Path
) -> None:
    demo = field_services_policy_path.parent
    assert {name: system.url for name, system in field_services.systems.items()} == {
        "app": f"sqlite:///{demo / 'field.sqlite'}",
        "accounting": f"sqlite:///{demo / 'accounting.sqlite'}",
    }


def test_field_services_urls_come_from_the_environment(field_services_policy_path: Path) -> None:
    policy = load_policy(field_services_policy_path, environ={"FIELD_DATABASE_URL": "postgresql://db/field"})
    assert policy.systems["app"].url == "postgresql://db/field"


def test_field_services_is_controller_only(field_services: Policy) -> None:
    assert {activity.role for activity in field_services.activities.values()} == {"controller"}


def test_field_services_sets_no_cookie_and_logs_no_browsing(field_services: Policy) -> None:
    categories = {
        str(spec.category)
        for _, _, _, dataset in field_services.iter_datasets()
        for spec in dataset.personal_fields().values()
    }
    assert not any(category.startswith("connection.") for category in categories)


def test_field_services_keeps_every_piece_of_data_in_france(field_services: Policy) -> None:
    assert {system.location for system in field_services.systems.values()} == {"FR"}
    assert {processor.data_location for processor in field_services.processors.values()} == {"FR"}
    assert field_services.transfers == []


def test_field_services_covers_every_personal_dataset_with_an_activity(field_services: Policy) -> None:
    for reference, _, _, dataset in field_services.iter_datasets():
        if dataset.personal_fields():
            assert field_services.activities_using(reference), reference


def test_field_services_keeps_invoices_and_payslips_under_legal_holds(field_services: Policy) -> None:
    holds = {
        reference: [hold.reference for hold in dataset.holds]
        for reference, _, _, dataset in field_services.iter_datasets()
        if dataset.holds
    }
    assert holds == {
        "accounting.invoices": ["fr.commerce.L123-22"],
        "accounting.payslips": ["fr.travail.L3243-4"],
    }


def test_field_services_keeps_interventions_a_short_time_after_they_end(field_services: Policy) -> None:
    retention = field_services.activities["intervention-management"].retention
    assert retention is not None
    assert (retention.from_, str(retention.keep)) == ("app.interventions.completed_at", "P6M")
    assert retention.after is not None and "intervention" in retention.after.get("fr")


@pytest.mark.parametrize(
    ("activity", "basis"),
    [
        ("intervention-management", "contract"),
        ("invoicing", "legal_obligation"),
        ("technician-management", "contract"),
        ("satisfaction-surveys", "legitimate_interest"),
        ("newsletter", "consent"),
    ],
)
def test_field_services_activities_rest_on_their_legal_basis(field_services: Policy, activity: str, basis: str) -> None:
    assert field_services.activities[activity].legal_basis == basis


def test_field_services_states_the_interest_behind_its_surveys(field_services: Policy) -> None:
    interest = field_services.activities["satisfaction-surveys"].legitimate_interest
    assert interest is not None and interest.fr and interest.en


def test_a_host_s_connection_logs_cite_the_lcen_not_the_telecom_code(cloud_host_policy_path):
    from registre.core.policy import load_policy

    policy = load_policy(cloud_host_policy_path, {})
    assert policy.activities["security-logs"].legal_obligation == "fr.lcen.6-II"
    assert [hold.reference for hold in policy.systems["crm"].datasets["access_logs"].holds] == ["fr.lcen.6-II"]
