"""How the APIs describe themselves in OpenAPI.

- Each operation's id is its URL name (`request_create`...): stable and short.
- Errors answered as problem details are documented with their media type, `application/problem+json`.
"""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI

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
        return schema
