"""Settings from the environment: small typed readers, `_FILE` variants, and secrets kept in the data directory.

Every reader accepts `NAME` or `NAME_FILE` (the path of a file holding the
value, for container secrets); giving both is an error. Values are stripped.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


def env_value(name: str, environ: Mapping[str, str] | None = None) -> str | None:
    """The value of `name`, read from `name` or from the file named by `name_FILE`; None when neither is set."""
    environ = os.environ if environ is None else environ
    direct, path = environ.get(name), environ.get(f"{name}_FILE")
    if direct is not None and path is not None:
        raise ImproperlyConfigured(f"set {name} or {name}_FILE, not both")
    if path is not None:
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except OSError as error:
            raise ImproperlyConfigured(f"{name}_FILE: cannot read {path}: {error.strerror}") from error
    return None if direct is None else direct.strip()


def env_str(name: str, default: str, environ: Mapping[str, str] | None = None) -> str:
    value = env_value(name, environ)
    return default if value is None else value


def env_bool(name: str, default: bool, environ: Mapping[str, str] | None = None) -> bool:
    value = env_value(name, environ)
    if value is None:
        return default
    if value.lower() in TRUE:
        return True
    if value.lower() in FALSE:
        return False
    raise ImproperlyConfigured(f"{name}: expected true or false, not {value!r}")


def env_int(name: str, default: int, environ: Mapping[str, str] | None = None) -> int:
    value = env_value(name, environ)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}: expected an integer, not {value!r}") from None


def env_list(name: str, default: list[str], environ: Mapping[str, str] | None = None) -> list[str]:
    """A comma-separated list; empty items are dropped."""
    value = env_value(name, environ)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def stored_secret(path: Path, generate: Callable[[], str]) -> str:
    """The secret kept in `path`, generated once (file mode 0600) when the file does not exist yet.

    This is how the embedded default needs no configuration: the secret key,
    the encryption key and the lookup key live in the data directory.
    """
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    # Written aside then linked into place: a concurrent process sees the whole file or none.
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(generate() + "\n")
    try:
        os.link(draft, path)
    except FileExistsError:
        pass  # another process was first: use its secret
    finally:
        draft.unlink()
    return path.read_text(encoding="utf-8").strip()


def random_secret() -> str:
    return secrets.token_urlsafe(48)


EMAIL_BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
}


def email_settings(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Django's EMAIL_* settings from REGISTRE_EMAIL_URL, else REGISTRE_EMAIL_HOST..., else the console.

    URLs: `console:`, `locmem:`, `file:///absolute/folder` (one file per message: tests, demos),
    `smtp://user:password@host:25` (plain),
    `smtp+tls://...:587` (STARTTLS), `smtp+ssl://...:465` (TLS from the start);
    user and password are percent-encoded.
    """
    url = env_value("REGISTRE_EMAIL_URL", environ)
    if url:
        return _email_from_url(url)
    host = env_value("REGISTRE_EMAIL_HOST", environ)
    if not host:
        return {"EMAIL_BACKEND": EMAIL_BACKENDS["console"]}
    use_ssl = env_bool("REGISTRE_EMAIL_SSL", False, environ)
    return {
        "EMAIL_BACKEND": EMAIL_BACKENDS["smtp"],
        "EMAIL_HOST": host,
        "EMAIL_PORT": env_int("REGISTRE_EMAIL_PORT", 465 if use_ssl else 587, environ),
        "EMAIL_HOST_USER": env_str("REGISTRE_EMAIL_USER", "", environ),
        "EMAIL_HOST_PASSWORD": env_str("REGISTRE_EMAIL_PASSWORD", "", environ),
        "EMAIL_USE_TLS": not use_ssl and env_bool("REGISTRE_EMAIL_TLS", True, environ),
        "EMAIL_USE_SSL": use_ssl,
    }


