"""Requests: one or many subjects, checked, with their parameters."""

from __future__ import annotations

import datetime as dt

import pytest

from registre.core.engine.request import make_request, parameter_name
from registre.core.engine.subjects import Subject, SubjectError


def test_a_single_subject_is_not_a_batch():
    request = make_request("access", Subject.of("email=a@x.org"), today=dt.date(2026, 1, 2))
    assert not request.batch
    assert request.today == dt.date(2026, 1, 2)


def test_several_subjects_make_a_batch_with_their_identity_types():
    request = make_request("erase", [Subject.of("email=a@x.org", reference="a"), Subject.of("phone=1", reference="b")])
    assert request.batch
    assert request.identity_types() == {"email", "phone"}


def test_an_unknown_action_or_no_subject_is_refused():
    with pytest.raises(ValueError, match="unknown action"):
        make_request("forget", Subject.of("email=a@x.org"))  # type: ignore[arg-type]
    with pytest.raises(SubjectError):
        make_request("erase", [])


def test_rectified_values_are_given_by_parameter_name():
    request = make_request("rectify", Subject.of("email=a@x.org"), changes={"last-name": "Lovelace"})
    assert request.changes_parameters() == {"rectified_last_name": "Lovelace"}
    assert parameter_name("customer.number") == "customer_number"
