"""Subjects and identities: parsing, normal forms, variants to look for, and unknown types."""

from __future__ import annotations

import pytest

from registre.core.engine.subjects import (
    Identity,
    Subject,
    SubjectError,
    canonical_identity,
    check_subjects,
    identity_kinds,
    match_values,
    unique_references,
)
from registre.core.policy import load_policy

KINDS = {"email": "email", "phone": "phone", "customer_number": None}


def test_an_identity_is_parsed_from_type_equals_value():
    assert Identity.parse(" email = ada@example.org ") == Identity("email", "ada@example.org")


@pytest.mark.parametrize("text", ["ada@example.org", "=ada@example.org", "email="])
def test_an_identity_without_type_or_value_is_refused(text):
    with pytest.raises(SubjectError):
        Identity.parse(text)


def test_an_overlong_identity_value_is_refused():
    with pytest.raises(SubjectError, match="at most 255"):
        Identity("email", "a" * 300)


def test_a_subject_reference_defaults_to_a_digest_not_the_email():
    subject = Subject.of("email=ada@example.org")
    assert subject.reference.startswith("s-")
    assert "ada" not in subject.reference
    assert Subject.of("email=ADA@example.org").reference == subject.reference


def test_a_subject_needs_an_identity():
    with pytest.raises(SubjectError):
        Subject.of()


def test_an_email_is_looked_for_in_lower_case_only():
    # The column side is lower(trim(column)): the normal form is the one value to look for.
    assert match_values(Identity("email", "Ada@Example.org"), "email") == ("ada@example.org",)
    assert match_values(Identity("email", "ada@example.org"), "email") == ("ada@example.org",)


def test_a_phone_is_looked_for_in_e164_first_then_its_other_written_forms():
    found = match_values(Identity("phone", "+33 6 12-34.56 (78)"), "phone")
    assert found[0] == "+33612345678"
    assert set(found) == {"+33612345678", "0612345678", "0033612345678", "33612345678", "+330612345678"}


def test_other_identities_are_looked_for_exactly():
    assert match_values(Identity("customer_number", "c001"), None) == ("c001",)


def test_the_canonical_identity_is_the_first_identity_in_normal_form():
    subject = Subject.of("email=Ada@Example.org", "phone=+33612345678")
    assert canonical_identity(subject, KINDS) == "email:ada@example.org"


def test_identity_kinds_come_from_the_declared_identity_columns(cloud_host_policy_path):
    policy = load_policy(cloud_host_policy_path, {})
    assert identity_kinds(policy) == {"customer_number": "exact", "email": "email", "phone": "phone"}


def test_an_unknown_identity_type_names_the_declared_ones():
    with pytest.raises(SubjectError, match="unknown identity type fax: the policy declares customer_number, email"):
        check_subjects(KINDS, [Subject.of("fax=1")])


def test_a_batch_refuses_a_reference_given_twice():
    with pytest.raises(SubjectError, match="twice"):
        unique_references([Subject.of("email=a@x.org", reference="r"), Subject.of("email=b@x.org", reference="r")])
