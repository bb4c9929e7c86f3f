"""Encrypted files on disk (export bundles, attachments), written and read as streams.

Fernet holds a whole message in memory, so files use AES-256-GCM in 64 KiB
chunks (the STREAM construction), under a key derived from a Fernet key:

    header   b"RGF1" | key id (8 bytes) | salt (16 bytes)
    chunks   final flag (1 byte: 0 or 1) | length n (4 bytes, big-endian) | ciphertext and tag (n bytes)

1. The file key is HKDF-SHA256(raw Fernet key, salt, info=b"registre file v1"):
   a fresh random salt makes a fresh key for every file.
2. Chunk i is sealed with nonce = i (11 bytes, big-endian) | final flag (1 byte),
   and the header as associated data. Reordered, dropped, appended or altered
   chunks, and a changed header, fail to open; so does a file cut short,
   since its last chunk must carry the final flag.
3. The key id (the first 8 bytes of HMAC-SHA256(key, b"registre key id"))
   says which configured key opens the file, so that old files stay readable
   after rotation; `reencrypt_file` moves one to the first key.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import struct
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from registre.web.vault.keys import VaultError, encryption_keys

MAGIC = b"RGF1"
CHUNK = 64 * 1024
TAG = 16
HEADER = struct.Struct(">4s8s16s")
RECORD = struct.Struct(">BI")


def encrypt_file(source: Path | BinaryIO | Iterable[bytes], target: Path) -> None:
    """Write `source` (a path, a binary stream or chunks of bytes) encrypted to `target`.

    The file gets mode 0600 and appears whole or not at all (written aside, then renamed).
    """
    draft = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
            if isinstance(source, Path):
                with source.open("rb") as plain:
                    encrypt_stream(plain, out)
            else:
                encrypt_stream(source, out)
        draft.replace(target)
    finally:
        draft.unlink(missing_ok=True)


def encrypt_stream(plain: BinaryIO | Iterable[bytes], out: BinaryIO) -> None:
    """Encrypt `plain` (a binary stream or chunks of bytes) into `out` with the first configured key."""
    chunks = iter(lambda: plain.read(CHUNK), b"") if hasattr(plain, "read") else iter(plain)
    key = encryption_keys()[0]
    header = HEADER.pack(MAGIC, key_id(key), secrets.token_bytes(16))
    cipher = AESGCM(_file_key(key, header))
    out.write(header)
    blocks = _blocks(chunks)
    index, block = 0, next(blocks, b"")
    while True:
        following = next(blocks, None)
        final = following is None
        sealed = cipher.encrypt(_nonce(index, final), block, header)
        out.write(RECORD.pack(final, len(sealed)) + sealed)
        if following is None:
            return
        index, block = index + 1, following


def decrypt_stream(source: Path | BinaryIO) -> Iterator[bytes]:
    """The plain content of an encrypted file, chunk by chunk (fit for a streaming HTTP response).

    Raises VaultError on a file that is not ours, was altered or truncated, or
    that no configured key opens. A chunk is yielded only once authenticated,
    but a consumer must still treat the whole as failed if an error comes late.
    """
    if isinstance(source, Path):
        with source.open("rb") as stream:
            yield from decrypt_stream(stream)
        return
    header = source.read(HEADER.size)
    if len(header) != HEADER.size or not header.startswith(MAGIC):
        raise VaultError("not a Registre encrypted file")
    cipher = AESGCM(_file_key(_key_for(HEADER.unpack(header)[1]), header))
    index = 0
    while True:
        record = source.read(RECORD.size)
        if len(record) != RECORD.size:
            raise VaultError("the encrypted file is truncated")
        final, length = RECORD.unpack(record)
        if length > CHUNK + TAG or final > 1:
            raise VaultError("the encrypted file is corrupt")
        try:
            yield cipher.decrypt(_nonce(index, bool(final)), source.read(length), header)
        except InvalidTag:
            raise VaultError(f"chunk {index} of the encrypted file was altered") from None
        if final:
            if source.read(1):
                raise VaultError("data follows the end of the encrypted file")
            return
        index += 1


def reencrypt_file(path: Path) -> bool:
    """Re-encrypt `path` with the first key if another key encrypted it; True when it was rewritten.

    The plain content only passes through memory, one chunk at a time.
    """
    with path.open("rb") as stream:
        header = stream.read(HEADER.size)
    if len(header) == HEADER.size and HEADER.unpack(header)[1] == key_id(encryption_keys()[0]):
        return False
    encrypt_file(decrypt_stream(path), path)
    return True


def key_id(key: bytes) -> bytes:
    return hmac.new(key, b"registre key id", hashlib.sha256).digest()[:8]


def _blocks(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """The bytes of `chunks` regrouped in blocks of CHUNK bytes (the last one shorter)."""
    pending = bytearray()
    for chunk in chunks:
        pending += chunk
        while len(pending) >= CHUNK:
            yield bytes(pending[:CHUNK])
            del pending[:CHUNK]
    if pending:
        yield bytes(pending)


def _key_for(wanted: bytes) -> bytes:
    for key in encryption_keys():
        if hmac.compare_digest(key_id(key), wanted):
            return key
    raise VaultError("no configured encryption key opens this file")


def _file_key(key: bytes, header: bytes) -> bytes:
    salt = HEADER.unpack(header)[2]
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"registre file v1").derive(key)


def _nonce(index: int, final: bool) -> bytes:
    return index.to_bytes(11, "big") + (b"\x01" if final else b"\x00")
