"""How the APIs describe themselves in OpenAPI.

- Each operation's id is its URL name (`request_create`...): stable and short.
- Errors answered as problem details are documented with their media type, `application/problem+json`.
- The identity types a request may carry are those of the policy in force, named when the schema is served:
  valid input by the schema is input the API accepts (schemathesis's `positive_data_acceptance`).
"""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI

from registre.core.engine.subjects import identity_kinds
from registre.web.policy import current_policy

PROBLEM_MEDIA_TYPE = "application/problem+json"


class DescribedAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Any) -> str:
        return str(getattr(operation, "url_name", "") or super().get_openapi_operation_id(operation))

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema["paths"].values():
            for operation in operations.values():
                for response in operation.get("responses", {}).values():
                    content = response.get("content", {})
                    json = content.get("application/json", {})
                    if json.get("schema", {}).get("$ref", "").endswith("/Problem"):
                        content[PROBLEM_MEDIA_TYPE] = content.pop("application/json")
        identities = schema.get("components", {}).get("schemas", {}).get("Identities")
        if identities is not None:
            name_identity_types(identities)
        return schema


def name_identity_types(identities: dict[str, Any]) -> None:
    """The `Identities` schema with a property per identity type of the policy in force, and no other.

    Without a policy (or with errors in it) the schema is left open: intake then answers 503 anyway.
    """
    policy = current_policy()
    if policy is None:
        return
    for kind in sorted(identity_kinds(policy)):
        if kind != "email":
            identities["properties"][kind] = {"type": "string", "title": kind}
    identities["additionalProperties"] = False
