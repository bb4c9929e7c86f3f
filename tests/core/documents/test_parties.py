"""Contacts flattened for the CNIL blocks."""

from __future__ import annotations

from registre.core.documents.parties import Party, contact_party, head_party, organisation_party
from registre.core.documents.vocabulary import policy_taxonomy
from registre.core.policy import Policy
from registre.core.policy.model import Contact


def test_the_head_of_the_organisation_is_reached_at_its_address(cloud_host: Policy) -> None:
    head = head_party(cloud_host.organisation, policy_taxonomy(cloud_host), "fr")
    assert (head.first_name, head.name, head.full_name) == ("Claire", "MARTIN", "Claire MARTIN")
    assert head.address_line == "12 rue de la Clef, 59000 Lille, France"
    assert head.email == "direction@nuage-exemple.fr"


def test_without_a_head_the_organisation_stands_for_itself(small_policy: Policy) -> None:
    policy = small_policy
    head = head_party(policy.organisation, policy_taxonomy(policy), "en")
    assert head.name == "Petite Boîte SARL"
    assert head.email == "rgpd@petite-boite.fr"


def test_the_organisation_gives_its_switchboard_and_website(cloud_host: Policy) -> None:
    party = organisation_party(cloud_host.organisation, policy_taxonomy(cloud_host), "en")
    assert party.full_name == "Nuage Exemple SAS"
    assert party.phone == "+33 3 20 00 00 00"
    assert party.url == "https://www.nuage-exemple.fr"
    assert party.country == "France"


def test_a_missing_contact_is_an_empty_party(cloud_host: Policy) -> None:
    assert contact_party(None, policy_taxonomy(cloud_host), "fr").is_empty
    assert Party().address_line == ""


def test_a_contact_without_address_borrows_the_given_one(cloud_host: Policy) -> None:
    contact = Contact(name="DUPONT", email="d@example.fr")
    party = contact_party(contact, policy_taxonomy(cloud_host), "fr", address=cloud_host.organisation.address)
    assert party.city == "Lille"
    assert not party.is_empty
