"""Django settings, read from the environment (docs/web.md lists every variable).

With no configuration at all, Registre runs embedded: a SQLite database and
its secrets (secret key, encryption key, lookup key) in the data directory
`./.registre`, generated once with mode 0600.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from cryptography.fernet import Fernet

from registre.web.environment import (
    email_settings,
    env_bool,
    env_int,
    env_list,
    env_str,
    env_value,
    oidc_settings,
    postgresql_options,
    random_secret,
    stored_secret,
)
from registre.web.locations import data_dir, default_database_path

WEB_DIR = Path(__file__).resolve().parent

# --- Where things live -------------------------------------------------------------------------------------
DATA_DIR = data_dir()
REGISTRE_POLICY = Path(env_str("REGISTRE_POLICY", "registre.yaml")).resolve()
REGISTRE_BASE_URL = env_str("REGISTRE_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
_BASE = urlsplit(REGISTRE_BASE_URL)
HTTPS = _BASE.scheme == "https"

DEBUG = env_bool("REGISTRE_DEBUG", False)
ALLOWED_HOSTS = env_list("REGISTRE_ALLOWED_HOSTS", [_BASE.hostname or "localhost", "localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = [f"{_BASE.scheme}://{_BASE.netloc}", *env_list("REGISTRE_CSRF_TRUSTED_ORIGINS", [])]

# --- Secrets: from the environment (or NAME_FILE), else generated once in the data directory ---------------
SECRET_KEY = env_value("REGISTRE_SECRET_KEY") or stored_secret(DATA_DIR / "secret-key", random_secret)
# Fernet keys, comma-separated: the first encrypts, all decrypt (rotation: see `registre keys rotate`).
REGISTRE_ENCRYPTION_KEYS = env_list("REGISTRE_ENCRYPTION_KEYS", []) or [
    stored_secret(DATA_DIR / "encryption-key", lambda: Fernet.generate_key().decode())
]
# The HMAC key of lookup hashes and audit subject references; changing it orphans every stored hash.
REGISTRE_LOOKUP_KEY = env_value("REGISTRE_LOOKUP_KEY") or stored_secret(DATA_DIR / "lookup-key", random_secret)

# The key of the pseudonyms that erasures write in place of identities (`anonymize: hash`): the same
# person gets the same pseudonym everywhere. The engine's REGISTRE_PSEUDONYM_KEY, else generated here.
REGISTRE_PSEUDONYM_KEY = env_value("REGISTRE_PSEUDONYM_KEY") or stored_secret(DATA_DIR / "pseudonym-key", random_secret)

# --- Rights requests and the privacy portal ---------------------------------------------------------------
# Encrypted files (attachments, export bundles): the web servers and the workers must share this directory.
REGISTRE_FILES_DIR = Path(env_str("REGISTRE_FILES_DIR", str(DATA_DIR / "files"))).resolve()
# Days an export stays downloadable before it is deleted.
REGISTRE_EXPORT_DAYS = env_int("REGISTRE_EXPORT_DAYS", 14)
# The daily retention sweep, HH:MM in TIME_ZONE (see registre.web.retention.tasks).
REGISTRE_SWEEP_TIME = env_str("REGISTRE_SWEEP_TIME", "03:00")
# The daily deadline reminders, HH:MM in TIME_ZONE (see registre.web.requests.reminders).
REGISTRE_REMINDER_TIME = env_str("REGISTRE_REMINDER_TIME", "08:00")
# Where the daily job publishes the audit log's signed head: a file outside the database, and e-mail (the DPO).
REGISTRE_AUDIT_ANCHOR_FILE = env_str("REGISTRE_AUDIT_ANCHOR_FILE", "")
REGISTRE_AUDIT_ANCHOR_EMAIL = env_list("REGISTRE_AUDIT_ANCHOR_EMAIL", [])
# The activities of direct marketing, whose objection is honoured at once; empty: found by the rule in docs/web.md.

# --- REST API (docs/api.md) -------------------------------------------------------------------------------
# Calls per minute: of one API token, and from one client address (before authentication).
REGISTRE_API_RATE_PER_TOKEN = env_int("REGISTRE_API_RATE_PER_TOKEN", 300)
REGISTRE_API_RATE_PER_ADDRESS = env_int("REGISTRE_API_RATE_PER_ADDRESS", 600)
# Webhooks to loopback, private and link-local addresses (an internal relay); refused by default.
REGISTRE_WEBHOOK_PRIVATE_ADDRESSES = env_bool("REGISTRE_WEBHOOK_PRIVATE_ADDRESSES", False)
# OpenGDPR: the RSA key (PEM) that signs responses and status callbacks, and its certificate (PEM, from a
# trusted authority in production); unset: a key and a self-signed certificate generated in the data directory.
REGISTRE_OPENGDPR_KEY = env_value("REGISTRE_OPENGDPR_KEY")
REGISTRE_OPENGDPR_CERTIFICATE = env_value("REGISTRE_OPENGDPR_CERTIFICATE")

# --- Database ---------------------------------------------------------------------------------------------
DATABASE_URL = env_str("REGISTRE_DATABASE_URL", f"sqlite:///{default_database_path()}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("REGISTRE_DATABASE_CONN_MAX_AGE", 0))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE: a writing transaction takes the lock at BEGIN, so writers queue instead of failing.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["OPTIONS"] = postgresql_options()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Applications ----------------------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # its static files: /api/docs works under the content security policy, without a CDN
    "registre.web.console",
    "registre.web.accounts",
    "registre.web.audit",
    "registre.web.jobs",
    "registre.web.clients",
    "registre.web.requests",
    "registre.web.retention",
    "registre.web.discovery",
    "registre.web.breaches",
    "registre.web.authority",
    "registre.web.authorised",
    "registre.web.dpia",
    "registre.web.instructions",
    "registre.web.inspections",
    "registre.web.consent",
    "registre.web.notices",
    "registre.web.versions",
    "registre.web.portal",
    "registre.web.api",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "registre.web.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "registre.web.urls"
WSGI_APPLICATION = "registre.web.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [WEB_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "registre.web.console.context.console",
                "registre.web.versions.context.announcements",
            ],
        },
    }
]
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Seconds a worker that stopped beating keeps its running jobs; then another worker queues them again.
REGISTRE_WORKER_LEASE = env_int("REGISTRE_WORKER_LEASE", 60)

# --- Staff accounts ---------------------------------------------------------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "console:home"
LOGOUT_REDIRECT_URL = "accounts:login"
# Login throttling: this many failures for one username from one address lock it for the window.
REGISTRE_LOGIN_FAILURES = env_int("REGISTRE_LOGIN_FAILURES", 5)
REGISTRE_LOGIN_WINDOW = env_int("REGISTRE_LOGIN_WINDOW", 15 * 60)
SESSION_COOKIE_AGE = env_int("REGISTRE_SESSION_AGE", 8 * 3600)

# --- Sign-in through the company's identity provider (OpenID Connect): off unless REGISTRE_OIDC_CLIENT_ID ---
# A console user signs in at the provider and is matched to an existing staff account by e-mail; nobody is
# created (registre.web.accounts.oidc).
_OIDC = oidc_settings()
REGISTRE_OIDC_ENABLED = _OIDC["enabled"]
REGISTRE_OIDC_ISSUER = _OIDC["REGISTRE_OIDC_ISSUER"]
REGISTRE_OIDC_PROVIDER_NAME = _OIDC["REGISTRE_OIDC_PROVIDER_NAME"]
OIDC_RP_CLIENT_ID = _OIDC["OIDC_RP_CLIENT_ID"]
OIDC_RP_CLIENT_SECRET = _OIDC["OIDC_RP_CLIENT_SECRET"]
OIDC_RP_SIGN_ALGO = _OIDC["OIDC_RP_SIGN_ALGO"]
OIDC_RP_SCOPES = _OIDC["OIDC_RP_SCOPES"]
OIDC_OP_AUTHORIZATION_ENDPOINT = _OIDC["OIDC_OP_AUTHORIZATION_ENDPOINT"]
OIDC_OP_TOKEN_ENDPOINT = _OIDC["OIDC_OP_TOKEN_ENDPOINT"]
OIDC_OP_USER_ENDPOINT = _OIDC["OIDC_OP_USER_ENDPOINT"]
OIDC_OP_JWKS_ENDPOINT = _OIDC["OIDC_OP_JWKS_ENDPOINT"]
OIDC_CREATE_USER = False  # an unknown person is refused, never given an account
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 10
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:oidc-callback"
LOGIN_REDIRECT_URL_FAILURE = "accounts:oidc-refused"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
if REGISTRE_OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("registre.web.accounts.oidc.StaffOIDCBackend")

# --- Security ---------------------------------------------------------------------------------------------
# Cookies are Secure when the site is served over https (the embedded default is http on the loopback).
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("REGISTRE_SECURE_COOKIES", HTTPS)
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env_int("REGISTRE_HSTS_SECONDS", 365 * 24 * 3600 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = False
SECURE_SSL_REDIRECT = env_bool("REGISTRE_SSL_REDIRECT", False)
# Reverse proxies in front of Registre: their X-Forwarded-For gives the client address (login throttling).
REGISTRE_TRUSTED_PROXIES = env_int("REGISTRE_TRUSTED_PROXIES", 0)
if env_bool("REGISTRE_PROXY_SSL_HEADER", False):  # trust X-Forwarded-Proto from the reverse proxy
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# The shape of Django 6's SECURE_CSP, applied by registre.web.security until Django 6 (Python 3.12).
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'none'"],
    "object-src": ["'none'"],
}
REGISTRE_PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

# --- Languages and time -----------------------------------------------------------------------------------
LANGUAGE_CODE = "fr"
# The language switcher names each language in itself; a field naming a language uses registre.web.languages.
LANGUAGES = [("fr", "Français"), ("en", "English")]
LOCALE_PATHS = [WEB_DIR / "locale"]
FORMAT_MODULE_PATH = ["registre.web.formats"]  # one date format per language (see that package)
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_str("REGISTRE_TIME_ZONE", "Europe/Paris")

# --- Static files: served by WhiteNoise from the apps' static/ folders, no collectstatic step -------------
STATIC_URL = "/static/"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# --- Email: console by default; REGISTRE_EMAIL_URL or REGISTRE_EMAIL_HOST... for SMTP ---------------------
_EMAIL = email_settings()
EMAIL_BACKEND = _EMAIL["EMAIL_BACKEND"]
EMAIL_HOST = _EMAIL.get("EMAIL_HOST", "localhost")
EMAIL_PORT = _EMAIL.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _EMAIL.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _EMAIL.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _EMAIL.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _EMAIL.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 30
if "EMAIL_FILE_PATH" in _EMAIL:
    EMAIL_FILE_PATH = _EMAIL["EMAIL_FILE_PATH"]
DEFAULT_FROM_EMAIL = env_str("REGISTRE_EMAIL_FROM", "Registre <registre@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Logging: every handler redacts email addresses, tokens and keys (registre.web.redaction) -------------
LOG_LEVEL = env_str("REGISTRE_LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact": {"()": "registre.web.redaction.RedactPersonalData"},
        "refusals": {"()": "registre.web.request_log.RefusalWithoutTraceback"},
    },
    "formatters": {"plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact", "refusals"], "formatter": "plain"}
    },
    # Libraries (WeasyPrint, fontTools...) say only what matters; Registre and its server say more.
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        name: {"handlers": [], "level": LOG_LEVEL, "propagate": True}
        for name in ("registre", "django", "django_tasks", "django_tasks_db", "waitress")
    },
}
