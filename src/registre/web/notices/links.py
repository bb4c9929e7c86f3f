"""The signed link of a client's notice: the notice's number, encrypted and authenticated, then never reused.

As the unsubscribe links (`registre.web.consent.links`), the token is a Fernet
token of the vault: a changed or cut token does not open, and it reveals
nothing. Each sending makes a new token with a random nonce; the notice keeps
only the SHA-256 of the last one sent, so an older link no longer opens it.
"""

from __future__ import annotations

import hashlib
import json
import secrets

from django.conf import settings
from django.urls import reverse

from registre.core.notices import NoticeError
from registre.web.vault.keys import VaultError, decrypt_text, encrypt_text


def issue_token(notice_pk: int) -> str:
    payload = {"k": "notice", "n": notice_pk, "r": secrets.token_hex(8)}
    return encrypt_text(json.dumps(payload, separators=(",", ":")))


def read_token(token: str) -> int:
    """The notice number of `token`; NoticeError `invalid-link` when it was tampered with or is not one of ours."""
    try:
        payload = json.loads(decrypt_text(token))
        if payload.get("k") != "notice":
            raise ValueError("not a notice link")
        return int(payload["n"])
    except (VaultError, ValueError, KeyError, TypeError, AttributeError):
        raise NoticeError("invalid-link") from None


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def answer_url(token: str) -> str:
    return settings.REGISTRE_BASE_URL + reverse("notices:answer", args=[token])
