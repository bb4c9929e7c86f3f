"""Encrypted files: streaming round trip, tampering and truncation caught, key rotation."""

from __future__ import annotations

import io
import os
import stat

import pytest

from registre.web.vault.files import CHUNK, HEADER, decrypt_stream, encrypt_file, reencrypt_file
from registre.web.vault.keys import VaultError, generate_key


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 17])
def test_a_file_round_trips_whatever_its_size(tmp_path, size):
    content = os.urandom(size)
    target = tmp_path / "bundle.zip.enc"
    encrypt_file(io.BytesIO(content), target)
    assert b"".join(decrypt_stream(target)) == content
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_file_is_encrypted_from_a_path_or_from_chunks(tmp_path):
    plain = tmp_path / "export.json"
    plain.write_bytes(b'{"email": "ada@exemple.fr"}' * 5000)
    encrypt_file(plain, tmp_path / "a.enc")
    encrypt_file(iter([b"ab", b"c" * CHUNK, b"d"]), tmp_path / "b.enc")
    assert b"ada@exemple.fr" not in (tmp_path / "a.enc").read_bytes()
    assert b"".join(decrypt_stream(tmp_path / "a.enc")) == plain.read_bytes()
    assert b"".join(decrypt_stream(tmp_path / "b.enc")) == b"ab" + b"c" * CHUNK + b"d"


def encrypted(tmp_path, size=2 * CHUNK + 10):
    target = tmp_path / "file.enc"
    encrypt_file(io.BytesIO(os.urandom(size)), target)
    return target, bytearray(target.read_bytes())


def test_an_altered_byte_is_caught(tmp_path):
    target, data = encrypted(tmp_path)
    data[HEADER.size + 100] ^= 1
    target.write_bytes(data)
    with pytest.raises(VaultError, match=r"chunk 0 .* altered"):
        b"".join(decrypt_stream(target))


def test_a_file_cut_at_a_chunk_boundary_is_caught(tmp_path):
    target, data = encrypted(tmp_path)
    first_record = HEADER.size + 5 + CHUNK + 16
    target.write_bytes(data[:first_record])
    with pytest.raises(VaultError, match="truncated"):
        b"".join(decrypt_stream(target))


def test_swapped_chunks_are_caught(tmp_path):
    target, data = encrypted(tmp_path, size=3 * CHUNK)
    record = 5 + CHUNK + 16
    first, second = HEADER.size, HEADER.size + record
    data[first:second], data[second : second + record] = data[second : second + record], data[first:second]
    target.write_bytes(data)
    with pytest.raises(VaultError, match="altered"):
        b"".join(decrypt_stream(target))


def test_a_changed_header_is_caught(tmp_path):
    target, data = encrypted(tmp_path)
    data[HEADER.size - 1] ^= 1  # the salt
    target.write_bytes(data)
    with pytest.raises(VaultError):
        b"".join(decrypt_stream(target))


def test_something_else_is_not_opened(tmp_path):
    other = tmp_path / "plain.txt"
    other.write_bytes(b"hello, world, this is not encrypted at all")
    with pytest.raises(VaultError, match="not a Registre encrypted file"):
        b"".join(decrypt_stream(other))


def test_old_files_open_after_rotation_and_move_to_the_first_key(tmp_path, settings):
    target = tmp_path / "old.enc"
    encrypt_file(io.BytesIO(b"kept for ten years"), target)
    old = settings.REGISTRE_ENCRYPTION_KEYS[0]
    settings.REGISTRE_ENCRYPTION_KEYS = [generate_key(), old]
    assert b"".join(decrypt_stream(target)) == b"kept for ten years"
    assert reencrypt_file(target) is True
    assert reencrypt_file(target) is False
    settings.REGISTRE_ENCRYPTION_KEYS = settings.REGISTRE_ENCRYPTION_KEYS[:1]
    assert b"".join(decrypt_stream(target)) == b"kept for ten years"
    assert [p.name for p in tmp_path.iterdir()] == ["old.enc"], "no plain or partial file left behind"


def test_a_file_no_key_opens_is_refused(tmp_path, settings):
    target = tmp_path / "lost.enc"
    encrypt_file(io.BytesIO(b"x"), target)
    settings.REGISTRE_ENCRYPTION_KEYS = [generate_key()]
    with pytest.raises(VaultError, match="no configured encryption key opens this file"):
        b"".join(decrypt_stream(target))
