"""Sign-in through an OpenID Connect provider: a real provider on 127.0.0.1, the whole redirect flow.

The provider is written here with the standard library and PyJWT: discovery, authorisation (it signs in
whoever the test says), token (an RS256 ID token), userinfo and keys. The console is driven with Django's
test client; the provider is reached over HTTP, by the browser's steps (`requests`) and by Registre's
back channel (token, keys, userinfo).
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from jwt.algorithms import RSAAlgorithm

from registre.web.audit.models import AuditEntry
from registre.web.authorised.actions import designate, end_mission

pytestmark = pytest.mark.django_db
CLIENT_ID, CLIENT_SECRET = "registre-console", "s3cret-of-the-client"


@dataclass
class Provider:
    """What the provider does next: whom it signs in, and what it puts in the ID token."""

    issuer: str = ""
    email: str = "dpo@registre.test"
    email_verified: bool = True
    audience: str = CLIENT_ID
    key: rsa.RSAPrivateKey = field(
        default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    def id_token(self, nonce: str, signing_key: rsa.RSAPrivateKey | None = None) -> str:
        now = int(time.time())
        claims = {"iss": self.issuer, "sub": self.email, "aud": self.audience, "iat": now, "exp": now + 300}
        claims |= {"nonce": nonce, "email": self.email}
        return jwt.encode(claims, signing_key or self.key, algorithm="RS256", headers={"kid": "k1"})

    def jwks(self) -> dict[str, Any]:
        key = RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        return {"keys": [key | {"kid": "k1", "alg": "RS256", "use": "sig"}]}


def handler_for(provider: Provider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # quiet
            pass

        def send_json(self, body: object, status: int = 200) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            query = {key: values[0] for key, values in parse_qs(url.query).items()}
            if url.path == "/.well-known/openid-configuration":
                base = provider.issuer
                self.send_json(
                    {
                        "issuer": base,
                        "authorization_endpoint": f"{base}/authorize",
                        "token_endpoint": f"{base}/token",
                        "userinfo_endpoint": f"{base}/userinfo",
                        "jwks_uri": f"{base}/jwks",
                        "id_token_signing_alg_values_supported": ["RS256"],
                    }
                )
            elif url.path == "/authorize":
                # The person signs in at the provider; it sends the browser back with a one-time code.
                assert query["client_id"] == CLIENT_ID and query["response_type"] == "code"
                code = secrets.token_urlsafe(16)
                provider.codes[code] = query
                self.send_response(302)
                self.send_header(
                    "Location", f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}"
                )
                self.end_headers()
            elif url.path == "/jwks":
                self.send_json(provider.jwks())
            elif url.path == "/userinfo":
                token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                if token not in provider.tokens:
                    self.send_json({"error": "invalid_token"}, 401)
                    return
                email = provider.tokens[token]
                self.send_json({"sub": email, "email": email, "email_verified": provider.email_verified})
            else:
                self.send_json({"error": "not_found"}, 404)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            form = {key: values[0] for key, values in parse_qs(self.rfile.read(length).decode()).items()}
            request = provider.codes.pop(form.get("code", ""), None)
            if (
                self.path != "/token"
                or request is None
                or form.get("client_secret") != CLIENT_SECRET
                or form.get("redirect_uri") != request["redirect_uri"]
                or not form.get("code_verifier")  # PKCE
            ):
                self.send_json({"error": "invalid_grant"}, 400)
                return
            access = secrets.token_urlsafe(16)
            provider.tokens[access] = provider.email
            body = {"access_token": access, "token_type": "Bearer", "expires_in": 300}
            self.send_json(body | {"id_token": provider.id_token(request["nonce"])})

    return Handler


@pytest.fixture
def provider(settings) -> Iterator[Provider]:
    """A provider on 127.0.0.1; the settings configured from its discovery document, as docs/web.md says."""
    found = Provider()
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(found))
    found.issuer = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    discovery = requests.get(f"{found.issuer}/.well-known/openid-configuration", timeout=5).json()
    settings.REGISTRE_OIDC_ENABLED = True
    settings.REGISTRE_OIDC_ISSUER = discovery["issuer"]
    settings.REGISTRE_OIDC_PROVIDER_NAME = "Exemple SSO"
    settings.OIDC_RP_CLIENT_ID, settings.OIDC_RP_CLIENT_SECRET = CLIENT_ID, CLIENT_SECRET
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = discovery["authorization_endpoint"]
    settings.OIDC_OP_TOKEN_ENDPOINT = discovery["token_endpoint"]
    settings.OIDC_OP_USER_ENDPOINT = discovery["userinfo_endpoint"]
    settings.OIDC_OP_JWKS_ENDPOINT = discovery["jwks_uri"]
    settings.AUTHENTICATION_BACKENDS = [
        "django.contrib.auth.backends.ModelBackend",
        "registre.web.accounts.oidc.StaffOIDCBackend",
    ]
    yield found
    server.shutdown()
    server.server_close()


def sign_in(browser: Client, path: str = "/console/oidc/sign-in/") -> Any:
    """The browser's round trip: Registre -> provider -> Registre's callback. The callback's response."""
    start = browser.get(path)
    assert start.status_code == 302, start
    at_provider = requests.get(start["Location"], allow_redirects=False, timeout=5)
    assert at_provider.status_code == 302
    back = urlsplit(at_provider.headers["Location"])
    assert back.path == "/console/oidc/callback/"
    return browser.get(back.path, dict(parse_qs(back.query)), HTTP_ACCEPT_LANGUAGE="en")


