"""Settings read from the environment: the typed readers, `_FILE` variants, secrets kept in the data directory."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from registre.web.environment import (
    email_settings,
    env_bool,
    env_int,
    env_list,
    env_str,
    env_value,
    oidc_settings,
    postgresql_options,
    stored_secret,
)


def test_a_value_comes_from_the_variable(tmp_path):
    assert env_str("REGISTRE_X", "default", {"REGISTRE_X": " value "}) == "value"
    assert env_str("REGISTRE_X", "default", {}) == "default"


def test_a_value_comes_from_the_file_named_by_the_file_variant(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s3cret\n")
    assert env_value("REGISTRE_SECRET_KEY", {"REGISTRE_SECRET_KEY_FILE": str(secret)}) == "s3cret"


def test_giving_both_the_variable_and_its_file_is_an_error(tmp_path):
    with pytest.raises(ImproperlyConfigured, match="not both"):
        env_value("REGISTRE_X", {"REGISTRE_X": "a", "REGISTRE_X_FILE": str(tmp_path)})


def test_an_unreadable_file_is_a_clear_error(tmp_path):
    with pytest.raises(ImproperlyConfigured, match="REGISTRE_X_FILE: cannot read"):
        env_value("REGISTRE_X", {"REGISTRE_X_FILE": str(tmp_path / "missing")})


@pytest.mark.parametrize(("text", "value"), [("1", True), ("TRUE", True), ("yes", True), ("off", False), ("0", False)])
def test_booleans_read_the_usual_words(text, value):
    assert env_bool("REGISTRE_X", not value, {"REGISTRE_X": text}) is value


def test_other_booleans_are_refused():
    with pytest.raises(ImproperlyConfigured, match="expected true or false"):
        env_bool("REGISTRE_X", False, {"REGISTRE_X": "maybe"})


def test_integers_and_lists(tmp_path):
    assert env_int("REGISTRE_X", 3, {"REGISTRE_X": "42"}) == 42
    assert env_int("REGISTRE_X", 3, {}) == 3
    with pytest.raises(ImproperlyConfigured, match="expected an integer"):
        env_int("REGISTRE_X", 3, {"REGISTRE_X": "forty"})
    assert env_list("REGISTRE_X", ["a"], {"REGISTRE_X": "b, c,,d "}) == ["b", "c", "d"]
    assert env_list("REGISTRE_X", ["a"], {}) == ["a"]
    listed = tmp_path / "hosts"
    listed.write_text("a.example, b.example")
    assert env_list("REGISTRE_X", [], {"REGISTRE_X_FILE": str(listed)}) == ["a.example", "b.example"]


def test_a_stored_secret_is_generated_once_and_readable_only_by_its_owner(tmp_path):
    path = tmp_path / "keys" / "secret-key"
    first = stored_secret(path, lambda: "generated")
    assert first == "generated"
    assert stored_secret(path, lambda: "another") == "generated"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["secret-key"]


def test_email_goes_to_the_console_by_default():
    assert email_settings({}) == {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}


def test_an_email_url_configures_smtp_with_starttls():
    config = email_settings({"REGISTRE_EMAIL_URL": "smtp+tls://mailer%40exemple.fr:p%40ss@smtp.exemple.fr"})
    assert config["EMAIL_BACKEND"].endswith("smtp.EmailBackend")
    assert (config["EMAIL_HOST"], config["EMAIL_PORT"]) == ("smtp.exemple.fr", 587)
    assert (config["EMAIL_HOST_USER"], config["EMAIL_HOST_PASSWORD"]) == ("mailer@exemple.fr", "p@ss")
    assert config["EMAIL_USE_TLS"] and not config["EMAIL_USE_SSL"]


def test_email_host_variables_configure_smtp_with_the_password_from_a_file(tmp_path):
    password = tmp_path / "password"
    password.write_text("pw")
    config = email_settings(
        {
            "REGISTRE_EMAIL_HOST": "smtp.exemple.fr",
            "REGISTRE_EMAIL_SSL": "true",
            "REGISTRE_EMAIL_PASSWORD_FILE": str(password),
        }
    )
    assert (config["EMAIL_PORT"], config["EMAIL_USE_SSL"], config["EMAIL_USE_TLS"]) == (465, True, False)
    assert config["EMAIL_HOST_PASSWORD"] == "pw"


def test_an_unknown_email_url_is_refused():
    with pytest.raises(ImproperlyConfigured, match="REGISTRE_EMAIL_URL"):
        email_settings({"REGISTRE_EMAIL_URL": "pigeon://roof"})


PROBE = """
import json
from registre.web import settings as s
print(json.dumps({
    "engine": s.DATABASES["default"]["ENGINE"], "name": str(s.DATABASES["default"]["NAME"]),
    "host": s.DATABASES["default"].get("HOST"), "secret": s.SECRET_KEY, "debug": s.DEBUG,
    "secure": s.SESSION_COOKIE_SECURE, "hsts": s.SECURE_HSTS_SECONDS, "hosts": s.ALLOWED_HOSTS,
    "origins": s.CSRF_TRUSTED_ORIGINS, "keys": s.REGISTRE_ENCRYPTION_KEYS, "hasher": s.PASSWORD_HASHERS[0],
    "language": s.LANGUAGE_CODE, "zone": s.TIME_ZONE, "policy": str(s.REGISTRE_POLICY),
}))
"""


def read_settings(tmp_path, **variables):
    environ = {key: value for key, value in os.environ.items() if not key.startswith(("REGISTRE_", "DJANGO_"))}
    environ |= {"REGISTRE_DATA_DIR": str(tmp_path / "data"), **variables}
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=environ, cwd=tmp_path, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)


def test_with_no_configuration_it_runs_embedded_on_sqlite_in_the_data_directory(tmp_path):
    read = read_settings(tmp_path)
    data = tmp_path / "data"
    assert read["engine"] == "django.db.backends.sqlite3"
    assert read["name"] == str(data / "registre.sqlite")
    assert read["secret"] == (data / "secret-key").read_text().strip()
    assert read["keys"] == [(data / "encryption-key").read_text().strip()]
    for name in ("secret-key", "encryption-key", "lookup-key"):
        assert stat.S_IMODE((data / name).stat().st_mode) == 0o600
    assert read["debug"] is False and read["secure"] is False and read["hsts"] == 0
    assert read["hasher"] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert (read["language"], read["zone"]) == ("fr", "Europe/Paris")
    assert read["policy"] == str(tmp_path / "registre.yaml")
    assert read_settings(tmp_path)["secret"] == read["secret"]


def test_production_settings_come_from_the_environment(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("from-a-file")
    read = read_settings(
        tmp_path,
        REGISTRE_DATABASE_URL="postgresql://registre:pw@db.internal:5432/registre",
        REGISTRE_SECRET_KEY_FILE=str(secret),
        REGISTRE_BASE_URL="https://privacy.exemple.fr",
        REGISTRE_ENCRYPTION_KEYS=f"{Fernet.generate_key().decode()}, {Fernet.generate_key().decode()}",
        REGISTRE_TIME_ZONE="UTC",
    )
    assert (read["engine"], read["host"], read["name"]) == ("django.db.backends.postgresql", "db.internal", "registre")
    assert read["secret"] == "from-a-file"
    assert read["secure"] is True and read["hsts"] > 0
    assert "privacy.exemple.fr" in read["hosts"]
    assert read["origins"] == ["https://privacy.exemple.fr"]
    assert len(read["keys"]) == 2
    assert read["zone"] == "UTC"
    assert not (tmp_path / "data" / "secret-key").exists()


def test_sign_in_through_the_identity_provider_is_off_by_default():
    assert oidc_settings({})["enabled"] is False


def test_a_client_id_needs_the_issuer_the_secret_and_the_four_endpoints():
    with pytest.raises(ImproperlyConfigured) as refused:
        oidc_settings({"REGISTRE_OIDC_CLIENT_ID": "registre", "REGISTRE_OIDC_ISSUER": "https://sso.example"})
    assert "REGISTRE_OIDC_CLIENT_SECRET" in str(refused.value)
    assert "REGISTRE_OIDC_JWKS_ENDPOINT" in str(refused.value) and "REGISTRE_OIDC_ISSUER" not in str(refused.value)
    base = "https://sso.example"
    environ = {
        "REGISTRE_OIDC_CLIENT_ID": "registre",
        "REGISTRE_OIDC_CLIENT_SECRET": "s",
        "REGISTRE_OIDC_ISSUER": base,
        "REGISTRE_OIDC_AUTHORIZATION_ENDPOINT": f"{base}/authorize",
        "REGISTRE_OIDC_TOKEN_ENDPOINT": f"{base}/token",
        "REGISTRE_OIDC_USERINFO_ENDPOINT": f"{base}/userinfo",
        "REGISTRE_OIDC_JWKS_ENDPOINT": f"{base}/jwks",
    }
    found = oidc_settings(environ)
    assert (
        found["enabled"] and found["OIDC_OP_JWKS_ENDPOINT"] == f"{base}/jwks" and found["OIDC_RP_SIGN_ALGO"] == "RS256"
    )


def test_prepared_statements_on_postgresql_can_be_turned_off_for_a_pooler():
    assert postgresql_options({}) == {"prepare_threshold": 5}
    assert postgresql_options({"REGISTRE_DATABASE_PREPARED_STATEMENTS": "false"}) == {"prepare_threshold": None}
