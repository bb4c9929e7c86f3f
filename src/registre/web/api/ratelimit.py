"""Fixed-window rate limits for the API (per token and per client address), with the wait in `Retry-After`.

Windows are aligned on the clock (a 60-second window is a minute of the clock), so that the time left
in the window is known and said in `Retry-After`. Counting reuses the portal's cache counter
(`portal.throttle.allow`: keys hashed with the lookup key, so that no address sits in the cache in clear).

    decision = hit("api:token:42", limit=300, window=60)
    if not decision.allowed: ...  decision.retry_after  # seconds until the window ends

    @rate_limited(20, 600)           # a Django view: 429 with Retry-After past 20 POSTs per address in 10 minutes
    def request_form(request): ...
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase

from registre.web.portal.throttle import allow
from registre.web.security import client_address

MINUTE = 60


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: int  # seconds until the current window ends


class RateLimited(Exception):
    """Too many requests in the current window; `retry_after` seconds until it ends."""

    def __init__(self, retry_after: int, what: str = "requests") -> None:
        super().__init__(f"too many {what}: retry in {retry_after} s")
        self.retry_after = retry_after


def hit(key: str, limit: int, window: int, now: float | None = None) -> Decision:
    """Count one hit for `key` in the current clock-aligned `window` (seconds); allowed while at most `limit`."""
    now = time.time() if now is None else now
    start = int(now // window) * window
    allowed = allow(f"{key}|{start}", limit, window)
    return Decision(allowed, max(1, math.ceil(start + window - now)))


def limit_address(request: HttpRequest, scope: str = "api") -> None:
    """Count one API call from the client's address; RateLimited past REGISTRE_API_RATE_PER_ADDRESS a minute."""
    decision = hit(f"{scope}:address:{client_address(request)}", settings.REGISTRE_API_RATE_PER_ADDRESS, MINUTE)
    if not decision.allowed:
        raise RateLimited(decision.retry_after)


def limit_token(token_id: int) -> None:
    """Count one API call of a token; RateLimited past REGISTRE_API_RATE_PER_TOKEN a minute."""
    decision = hit(f"api:token:{token_id}", settings.REGISTRE_API_RATE_PER_TOKEN, MINUTE)
    if not decision.allowed:
        raise RateLimited(decision.retry_after)


View = Callable[..., HttpResponseBase]


def too_many(request: HttpRequest, retry_after: int) -> HttpResponse:
    return HttpResponse("Too many requests: please wait.\n", status=429, content_type="text/plain; charset=utf-8")


def rate_limited(
    limit: int,
    window: int,
    *,
    methods: Iterable[str] = ("POST",),
    scope: str = "",
    respond: Callable[[HttpRequest, int], HttpResponseBase] = too_many,
) -> Callable[[View], View]:
    """Decorate a Django view: past `limit` calls per client address within `window` seconds, answer 429.

    Only `methods` count (posts, by default). `respond(request, retry_after)` makes the 429 page (plain
    text by default); its `Retry-After` header is set here.
    """
    counted = frozenset(method.upper() for method in methods)

    def decorate(view: View) -> View:
        name = scope or f"{view.__module__}.{view.__name__}"

        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if request.method in counted:
                decision = hit(f"view:{name}:{client_address(request)}", limit, window)
                if not decision.allowed:
                    response = respond(request, decision.retry_after)
                    response["Retry-After"] = str(decision.retry_after)
                    return response
            return view(request, *args, **kwargs)

        return guarded

    return decorate
