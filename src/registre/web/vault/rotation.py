"""Key rotation without downtime: re-encrypt every encrypted field with the first key, in batches.

1. Put the new key first in REGISTRE_ENCRYPTION_KEYS, keep the old ones after it,
   and restart: new values use the new key, old ones still open.
2. Run `registre keys rotate`: it walks every model field that is an
   EncryptedField, in primary-key order and batches, and rewrites each value
   that the first key does not open (MultiFernet.rotate). It can be stopped
   and run again: values already rotated are skipped.
3. When it reports nothing left to rotate, remove the old keys.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from cryptography.fernet import InvalidToken
from django.apps import apps
from django.db import models, transaction
from django.db.models.functions import Cast

from registre.web.audit.actions import record
from registre.web.vault.fields import EncryptedField
from registre.web.vault.keys import fernet, primary_fernet

Progress = Callable[[str, int], None]


def encrypted_fields() -> Iterator[tuple[type[models.Model], EncryptedField]]:
    """Every concrete model field of the project that is encrypted."""
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedField):
                yield model, field


def rotate_encrypted_fields(batch_size: int = 500, progress: Progress | None = None) -> dict[str, int]:
    """Re-encrypt with the first key every value that needs it; `{"app.Model.field": rows rewritten}`."""
    return {
        f"{model._meta.label}.{field.name}": rotate_field(model, field, batch_size, progress)
        for model, field in encrypted_fields()
    }


def rotate_field(
    model: type[models.Model], field: EncryptedField, batch_size: int = 500, progress: Progress | None = None
) -> int:
    """Rotate one field, one transaction per batch of rows; the number of values rewritten."""
    label, rewritten, after = f"{model._meta.label}.{field.name}", 0, None
    while True:
        with transaction.atomic():
            rows = model._base_manager.select_for_update().order_by("pk")
            if after is not None:
                rows = rows.filter(pk__gt=after)
            # Cast to a plain text column: the ciphertext as stored, not decrypted by the field.
            batch = list(
                rows.annotate(ciphertext=Cast(field.name, models.TextField()))
                .filter(**{f"{field.name}__isnull": False})
                .values_list("pk", "ciphertext")[:batch_size]
            )
            if not batch:
                return rewritten
            count = 0
            for pk, ciphertext in batch:
                if _needs_rotation(ciphertext):
                    token = fernet().rotate(ciphertext.encode("ascii")).decode("ascii")
                    model._base_manager.filter(pk=pk).update(**{field.name: models.Value(token)})
                    count += 1
            if count:
                record("system", "keys.rotated", counts={label: count})
            rewritten += count
            after = batch[-1][0]
        if progress is not None:
            progress(label, rewritten)


def _needs_rotation(ciphertext: str) -> bool:
    try:
        primary_fernet().decrypt(ciphertext.encode("ascii"))
    except InvalidToken:
        return True
    return False
