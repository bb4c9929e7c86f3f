"""Registre's own data protection: encryption at rest and keyed lookup hashes.

- `keys`: the Fernet keys (`REGISTRE_ENCRYPTION_KEYS`: the first encrypts, all
  decrypt), `encrypt_text`/`decrypt_text`, and `lookup_hash` (HMAC-SHA256 with
  `REGISTRE_LOOKUP_KEY`) to find an encrypted identity without decrypting.
- `fields`: `EncryptedTextField` and `EncryptedJSONField` for models.
- `files`: streaming encryption of files (export bundles, attachments).
- `rotation`: re-encrypt every encrypted field with the first key (`registre keys rotate`).

Import the submodules (`from registre.web.vault.keys import lookup_hash`):
`fields` and `rotation` need Django's apps to be ready, `keys` and `files` do not.
"""
