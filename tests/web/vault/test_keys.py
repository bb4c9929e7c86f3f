"""Encryption of text with the configured keys, and keyed lookup hashes."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from registre.web.vault.keys import (
    VaultError,
    decrypt_text,
    encrypt_text,
    encryption_keys,
    generate_key,
    lookup_hash,
    normalise_identity,
)


def test_text_round_trips_and_is_not_readable_at_rest():
    token = encrypt_text("ada@exemple.fr")
    assert "ada@exemple.fr" not in token
    assert decrypt_text(token) == "ada@exemple.fr"
    assert encrypt_text("ada@exemple.fr") != token, "a fresh IV every time"


def test_the_first_key_encrypts_and_every_key_decrypts(settings):
    old = settings.REGISTRE_ENCRYPTION_KEYS[0]
    token = encrypt_text("kept")
    settings.REGISTRE_ENCRYPTION_KEYS = [generate_key(), old]
    assert decrypt_text(token) == "kept"
    assert Fernet(settings.REGISTRE_ENCRYPTION_KEYS[0]).decrypt(encrypt_text("new").encode()) == b"new"


def test_a_value_no_key_opens_is_a_vault_error(settings):
    token = encrypt_text("lost")
    settings.REGISTRE_ENCRYPTION_KEYS = [generate_key()]
    with pytest.raises(VaultError, match="no configured encryption key"):
        decrypt_text(token)


def test_a_malformed_key_is_named_by_position_never_printed(settings):
    settings.REGISTRE_ENCRYPTION_KEYS = [generate_key(), "not-a-key"]
    with pytest.raises(ImproperlyConfigured, match="key 2 is not a Fernet key") as caught:
        encryption_keys()
    assert "not-a-key" not in str(caught.value)


def test_lookup_hashes_are_keyed_stable_and_normalised(settings):
    assert lookup_hash("  Ada@Exemple.FR ") == lookup_hash("ada@exemple.fr")
    assert len(lookup_hash("ada@exemple.fr")) == 64
    before = lookup_hash("ada@exemple.fr")
    settings.REGISTRE_LOOKUP_KEY = "another key"
    assert lookup_hash("ada@exemple.fr") != before


def test_identities_are_normalised_by_unicode_case_and_spaces():
    assert normalise_identity(" E\u0301LODIE@exemple.fr ") == normalise_identity("élodie@EXEMPLE.fr")
