"""The portal's request form: fields for the right, what it needs, and its checks."""

from __future__ import annotations

import pytest

from registre.web.policy import current_policy
from registre.web.portal.forms import RequestForm

pytestmark = pytest.mark.django_db


def form(kind, **data):
    return RequestForm({"email": "ada@example.org", **data}, kind=kind, policy=current_policy())


def test_an_access_needs_only_an_email(workspace):
    access = form("access", identity_phone="+33 6 00 00 00 00")
    assert access.is_valid()
    assert access.details() == {}
    assert access.identities()["phone"] == "+33 6 00 00 00 00"


def test_a_rectification_lists_the_declared_personal_fields(workspace):
    rectification = form("rectification", field_1="job_title", value_1="CTO", field_2="", value_2="")
    assert "job_title" in dict(rectification.fields["field_1"].choices)
    assert "company_name" in dict(rectification.fields["field_1"].choices)
    assert rectification.is_valid() and rectification.details() == {"changes": {"job_title": "CTO"}}


def test_an_objection_to_other_processing_needs_reasons(workspace):
    assert not form("objection", scope="situation").is_valid()
    objection = form("objection", scope="situation", activities=["call-quality"], grounds="I never agreed.")
    assert objection.is_valid()
    assert objection.details() == {"scope": "situation", "activities": ["call-quality"], "grounds": "I never agreed."}
    marketing = form("objection", scope="direct_marketing")
    assert marketing.is_valid() and marketing.details() == {"scope": "direct_marketing"}


def test_directives_need_their_text(workspace):
    assert not form("post_mortem").is_valid()
    directive = form("post_mortem", directive="Close my accounts.")
    assert directive.is_valid() and directive.details() == {"directive": "Close my accounts."}
