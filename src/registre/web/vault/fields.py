"""Model fields encrypted at rest with the vault's Fernet keys.

The database holds a Fernet token (AES-128-CBC + HMAC-SHA256, with a
timestamp); Python code sees the plain value. Encrypted columns cannot be
searched or sorted: store a `lookup_hash` beside the value to find it.
The only lookup allowed is `isnull`.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Lookup

from registre.web.vault.keys import VaultError, decrypt_text, encrypt_text


class EncryptedField(models.TextField):
    """The common part: encrypt on the way in, decrypt on the way out. `registre keys rotate` finds these."""

    def get_prep_value(self, value: Any) -> str | None:
        if value is None:
            return None
        return encrypt_text(self.serialise(value))

    def from_db_value(self, value: str | None, expression: Any, connection: BaseDatabaseWrapper) -> Any:
        if value is None:
            return None
        try:
            return self.deserialise(decrypt_text(value))
        except VaultError as error:
            raise VaultError(f"{self.model._meta.label}.{self.name}: {error}") from error

    def get_lookup(self, lookup_name: str) -> type[Lookup] | None:
        # Equal plain values give different ciphertexts: every other lookup would silently find nothing.
        return super().get_lookup(lookup_name) if lookup_name == "isnull" else None

    def serialise(self, value: Any) -> str:
        """The plain text that is encrypted; subclasses store other types as text."""
        return str(value)

    def deserialise(self, text: str) -> Any:
        """The value back from its decrypted text."""
        return text


class EncryptedTextField(EncryptedField):
    """A text value (an email address, a name, a note) encrypted at rest."""

    def to_python(self, value: Any) -> str | None:
        return value if value is None or isinstance(value, str) else str(value)


class EncryptedJSONField(EncryptedField):
    """A JSON value (the identities of a request, a form's answers) encrypted at rest."""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            try:
                return json.loads(value)
            except json.JSONDecodeError as error:
                raise ValidationError(str(error)) from error
        return value

    def serialise(self, value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    def deserialise(self, text: str) -> Any:
        return json.loads(text)
