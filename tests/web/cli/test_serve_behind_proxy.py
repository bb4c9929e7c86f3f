"""`registre serve` behind a real reverse proxy hop: client addresses and HTTPS come from the proxy's headers.

The proxy here is a small HTTP server in the test process, on 127.0.0.1, that forwards each request to a
`registre serve` process and appends `X-Forwarded-For` (the client it saw) and `X-Forwarded-Proto: https`,
as nginx or a load balancer terminating TLS does. Its clients all come from 127.0.0.1; the test says which
client a request stands for with `X-Test-Peer`, which the proxy takes off.
"""

from __future__ import annotations

import http.client
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlencode

import pytest
from tests.web.cli.test_serve import LAUNCHER, environment, free_port, wait_until_up  # type: ignore[import-not-found]

PASSWORDS: dict[str, str] = {}
CLI = "from registre.cli.main import app; app()"
HOST = "privacy.example.test"
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection"}


def start_proxy(backend_port: int) -> tuple[ThreadingHTTPServer, str]:
    class Forward(BaseHTTPRequestHandler):
        def forward(self) -> None:
            peer = self.headers.get("X-Test-Peer") or self.client_address[0]
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP and k != "X-Test-Peer"}
            previous = self.headers.get("X-Forwarded-For")
            headers["X-Forwarded-For"] = f"{previous}, {peer}" if previous else peer
            headers["X-Forwarded-Proto"] = "https"
            upstream = http.client.HTTPConnection("127.0.0.1", backend_port, timeout=30)
            upstream.request(self.command, self.path, body=body, headers=headers)
            answer = upstream.getresponse()
            content = answer.read()
            self.send_response(answer.status)
            for name, value in answer.getheaders():
                if name.lower() not in HOP_BY_HOP and name.lower() != "content-length":
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)
            upstream.close()

        do_GET = do_POST = forward

        def log_message(self, *args: Any) -> None:
            pass

    proxy = ThreadingHTTPServer(("127.0.0.1", 0), Forward)
    threading.Thread(target=proxy.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return proxy, f"127.0.0.1:{proxy.server_address[1]}"


@pytest.fixture(scope="module")
def proxied(tmp_path_factory) -> Iterator[str]:
    tmp_path = tmp_path_factory.mktemp("behind-proxy")
    port = free_port()
    environ = environment(tmp_path) | {
        "REGISTRE_BASE_URL": "https://privacy.example.test",
        "REGISTRE_TRUSTED_PROXIES": "1",
        "REGISTRE_PROXY_SSL_HEADER": "true",
        "REGISTRE_API_RATE_PER_ADDRESS": "3",
    }
    process = subprocess.Popen(
        [sys.executable, "-c", LAUNCHER, "serve", "--port", str(port), "--without-worker"],
        env=environ,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    proxy = None
    try:
        wait_until_up(f"http://127.0.0.1:{port}/health/", process)
        created = subprocess.run(
            [sys.executable, "-c", CLI, "staff", "create", "--email", "agent@proxy.test", "--role", "agent"],
            env=environ,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=True,
        )
        PASSWORDS["agent@proxy.test"] = re.search(r"password: (\S+)", created.stdout)[1]
        proxy, address = start_proxy(port)
        yield address
    finally:
        if proxy is not None:
            proxy.shutdown()
        process.kill()
        process.wait(10)


def call(address: str, path: str, peer: str) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection(address, timeout=30)
    connection.request("GET", path, headers={"Host": "privacy.example.test", "X-Test-Peer": peer})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def test_rate_limits_count_each_client_behind_the_proxy_apart(proxied, whole_rate_window):
    statuses = [call(proxied, "/api/v1/requests", "203.0.113.7").status for _ in range(4)]
    assert statuses == [401, 401, 401, 429]
    assert call(proxied, "/api/v1/requests", "198.51.100.9").status == 401  # another client is not limited


def test_hsts_is_sent_when_the_proxy_terminated_tls(proxied):
    response = call(proxied, "/health/", "203.0.113.7")
    assert response.status == 200
    assert response.getheader("Strict-Transport-Security", "").startswith("max-age=")


def log_in(address: str, peer: str, password: str) -> int:
    """Sign in as the agent through the proxy, as client `peer`: 302 when it worked, 200 (the form again) if not."""
    connection = http.client.HTTPConnection(address, timeout=30)
    connection.request("GET", "/console/login/", headers={"Host": HOST, "X-Test-Peer": peer})
    page = connection.getresponse()
    html = page.read().decode()
    cookie = re.search(r"csrftoken=([^;]+)", page.getheader("Set-Cookie") or "")[1]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
    body = urlencode({"csrfmiddlewaretoken": token, "username": "agent@proxy.test", "password": password})
    headers = {
        "Host": HOST,
        "X-Test-Peer": peer,
        "Cookie": f"csrftoken={cookie}",
        "Content-Type": "application/x-www-form-urlencoded",
        "Origin": f"https://{HOST}",
        "Referer": f"https://{HOST}/console/login/",
    }
    connection.request("POST", "/console/login/", body=body, headers=headers)
    answer = connection.getresponse()
    answer.read()
    connection.close()
    return answer.status


def test_failed_logins_lock_only_the_client_that_made_them(proxied):
    password = PASSWORDS["agent@proxy.test"]
    assert [log_in(proxied, "203.0.113.50", "wrong") for _ in range(5)] == [200] * 5
    assert log_in(proxied, "203.0.113.50", password) == 200  # locked: the form again
    assert log_in(proxied, "198.51.100.60", password) == 302  # another client signs in
