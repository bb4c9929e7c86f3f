"""Property-based calls of every operation of the staff API, with every check of schemathesis.

Each operation gets a few generated calls (`MAX_EXAMPLES`, derandomised), with a token of the DPO that
may do every API action: whatever the input, the answer is one the schema documents, an error is
problem+json, and nothing is a server error. Bounded so that the suite stays fast.
"""

from __future__ import annotations

import pytest
import schemathesis
import schemathesis.specs.openapi.checks
from django.core.handlers.wsgi import WSGIHandler
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import CHECKS

pytestmark = pytest.mark.django_db
MAX_EXAMPLES = 3
# Every check but this one: input valid by the schema may still be refused by the policy in force (an
# identity type it does not declare, a client it does not know), as `refused-input` (400) or 422.
BUSINESS_RULES = {"positive_data_acceptance"}


def operations():  # type: ignore[no-untyped-def]
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", WSGIHandler())
    return [result.ok() for result in schema.get_all_operations()]


def test_every_operation_answers_as_documented_whatever_the_input(dpo, token_of, settings):  # type: ignore[no-untyped-def]
    settings.REGISTRE_API_RATE_PER_TOKEN = 10**6
    settings.REGISTRE_API_RATE_PER_ADDRESS = 10**6
    headers = {"Authorization": f"Bearer {token_of(dpo)}"}
    checks = [check for check in CHECKS.get_all() if check.__name__ not in BUSINESS_RULES]
    found = operations()
    assert len(found) > 10
    for operation in found:

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck)
        )
        def call(case):  # type: ignore[no-untyped-def]
            case.call_and_validate(headers=headers, checks=checks)

        call()


def test_a_huge_offset_is_a_documented_problem_not_a_server_error(dpo, api_as):
    response = api_as(dpo).get("/api/v1/requests", {"offset": "9223372036854775808"})
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
