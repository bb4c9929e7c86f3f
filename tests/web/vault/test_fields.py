"""Encrypted model fields and `registre keys rotate`, on a model made for the test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.exceptions import FieldError
from django.db import connection, models
from django.test.utils import isolate_apps

from registre.web.vault import rotation
from registre.web.vault.fields import EncryptedJSONField, EncryptedTextField
from registre.web.vault.keys import generate_key, primary_fernet


@pytest.fixture
def note_model(transactional_db, monkeypatch, tamper) -> Iterator[type[models.Model]]:
    """A model with encrypted fields, its table created for the test and dropped after.

    The rotation writes audit entries, which the append-only triggers would keep through the flush
    that ends a transactional test: they are removed past the triggers, as the flush cannot.
    """
    with isolate_apps("registre.web.vault") as registry:

        class Note(models.Model):
            email = EncryptedTextField(null=True)
            identities = EncryptedJSONField(null=True)

            class Meta:
                app_label = "vault"

        monkeypatch.setattr(rotation, "apps", registry)
        with connection.schema_editor() as editor:
            editor.create_model(Note)
        try:
            yield Note
        finally:
            with connection.schema_editor() as editor:
                editor.delete_model(Note)
            tamper("DELETE FROM audit_auditentry")


def stored(model, pk, column):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {model._meta.db_table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def test_values_are_encrypted_in_the_database_and_plain_in_python(note_model):
    note = note_model.objects.create(email="ada@exemple.fr", identities={"email": "ada@exemple.fr", "ids": [1]})
    assert "ada@exemple.fr" not in stored(note_model, note.pk, "email")
    assert "ada@exemple.fr" not in stored(note_model, note.pk, "identities")
    again = note_model.objects.get(pk=note.pk)
    assert again.email == "ada@exemple.fr"
    assert again.identities == {"email": "ada@exemple.fr", "ids": [1]}


def test_null_stays_null(note_model):
    note = note_model.objects.create()
    assert stored(note_model, note.pk, "email") is None
    assert note_model.objects.filter(email__isnull=True).count() == 1


def test_encrypted_values_cannot_be_searched(note_model):
    with pytest.raises(FieldError):
        list(note_model.objects.filter(email="ada@exemple.fr"))


def test_rotation_reencrypts_every_value_with_the_first_key_in_batches(note_model, settings):
    notes = [note_model.objects.create(email=f"p{n}@exemple.fr", identities={"n": n}) for n in range(7)]
    note_model.objects.create()
    old = settings.REGISTRE_ENCRYPTION_KEYS[0]
    settings.REGISTRE_ENCRYPTION_KEYS = [generate_key(), old]
    seen = []
    rotated = rotation.rotate_encrypted_fields(batch_size=3, progress=lambda field, n: seen.append((field, n)))
    assert rotated == {"vault.Note.email": 7, "vault.Note.identities": 7}
    assert seen[0] == ("vault.Note.email", 3)
    for note in notes:
        primary_fernet().decrypt(stored(note_model, note.pk, "email").encode())
    settings.REGISTRE_ENCRYPTION_KEYS = settings.REGISTRE_ENCRYPTION_KEYS[:1]
    assert sorted(n.email for n in note_model.objects.exclude(email__isnull=True)) == sorted(
        f"p{n}@exemple.fr" for n in range(7)
    )
    assert rotation.rotate_encrypted_fields() == {"vault.Note.email": 0, "vault.Note.identities": 0}


def test_rotation_finds_every_encrypted_field(note_model):
    assert [(model.__name__, field.name) for model, field in rotation.encrypted_fields()] == [
        ("Note", "email"),
        ("Note", "identities"),
    ]
