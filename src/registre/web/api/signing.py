"""Signatures of what Registre sends: webhook events (HMAC-SHA256) and OpenGDPR responses and callbacks (RSA).

Webhooks: `Registre-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>" under the webhook's
secret>`. The receiver recomputes it over the raw body and refuses old timestamps (replays).

OpenGDPR (section 4.2 of the specification): `X-OpenGDPR-Signature` is the base64 RSA signature
(PKCS#1 v1.5, SHA-256) of the raw body, by the key of the certificate published at `processor_certificate`;
`X-OpenGDPR-Processor-Domain` is the host of REGISTRE_BASE_URL. The key and certificate come from
REGISTRE_OPENGDPR_KEY and REGISTRE_OPENGDPR_CERTIFICATE (PEM, or their _FILE variants); without them
a 3072-bit key and a self-signed certificate for the base URL's host are generated once in the data
directory (the specification asks for a certificate from a trusted authority: configure one in production).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import secrets
import time
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from registre.web.environment import stored_secret

SIGNATURE_HEADER = "Registre-Signature"
EVENT_HEADER = "Registre-Event"
DELIVERY_HEADER = "Registre-Delivery"
TOLERANCE = 300  # seconds: a receiver refuses a signature older than this (a replay)


# --- Webhooks: HMAC-SHA256 ---------------------------------------------------------------------------------


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def webhook_signature(secret: str, body: bytes, timestamp: int | None = None) -> str:
    """The `Registre-Signature` header of `body`: `t=<unix>,v1=<hex HMAC-SHA256 of b"<t>." + body>`."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify_webhook_signature(secret: str, header: str, body: bytes, now: float | None = None) -> bool:
    """Whether `header` signs `body` under `secret`, within TOLERANCE seconds (what a receiver does)."""
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs((time.time() if now is None else now) - timestamp) > TOLERANCE:
        return False
    expected = webhook_signature(secret, body, timestamp).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))


# --- OpenGDPR: RSA ------------------------------------------------------------------------------------------


def processor_domain() -> str:
    return urlsplit(settings.REGISTRE_BASE_URL).hostname or "localhost"


def signing_key() -> rsa.RSAPrivateKey:
    """The RSA key that signs OpenGDPR responses and callbacks (read once per process)."""
    return _load_key(settings.REGISTRE_OPENGDPR_KEY, str(settings.DATA_DIR))


@cache
def _load_key(configured: str | None, data_dir: str) -> rsa.RSAPrivateKey:
    pem = configured or stored_secret(Path(data_dir) / "opengdpr-key.pem", _new_key_pem)
    key = serialization.load_pem_private_key(pem.encode(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ImproperlyConfigured("REGISTRE_OPENGDPR_KEY must be an RSA private key (PEM)")
    return key


def _new_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def certificate_pem() -> bytes:
    """The certificate published at `processor_certificate`: the configured one, else a self-signed one."""
    if settings.REGISTRE_OPENGDPR_CERTIFICATE:
        return settings.REGISTRE_OPENGDPR_CERTIFICATE.encode() + b"\n"
    return stored_secret(settings.DATA_DIR / "opengdpr-certificate.pem", _self_signed_pem).encode() + b"\n"


def _self_signed_pem() -> str:
    key = signing_key()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, processor_domain())])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(processor_domain())]), critical=False)
        .sign(key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM).decode()


def opengdpr_signature(body: bytes) -> str:
    """`X-OpenGDPR-Signature`: base64 of the RSA PKCS#1 v1.5 SHA-256 signature of `body`."""
    return base64.b64encode(signing_key().sign(body, padding.PKCS1v15(), hashes.SHA256())).decode()


def opengdpr_headers(body: bytes) -> dict[str, str]:
    return {"X-OpenGDPR-Processor-Domain": processor_domain(), "X-OpenGDPR-Signature": opengdpr_signature(body)}


def verify_opengdpr_signature(certificate: bytes, signature: str, body: bytes) -> bool:
    """Whether `signature` signs `body` with the key of the PEM `certificate` (what a controller does)."""
    public_key = x509.load_pem_x509_certificate(certificate).public_key()
    assert isinstance(public_key, rsa.RSAPublicKey)
    try:
        public_key.verify(base64.b64decode(signature, validate=True), body, padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, binascii.Error):
        return False
    return True
