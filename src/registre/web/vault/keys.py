"""The keys of the vault: Fernet keys for encryption, an HMAC key for lookup hashes."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import unicodedata
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class VaultError(Exception):
    """A ciphertext that no configured key opens, or that was tampered with."""


def generate_key() -> str:
    """A new Fernet key (32 random bytes, URL-safe base64): what REGISTRE_ENCRYPTION_KEYS holds."""
    return Fernet.generate_key().decode()


def encryption_keys() -> tuple[bytes, ...]:
    """The configured keys as raw 32-byte secrets, the encrypting one first."""
    return tuple(_raw_key(key, position) for position, key in enumerate(_configured_keys(), 1))


def fernet() -> MultiFernet:
    """Encrypts with the first configured key, decrypts with any of them."""
    return _multi_fernet(_configured_keys())


def primary_fernet() -> Fernet:
    """The first key alone: a token it opens needs no rotation."""
    return Fernet(base64.urlsafe_b64encode(encryption_keys()[0]))


def encrypt_text(text: str) -> str:
    return fernet().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt_text(token: str) -> str:
    """The plain text of a Fernet token; VaultError when no configured key opens it."""
    try:
        return fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError) as error:
        raise VaultError("no configured encryption key opens this value") from error


def normalise_identity(value: str) -> str:
    """The form in which identities are hashed: Unicode NFC, trimmed, case-folded."""
    return unicodedata.normalize("NFC", value).strip().casefold()


def lookup_hash(value: str) -> str:
    """HMAC-SHA256 (hex) of the normalised `value` under REGISTRE_LOOKUP_KEY.

    Stored beside an encrypted identity, it finds the row without decrypting;
    in the audit log it is the subject reference. The same identity always
    gives the same hash; without the key, the hash reveals nothing.
    """
    key = settings.REGISTRE_LOOKUP_KEY.encode("utf-8")
    return hmac.new(key, normalise_identity(value).encode("utf-8"), hashlib.sha256).hexdigest()


def _configured_keys() -> tuple[str, ...]:
    keys = tuple(settings.REGISTRE_ENCRYPTION_KEYS)
    if not keys:
        raise ImproperlyConfigured("REGISTRE_ENCRYPTION_KEYS is empty")
    return keys


@lru_cache(maxsize=8)
def _multi_fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(base64.urlsafe_b64encode(_raw_key(key, n))) for n, key in enumerate(keys, 1)])


def _raw_key(key: str, position: int) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(key.encode("ascii"))
    except (binascii.Error, UnicodeError):
        raw = b""
    if len(raw) != 32:  # say which key, never print it
        raise ImproperlyConfigured(f"REGISTRE_ENCRYPTION_KEYS: key {position} is not a Fernet key")
    return raw