def _email_from_url(url: str) -> dict[str, Any]:
    parts = urlsplit(url)
    scheme, _, security = parts.scheme.partition("+")
    if scheme in ("console", "locmem") and not security:
        return {"EMAIL_BACKEND": EMAIL_BACKENDS[scheme]}
    if scheme == "file" and not security and parts.path:
        return {"EMAIL_BACKEND": EMAIL_BACKENDS["file"], "EMAIL_FILE_PATH": unquote(parts.path)}
    if scheme != "smtp" or security not in ("", "tls", "ssl") or not parts.hostname:
        raise ImproperlyConfigured(
            f"REGISTRE_EMAIL_URL: expected console:, locmem:, file:///folder or smtp[+tls|+ssl]://host, not {url!r}"
        )
    return {
        "EMAIL_BACKEND": EMAIL_BACKENDS["smtp"],
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": parts.port or {"": 25, "tls": 587, "ssl": 465}[security],
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": security == "tls",
        "EMAIL_USE_SSL": security == "ssl",
    }


OIDC_ENDPOINTS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "REGISTRE_OIDC_AUTHORIZATION_ENDPOINT",
    "OIDC_OP_TOKEN_ENDPOINT": "REGISTRE_OIDC_TOKEN_ENDPOINT",
    "OIDC_OP_USER_ENDPOINT": "REGISTRE_OIDC_USERINFO_ENDPOINT",
    "OIDC_OP_JWKS_ENDPOINT": "REGISTRE_OIDC_JWKS_ENDPOINT",
}


def oidc_settings(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The settings of mozilla-django-oidc from REGISTRE_OIDC_*; sign-in through the identity provider is on
    only when REGISTRE_OIDC_CLIENT_ID is set, and then the issuer, the four endpoints and the secret are required.

    No value is fetched from the provider at start-up (every process, the CLI's included, reads these
    settings): the endpoints are those of the provider's discovery document, copied once.
    """
    client_id = env_str("REGISTRE_OIDC_CLIENT_ID", "", environ)
    values: dict[str, Any] = {
        "enabled": bool(client_id),
        "REGISTRE_OIDC_ISSUER": env_str("REGISTRE_OIDC_ISSUER", "", environ),
        "REGISTRE_OIDC_PROVIDER_NAME": env_str("REGISTRE_OIDC_PROVIDER_NAME", "", environ),
        "OIDC_RP_CLIENT_ID": client_id,
        "OIDC_RP_CLIENT_SECRET": env_str("REGISTRE_OIDC_CLIENT_SECRET", "", environ),
        "OIDC_RP_SIGN_ALGO": env_str("REGISTRE_OIDC_SIGN_ALGO", "RS256", environ),
        "OIDC_RP_SCOPES": "openid email",
        **{setting: env_str(name, "", environ) for setting, name in OIDC_ENDPOINTS.items()},
    }
    if client_id:
        required = {
            "REGISTRE_OIDC_ISSUER": values["REGISTRE_OIDC_ISSUER"],
            "REGISTRE_OIDC_CLIENT_SECRET": values["OIDC_RP_CLIENT_SECRET"],
        }
        required |= {name: values[setting] for setting, name in OIDC_ENDPOINTS.items()}
        missing = [name for name, value in required.items() if not value]
        if missing:
            raise ImproperlyConfigured(f"REGISTRE_OIDC_CLIENT_ID is set: set {', '.join(missing)} too")
    return values


def postgresql_options(environ: Mapping[str, str] | None = None) -> dict[str, object]:
    """Django's OPTIONS for a PostgreSQL application database.

    Django's cursors bind on the client and never prepare; the few hot lookups that ask for a prepared
    statement (a person's consent state) need the connection to allow it. Off behind a pooler in
    transaction mode, where a prepared statement does not follow the session.
    """
    prepared = env_bool("REGISTRE_DATABASE_PREPARED_STATEMENTS", True, environ)
    return {"prepare_threshold": 5 if prepared else None}
