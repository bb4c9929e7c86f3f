"""Transfers outside the EEA derived from sub-processors, recipients and declarations."""

from __future__ import annotations

from collections.abc import Callable

from registre.core.documents.transfers import activity_transfers, is_transfer, subprocessor_transfer
from registre.core.documents.vocabulary import policy_taxonomy
from registre.core.policy import Policy


def test_the_eea_is_not_a_transfer_and_an_unknown_code_is(cloud_host: Policy) -> None:
    taxonomy = policy_taxonomy(cloud_host)
    assert not is_transfer("DE", taxonomy)
    assert not is_transfer("NO", taxonomy)
    assert is_transfer("US", taxonomy)
    assert is_transfer("ZZ", taxonomy)


def test_a_us_sub_processor_transfers_under_its_declared_safeguard(cloud_host: Policy) -> None:
    taxonomy = policy_taxonomy(cloud_host)
    line = subprocessor_transfer(cloud_host.processors["salesforce"], taxonomy, "fr")
    assert line is not None
    assert (line.recipient, line.country) == ("Salesforce Inc.", "États-Unis")
    assert line.safeguard == "Clauses contractuelles types (CCT)"
    assert line.safeguard_reference == "Clauses contractuelles types (CCT), article 46.2.c du RGPD"


def test_the_data_location_not_the_seat_decides(cloud_host: Policy) -> None:
    # Twilio Ireland processes the data in Germany: no transfer.
    assert subprocessor_transfer(cloud_host.processors["twilio"], policy_taxonomy(cloud_host), "en") is None


def test_an_activity_lists_the_transfers_of_its_own_sub_processors(cloud_host: Policy) -> None:
    taxonomy = policy_taxonomy(cloud_host)
    assert [t.recipient for t in activity_transfers(cloud_host, "support", taxonomy, "en")] == ["Zendesk Inc."]
    assert activity_transfers(cloud_host, "billing", taxonomy, "en") == []


def test_an_adequate_country_is_covered_by_the_adequacy_decision(
    make_policy: Callable[..., Policy], with_activity: Callable[..., Policy]
) -> None:
    policy = make_policy(processors={"mail": {"name": "Mail AG", "country": "CH", "purpose": "Emails"}})
    policy = with_activity(policy, "accounts", processors=["mail"])
    [line] = activity_transfers(policy, "accounts", policy_taxonomy(policy), "en")
    assert line.safeguard == "Adequacy decision"
    assert line.article == "Article 45 GDPR"
    assert line.documentation  # the decision itself


def test_declared_transfers_apply_to_their_activities_or_to_all(make_policy: Callable[..., Policy]) -> None:
    policy = make_policy(
        transfers=[
            {"recipient": "Group Inc.", "country": "US", "safeguard": "bcr"},
            {"recipient": "Other Ltd", "country": "IN", "safeguard": "scc", "activities": ["elsewhere"]},
        ]
    )
    [line] = activity_transfers(policy, "accounts", policy_taxonomy(policy), "en")
    assert (line.recipient, line.safeguard) == ("Group Inc.", "Binding corporate rules (BCR)")


def test_a_recipient_in_a_third_country_without_safeguard_says_so(
    small_policy: Policy, with_activity: Callable[..., Policy]
) -> None:
    recipient = {"type": "partners", "name": {"fr": "Agence", "en": "Agency"}, "country": "IN"}
    policy = with_activity(small_policy, "accounts", recipients=[recipient])
    [line] = activity_transfers(policy, "accounts", policy_taxonomy(policy), "fr")
    assert (line.recipient, line.country, line.safeguard) == ("Agence", "Inde", "Aucune garantie déclarée")


def test_hosting_outside_the_eea_is_a_transfer_of_every_activity_using_the_system(cloud_host: Policy) -> None:
    from registre.core.documents.transfers import activity_hosting, activity_transfers
    from registre.core.documents.vocabulary import policy_taxonomy as taxonomy_of

    crm = cloud_host.systems["crm"].model_copy(update={"location": "US", "host": "Acme Cloud Inc.", "safeguard": "scc"})
    policy = cloud_host.model_copy(update={"systems": {**cloud_host.systems, "crm": crm}})
    taxonomy = taxonomy_of(policy)
    lines = activity_transfers(policy, "support", taxonomy, "en")
    assert (lines[0].recipient, lines[0].country, lines[0].safeguard_reference) == (
        "Acme Cloud Inc.",
        "United States",
        "Standard contractual clauses (SCC), Article 46(2)(c) GDPR",
    )
    assert activity_hosting(policy, [policy.activities["support"]], taxonomy, "fr") == ("Acme Cloud Inc., États-Unis",)
    assert activity_transfers(policy, "hosted-messaging", taxonomy, "en") == []
