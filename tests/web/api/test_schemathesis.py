"""Property-based calls of every operation of the staff API, with every check of schemathesis.

Each operation gets a few generated calls (`MAX_EXAMPLES`, derandomised), with a token of the DPO that
may do every API action: whatever the input, the answer is one the schema documents, an error is
problem+json, nothing is a server error, and input valid by the schema is accepted. The refusals that
depend on data no schema holds (an unknown client...) are listed, per operation, in schemathesis.toml at
the root of the repository. Bounded so that the suite stays fast.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
import schemathesis.specs.openapi.checks
from django.core.handlers.wsgi import WSGIHandler
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import CHECKS
from schemathesis.config import SchemathesisConfig

pytestmark = pytest.mark.django_db
MAX_EXAMPLES = 3
CONFIG = Path(__file__).parents[3] / "schemathesis.toml"


def operations():  # type: ignore[no-untyped-def]
    config = SchemathesisConfig.from_path(str(CONFIG))
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", WSGIHandler(), config=config)
    return [result.ok() for result in schema.get_all_operations()]


def test_every_operation_answers_as_documented_whatever_the_input(dpo, token_of, settings):  # type: ignore[no-untyped-def]
    settings.REGISTRE_API_RATE_PER_TOKEN = 10**6
    settings.REGISTRE_API_RATE_PER_ADDRESS = 10**6
    headers = {"Authorization": f"Bearer {token_of(dpo)}"}
    checks = CHECKS.get_all()
    assert "positive_data_acceptance" in {check.__name__ for check in checks}
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


def test_valid_input_may_be_refused_only_where_the_refusal_depends_on_data():
    refusing = {
        operation.definition.raw["operationId"]
        for operation in operations()
        if "400"
        in operation.schema.config.checks_config_for(operation=operation).positive_data_acceptance.expected_statuses
    }
    assert refusing == {
        "request_create",
        "request_forward",
        "webhook_create",
        "webhook_update",
        "authority_create",
        "authorised_create",
        "inspection_create",
    }