def test_a_staff_member_signs_in_through_the_provider_and_is_audited(provider, dpo):
    browser = Client()
    assert "Sign in with Exemple SSO" in browser.get("/console/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    response = sign_in(browser)
    assert response.status_code == 302 and response["Location"] == "/console/"
    assert browser.get("/console/").status_code == 200
    assert browser.get("/console/dpia/").status_code == 200  # the dpo's role applies
    entry = AuditEntry.objects.get(action="accounts.oidc_signed_in")
    assert entry.actor_name == "dpo" and entry.details == {"user_id": dpo.pk}


def test_the_email_matches_whatever_its_case(provider, auditor):
    provider.email = "AUDITOR@Registre.TEST"
    browser = Client()
    assert sign_in(browser)["Location"] == "/console/"
    assert browser.get("/console/audit/").status_code == 200


def refusal(browser: Client) -> str:
    response = sign_in(browser)
    assert response.status_code == 302 and response["Location"].startswith("/console/oidc/refused/")
    page = browser.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 403
    assert browser.get("/console/").status_code == 302  # still not signed in
    return page.content.decode()


def test_a_person_unknown_to_registre_is_refused_and_no_account_is_created(provider, dpo):
    provider.email = "stranger@exemple.fr"
    before = User.objects.count()
    assert "no staff account with your e-mail address" in refusal(Client())
    assert User.objects.count() == before
    entry = AuditEntry.objects.get(action="accounts.oidc_refused")
    assert entry.details == {"reason": "unknown"} and "stranger" not in str(entry.details)


def test_a_deactivated_account_is_refused(provider, dpo):
    dpo.is_active = False
    dpo.save()
    assert "Your staff account is deactivated" in refusal(Client())


def test_an_authorised_person_whose_mission_ended_is_refused(provider, dpo, agent):
    person = designate(
        dpo,
        full_name="A. Gent",
        job_title="Support",
        designated_on=timezone.localdate(),
        activities=[],
        systems=[],
        user=agent,
    )
    end_mission(person, dpo)
    agent.is_active = True  # even reactivated by hand, the ended mission keeps the door shut
    agent.save()
    provider.email = "agent@registre.test"
    assert "Your mission as an authorised person has ended" in refusal(Client())


def test_an_address_the_provider_does_not_vouch_for_is_refused(provider, dpo):
    provider.email_verified = False
    assert "did not confirm your e-mail address" in refusal(Client())


def test_an_id_token_made_for_another_client_is_refused(provider, dpo):
    provider.audience = "another-application"
    assert "The sign-in through your identity provider failed" in refusal(Client())
    assert AuditEntry.objects.get(action="accounts.oidc_refused").details == {"reason": "failed"}


def test_an_id_token_signed_by_another_key_is_refused(provider, dpo):
    provider.key, published = rsa.generate_private_key(public_exponent=65537, key_size=2048), provider.key
    provider.jwks = lambda: {  # type: ignore[method-assign]
        "keys": [RSAAlgorithm.to_jwk(published.public_key(), as_dict=True) | {"kid": "k1", "alg": "RS256"}]
    }
    assert "failed" in refusal(Client())
    assert not AuditEntry.objects.filter(action="accounts.oidc_signed_in").exists()


def test_a_callback_with_a_forged_state_signs_no_one_in(provider, dpo):
    browser = Client()
    browser.get("/console/oidc/sign-in/")
    response = browser.get("/console/oidc/callback/", {"code": "x", "state": "forged"})
    assert response.status_code == 400  # the library calls it a suspicious operation
    assert browser.get("/console/").status_code == 302


def test_without_configuration_the_provider_pages_do_not_exist(client):
    assert client.get("/console/oidc/sign-in/").status_code == 404
    assert client.get("/console/oidc/callback/").status_code == 404
    assert "Sign in with" not in client.get("/console/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_the_refusal_page_speaks_french(client):
    page = client.get("/console/oidc/refused/?reason=unknown", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Connexion refusée" in page and "aucun compte n’est créé à la connexion" in page
    assert "Connexion refusée" in client.get("/console/oidc/refused/?reason=<script>").content.decode()
