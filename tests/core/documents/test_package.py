"""The audit package: a manifest of SHA-256 digests, signed; any change to a file or the manifest is found."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import json
import zipfile

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from registre.core.documents.package import build_manifest, verify_package, write_package

FILES = {"register.xlsx": b"register", "policy/registre.yaml": b"registre: 1\n"}


def key_and_certificate() -> tuple[rsa.RSAPrivateKey, bytes]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "registre.test")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    return key, certificate.public_bytes(serialization.Encoding.PEM)


@pytest.fixture(scope="module")
def signer():
    return key_and_certificate()


def package(signer, files=FILES) -> bytes:
    key, certificate = signer
    manifest = build_manifest(files, organisation="Nuage", scope="authority", created=dt.datetime(2026, 12, 2))
    signature = base64.b64encode(key.sign(manifest, padding.PKCS1v15(), hashes.SHA256())).decode()
    return write_package(files, manifest, signature, certificate)


def rewrite(content: bytes, name: str, data: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for item in source.namelist():
            target.writestr(item, data if item == name else source.read(item))
        if name not in source.namelist():
            target.writestr(name, data)
    return buffer.getvalue()


def test_an_intact_package_verifies(signer):
    assert verify_package(package(signer)) == []
    assert verify_package(package(signer), trusted_certificate=signer[1]) == []


def test_the_manifest_gives_each_files_digest_and_size(signer):
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(package(signer))).read("manifest.json"))
    assert manifest["files"][0]["name"] == "policy/registre.yaml"
    assert manifest["files"][1]["sha256"] == hashlib.sha256(b"register").hexdigest()
    assert manifest["files"][1]["size"] == len(b"register")


def test_a_changed_file_is_found(signer):
    assert verify_package(rewrite(package(signer), "register.xlsx", b"forged")) == [
        "register.xlsx: its content differs from the manifest"
    ]


def test_an_added_file_is_found(signer):
    assert verify_package(rewrite(package(signer), "extra.txt", b"x")) == ["extra.txt: not in the manifest"]


def test_a_changed_manifest_breaks_the_signature(signer):
    content = package(signer)
    manifest = zipfile.ZipFile(io.BytesIO(content)).read("manifest.json").replace(b"authority", b"client 001")
    assert verify_package(rewrite(content, "manifest.json", manifest)) == ["the signature does not verify"]


def test_another_organisations_certificate_does_not_verify(signer):
    assert verify_package(package(signer), trusted_certificate=key_and_certificate()[1]) == [
        "the signature does not verify"
    ]


def test_reserved_names_and_non_zips_are_refused(signer):
    with pytest.raises(ValueError, match=r"manifest\.json"):
        build_manifest({"manifest.json": b""}, organisation="N", scope="s", created=dt.datetime(2026, 12, 2))
    assert verify_package(b"not a zip") == ["not a ZIP archive"]
