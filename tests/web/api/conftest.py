"""Fixtures of the API tests: tokens of the named users, a client that sends them, a local receiver of webhooks."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client

from registre.web.accounts.actions import create_token
from registre.web.accounts.permissions import can

EVERY_ACTION = [
    "requests.view",
    "requests.handle",
    "requests.approve_erasure",
    "requests.create",
    "requests.create_verified",
    "webhooks.manage",
    "authority.view",
    "authority.manage",
    "authorised.view",
    "authorised.manage",
    "instructions.view",
    "instructions.record",
    "instructions.flag",
    "inspections.view",
    "inspections.manage",
    "audit.export",
]


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> Iterator[None]:
    """Rate limits count in the cache: each test starts from zero."""
    cache.clear()
    yield
    cache.clear()


class ApiClient:
    """Django's test client, sending `Authorization: Bearer <token>` and JSON bodies."""

    def __init__(self, token: str | None) -> None:
        self.client = Client()
        self.token = token

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self.client.get(path, params or {}, headers=self._headers())

    def post(self, path: str, body: Any = None, raw: str | None = None) -> Any:
        data = raw if raw is not None else json.dumps({} if body is None else body)
        return self.client.post(path, data, content_type="application/json", headers=self._headers())

    def patch(self, path: str, body: Any) -> Any:
        return self.client.patch(path, json.dumps(body), content_type="application/json", headers=self._headers())

    def delete(self, path: str) -> Any:
        return self.client.delete(path, headers=self._headers())


@pytest.fixture
def token_of(db: None) -> Callable[..., str]:
    """The raw token of `user` with `actions` (those the user's role allows, by default every API action)."""

    def make(user: User, actions: list[str] | None = None, name: str = "test") -> str:
        chosen = actions if actions is not None else [a for a in EVERY_ACTION if can(user, a)]
        return create_token(user, name, chosen)[1]

    return make


@pytest.fixture
def api_as(token_of: Callable[..., str]) -> Callable[..., ApiClient]:
    """An API client with a token of `user` (None: no token at all)."""

    def make(user: User | None, actions: list[str] | None = None, name: str = "test") -> ApiClient:
        return ApiClient(token_of(user, actions, name) if user is not None else None)

    return make


@dataclass
class Received:
    path: str
    headers: Message  # case-insensitive, as HTTP header names are
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    """A tiny HTTP server on 127.0.0.1 that records each POST and answers the next status of `answers`."""

    url: str
    received: list[Received] = field(default_factory=list)
    answers: list[int] = field(default_factory=list)


@pytest.fixture
def receiver(settings) -> Iterator[Receiver]:  # type: ignore[no-untyped-def]
    settings.REGISTRE_WEBHOOK_PRIVATE_ADDRESSES = True  # the receiver listens on the loopback
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            state.received.append(Received(self.path, self.headers, body))
            self.send_response(state.answers.pop(0) if state.answers else 200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
