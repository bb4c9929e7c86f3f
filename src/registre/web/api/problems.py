"""Errors of the REST API as problem details (RFC 9457): `application/problem+json` with type, title, status, detail.

Each kind of error has a stable `type` (a URN, listed in docs/api.md) that clients may test; `title`
is the same for every occurrence of the type, `detail` says what happened this time. Details never
carry personal data: they come from Registre's own messages (refusals, transitions), not from input.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from pydantic import Field
from pydantic import ValidationError as PydanticValidationError

from registre.web.api.ratelimit import RateLimited
from registre.web.portal.actions import TooManyChallenges
from registre.web.requests.actions import PolicyUnavailable, TransitionError

logger = logging.getLogger(__name__)
MEDIA_TYPE = "application/problem+json"


class Problem(Schema):
    """An error, as RFC 9457 problem details."""

    type: str = Field(description="A URN naming the kind of error (docs/api.md lists them).")
    title: str = Field(description="A short summary of that kind of error.")
    status: int = Field(description="The HTTP status code.")
    detail: str = Field(description="What happened this time.")
    errors: list[dict[str, Any]] | None = Field(None, description="Invalid fields (type `invalid-input` only).")


# type slug -> (status, title)
KINDS: dict[str, tuple[int, str]] = {
    "invalid-input": (422, "The request's body or parameters are not valid"),
    "refused-input": (400, "The values given were refused"),
    "unauthenticated": (401, "A valid API token is required"),
    "forbidden": (403, "The token may not do this"),
    "not-found": (404, "No such resource"),
    "transition-not-allowed": (409, "This step is not possible in the request's current state"),
    "rate-limited": (429, "Too many requests"),
    "policy-unavailable": (503, "The policy is missing or has errors"),
    "server-error": (500, "An unexpected error"),
}

# What every operation may answer besides its success: documented in the OpenAPI schema.
COMMON = (401, 403, 422, 429)


def problem(kind: str, detail: str, *, errors: list[dict[str, Any]] | None = None) -> HttpResponse:
    status, title = KINDS[kind]
    body = Problem(type=f"urn:registre:problem:{kind}", title=title, status=status, detail=detail, errors=errors)
    return HttpResponse(
        body.model_dump_json(exclude_none=True), status=status, content_type=f"{MEDIA_TYPE}; charset=utf-8"
    )


def error_responses(*statuses: int) -> dict[int, type[Problem]]:
    """The `response=` entries of an operation's errors: the common ones and `statuses`."""
    return dict.fromkeys(sorted({*COMMON, *statuses}), Problem)


def install_problem_handlers(api: NinjaAPI) -> None:
    """Turn the exceptions of authentication, permissions, actions and validation into problem details."""

    def rate_limited(request: HttpRequest, error: RateLimited) -> HttpResponse:
        response = problem("rate-limited", str(error))
        response["Retry-After"] = str(error.retry_after)
        return response

    def http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
        kinds = {status: kind for kind, (status, _title) in KINDS.items()}
        if isinstance(error, AuthenticationError) or error.status_code == 401:
            response = problem("unauthenticated", "Send `Authorization: Bearer rgt_...` with an active token.")
            response["WWW-Authenticate"] = 'Bearer realm="registre"'
            return response
        return problem(kinds.get(error.status_code, "refused-input"), str(error))

    def validation(request: HttpRequest, error: ValidationError) -> HttpResponse:
        errors = [{"loc": list(item.get("loc", ())), "msg": item.get("msg", "")} for item in error.errors]
        return problem("invalid-input", "Some fields are missing or invalid.", errors=errors)

    handlers: list[tuple[type[Exception], Any]] = [
        (RateLimited, rate_limited),
        (HttpError, http_error),
        (ValidationError, validation),
        # A bug of ours (a response that fails its own schema) stays a server error, not a 400.
        (PydanticValidationError, _server_error),
        (PermissionDenied, lambda request, error: problem("forbidden", f"Not allowed: {error or 'refused'}.")),
        (Http404, lambda request, error: problem("not-found", "No such resource, or not within the token's scope.")),
        (ObjectDoesNotExist, lambda request, error: problem("not-found", "No such resource.")),
        (TransitionError, lambda request, error: problem("transition-not-allowed", str(error))),
        (ValueError, lambda request, error: problem("refused-input", str(error))),
        (TooManyChallenges, lambda request, error: _too_many_challenges()),
        (PolicyUnavailable, lambda request, error: problem("policy-unavailable", str(error))),
        (Exception, _server_error),
    ]
    for exception, handler in handlers:
        api.add_exception_handler(exception, handler)


def _server_error(request: HttpRequest, error: Exception) -> HttpResponse:
    """A bug of ours, still answered as problem+json; the log keeps the type of error, not its values."""
    logger.error("API error on %s %s: %s", request.method, request.path, type(error).__name__)
    return problem("server-error", "Something went wrong on our side; the error is logged.")


def _too_many_challenges() -> HttpResponse:
    response = problem("rate-limited", "Too many verification emails for this address within the hour.")
    response["Retry-After"] = "3600"
    return response
