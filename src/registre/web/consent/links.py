"""Per-recipient unsubscribe links: the recipient, the purpose and the language, encrypted and authenticated.

The token is a Fernet token of the vault (AES, HMAC-SHA256): whoever holds it
learns nothing of the address, and a changed or cut token does not open. Each
token carries a random nonce, so every message gets its own link; a used link's
digest is kept (`UnsubscribeUse`), so a replay is refused.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse

from registre.core.consent import ConsentError, unsubscribe_headers
from registre.web.vault.keys import VaultError, decrypt_text, encrypt_text


@dataclass(frozen=True)
class LinkClaims:
    """What an unsubscribe link stands for."""

    email: str
    purpose: str
    lang: str


def issue_token(email: str, purpose: str, lang: str = "fr") -> str:
    payload = {"e": email.strip(), "p": purpose, "l": lang if lang in ("fr", "en") else "fr"}
    payload["n"] = secrets.token_hex(8)
    return encrypt_text(json.dumps(payload, separators=(",", ":")))


def read_token(token: str) -> LinkClaims:
    """The claims of `token`; ConsentError `invalid-link` when it was tampered with or is not ours."""
    try:
        payload = json.loads(decrypt_text(token))
        return LinkClaims(str(payload["e"]), str(payload["p"]), str(payload.get("l", "fr")))
    except (VaultError, ValueError, KeyError, TypeError):
        raise ConsentError("invalid-link") from None


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def unsubscribe_url(token: str) -> str:
    return settings.REGISTRE_BASE_URL + reverse("consent:unsubscribe", args=[token])


def unsubscribe_link(email: str, purpose: str, lang: str = "fr") -> dict[str, object]:
    """A recipient's link and the headers of their message: {"url", "headers"}."""
    url = unsubscribe_url(issue_token(email, purpose, lang))
    return {"url": url, "headers": unsubscribe_headers(url)}
