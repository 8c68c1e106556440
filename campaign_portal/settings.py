"""Settings, read from the environment with safe defaults for a first local run.

With nothing set: DEBUG on, a SQLite file beside manage.py, Celery tasks run eagerly in-process.
Production sets DJANGO_DEBUG=false, DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL and
CELERY_BROKER_URL; the README lists every variable.
"""

import os
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def database_from_url(url: str) -> dict:
    """Turn postgres://user:pass@host:port/name?opt=v or sqlite:///path into DATABASES["default"]."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": unquote(parts.path[1:]) or ":memory:",
        }
    if parts.scheme not in {"postgres", "postgresql"}:
        raise ImproperlyConfigured(f"DATABASE_URL: unsupported scheme {parts.scheme!r}")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        "CONN_MAX_AGE": int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": dict(parse_qsl(parts.query)),
    }


# ---------------------------------------------------------------------------- core
DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG=false")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105 (local default)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG=false")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "treebeard",
    "django_celery_beat",
    "simple_history",
    "units",
    "campaigns",
    "reports",
    # The project package: home, bell, and the demo assembly (`seed_demo`) over all three apps.
    "campaign_portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Records who made each change kept in history (directives, campaigns, milestones).
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "campaign_portal.urls"
WSGI_APPLICATION = "campaign_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "campaign_portal.context_processors.access",
            ],
        },
    },
]

# ---------------------------------------------------------------------------- database
DATABASE_URL = os.environ.get("DATABASE_URL", "")
DATABASES = {
    "default": database_from_url(DATABASE_URL)
    if DATABASE_URL
    else {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ---------------------------------------------------------------------------- auth
AUTH_USER_MODEL = "units.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# ---------------------------------------------------------------------------- language and time
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt")]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["campaign_portal.formats"]

# ---------------------------------------------------------------------------- static and media
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "media/"
# Uploads up to this size stay in memory; larger ones spool to a temporary file.
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Checked once the upload has arrived: limit the request body at the proxy too (README).
UNIT_IMPORT_MAX_BYTES = int(os.environ.get("UNIT_IMPORT_MAX_BYTES", 20 * 1024 * 1024))

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# ---------------------------------------------------------------------------- Celery
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
# Without a broker every task runs in the calling process: the embedded default for a first run.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# ---------------------------------------------------------------------------- reminders
# Days from a deadline on which units that still owe something are reminded (negative: before).
REMINDER_OFFSETS = [int(v) for v in env_list("REMINDER_OFFSETS", "-7,-3,-1,0,1,7")]
# Links in e-mails point here.
PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:8000")

# ---------------------------------------------------------------------------- digital signature
# Issued PDFs are signed as PAdES with the operator's key (campaigns/signing). The backend is
# "pkcs12" (a .p12 file) or "pkcs11" (a token or HSM through its PKCS#11 module); empty: no
# signing. Secrets (passphrase, PIN) come from the environment only, never from the database;
# their keys contain PASS or SECRET, so Django's error pages show them masked.
# Trust is decided offline against PORTAL_TRUSTED_ROOTS (PEM or DER files); nothing is fetched.


def signing_key(prefix: str) -> dict:
    """One key's settings from PORTAL_<prefix>_* (SIGN for the signer, SEAL for the seal)."""
    return {
        "backend": os.environ.get(f"PORTAL_{prefix}_BACKEND", "").strip().lower(),
        "pkcs12_path": os.environ.get(f"PORTAL_{prefix}_PKCS12", ""),
        "pkcs12_password": os.environ.get(f"PORTAL_{prefix}_PKCS12_PASSWORD", ""),
        "pkcs11_module": os.environ.get(f"PORTAL_{prefix}_PKCS11_MODULE", ""),
        "pkcs11_token_label": os.environ.get(f"PORTAL_{prefix}_PKCS11_TOKEN", ""),
        "pkcs11_key_label": os.environ.get(f"PORTAL_{prefix}_PKCS11_KEY", ""),
        "pkcs11_pin_secret": os.environ.get(f"PORTAL_{prefix}_PIN", ""),
    }


_seal_key = signing_key("SEAL")
PORTAL_SIGNING = {
    **signing_key("SIGN"),
    # The issuing body's seal as a second signature; None when not configured.
    "seal": _seal_key if _seal_key["backend"] else None,
    # An RFC 3161 timestamp server makes the signature PAdES B-T; empty: B-B.
    "timestamp_url": os.environ.get("PORTAL_TSA_URL", ""),
    "trusted_roots": env_list("PORTAL_TRUSTED_ROOTS"),
    # Tests only: a pyHanko TimeStamper used instead of timestamp_url (never set from the env).
    "timestamper": None,
}

# The demo's keys (made by `manage.py seed_demo`, marked DEMO, in var/demo-signing/ beside the
# media directory): used in development only, when no key is configured, and then the demo's
# root is the only one trusted.
if DEBUG and not PORTAL_SIGNING["backend"]:
    from campaigns.demo_keys import SIGNER_FILE, demo_portal_signing, demo_signing_dir

    if (demo_signing_dir(MEDIA_ROOT) / SIGNER_FILE).exists():
        PORTAL_SIGNING = demo_portal_signing(demo_signing_dir(MEDIA_ROOT))

# ---------------------------------------------------------------------------- mail
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Only for EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend (tests, staging).
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", "")
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Cổng sinh hoạt chính trị <no-reply@localhost>"
)

# ---------------------------------------------------------------------------- security
# Behind a reverse proxy that terminates TLS and sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    # On by default so that `check --deploy` is clean; both bind every host of the domain to
    # HTTPS for a long time: turn them off where other hosts of the domain still serve HTTP.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # pyHanko logs every certificate chain that reaches no trusted root as a warning with its
    # whole traceback; the portal shows that verdict beside the signature: keep the line only.
    "filters": {"pyhanko_tracebacks": {"()": "campaigns.signing.logs.WithoutTraceback"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["pyhanko_tracebacks"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    # WeasyPrint logs every layout step at INFO, and fontTools every subset; keep their warnings.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "pyhanko": {"level": "WARNING"},
        "pyhanko_certvalidator": {"level": "WARNING"},
    },
}
