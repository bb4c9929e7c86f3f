"""The audit package: the documents an auditor asks for, in one ZIP with a signed manifest.

The manifest lists every file with its SHA-256 and size; it is signed with the
organisation's RSA key (PKCS#1 v1.5, SHA-256), whose certificate travels in
the package. Anyone can check it: each file against the manifest, the
manifest against the signature, and the certificate against the one the
organisation publishes.

    content = write_package(files, manifest, signature, certificate)
    problems = verify_package(content)            # [] when intact
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import io
import json
import zipfile
from collections.abc import Mapping

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

MANIFEST, SIGNATURE, CERTIFICATE = "manifest.json", "manifest.sig", "signing-certificate.pem"
RESERVED = frozenset({MANIFEST, SIGNATURE, CERTIFICATE})


def build_manifest(files: Mapping[str, bytes], *, organisation: str, scope: str, created: dt.datetime) -> bytes:
    """The manifest (UTF-8 JSON, keys sorted): who, for whom, when, and each file's SHA-256 and size."""
    clash = sorted(RESERVED & set(files))
    if clash:
        raise ValueError(f"reserved file names in the package: {', '.join(clash)}")
    entries = [
        {"name": name, "sha256": hashlib.sha256(content).hexdigest(), "size": len(content)}
        for name, content in sorted(files.items())
    ]
    body = {"organisation": organisation, "scope": scope, "created": created.isoformat(), "files": entries}
    return json.dumps(body, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")


def write_package(files: Mapping[str, bytes], manifest: bytes, signature: str, certificate: bytes) -> bytes:
    """The ZIP: the files, the manifest, its signature (base64) and the signing certificate (PEM)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in sorted(files.items()):
            archive.writestr(name, content)
        archive.writestr(MANIFEST, manifest)
        archive.writestr(SIGNATURE, signature)
        archive.writestr(CERTIFICATE, certificate)
    return buffer.getvalue()


def verify_package(content: bytes, trusted_certificate: bytes | None = None) -> list[str]:
    """Every problem of a package, as sentences; [] when intact.

    1. The manifest's signature must verify with the certificate in the package (or `trusted_certificate`).
    2. Each file listed must be present with the SHA-256 and size the manifest gives.
    3. No file may be in the package that the manifest does not list.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        return ["not a ZIP archive"]
    with archive:
        names = set(archive.namelist())
        missing = sorted(RESERVED - names)
        if missing:
            return [f"missing {name}" for name in missing]
        manifest = archive.read(MANIFEST)
        certificate = trusted_certificate or archive.read(CERTIFICATE)
        problems = [] if _signed(manifest, archive.read(SIGNATURE), certificate) else ["the signature does not verify"]
        listed = {item["name"]: item for item in json.loads(manifest)["files"]}
        for name, item in sorted(listed.items()):
            if name not in names:
                problems.append(f"{name}: listed but absent")
                continue
            data = archive.read(name)
            if hashlib.sha256(data).hexdigest() != item["sha256"] or len(data) != item["size"]:
                problems.append(f"{name}: its content differs from the manifest")
        problems += [f"{name}: not in the manifest" for name in sorted(names - set(listed) - RESERVED)]
    return problems


def _signed(manifest: bytes, signature: bytes, certificate: bytes) -> bool:
    try:
        public_key = x509.load_pem_x509_certificate(certificate).public_key()
        if not isinstance(public_key, rsa.RSAPublicKey):
            return False
        public_key.verify(base64.b64decode(signature, validate=True), manifest, padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True
