"""Settings, read from the environment only (see the table in README.md)."""

import contextlib
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")
TESTING = env_bool("CITEIA_TESTING")
# Demo mode allows `load_demo` to create users with printed passwords; never in production.
DEMO = env_bool("CITEIA_DEMO")

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105
    else:
        raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

VAR_DIR = Path(env_str("CITEIA_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)
OPERATOR_NAME = env_str("CITEIA_OPERATOR_NAME", "Métropole du Grand Paris")
OPERATOR_SIREN = env_str("CITEIA_OPERATOR_SIREN", "200054781")
CONTACT_EMAIL = env_str("CITEIA_CONTACT_EMAIL", "contact@citeia.example")

INSTALLED_APPS = [
    "citeia.core",
    "citeia.accounts",
    "citeia.territory",
    "citeia.catalogue",
    "citeia.assessment",
    "citeia.registry",
    "citeia.sandbox",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "simple_history",
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "citeia.core.middleware.SecurityHeadersMiddleware",
    "citeia.core.middleware.RejectNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "citeia.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "citeia.urls"
WSGI_APPLICATION = "citeia.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "citeia.core.context_processors.platform",
            ],
        },
    }
]

# Database: SQLite under var/ unless DATABASE_URL says otherwise.
_default_sqlite = f"sqlite:///{VAR_DIR / 'citeia.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(env_str("DATABASE_URL") or _default_sqlite)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web server and the worker write concurrently;
    # IMMEDIATE transactions avoid "database is locked" on lock upgrades.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A file (not in-memory) SQLite test database, so that a real worker process and the
# live server of the browser tests can share it with the test process.
TEST_DATABASE_NAME = env_str("TEST_DATABASE_NAME")
if TEST_DATABASE_NAME:
    DATABASES["default"]["TEST"] = {"NAME": TEST_DATABASE_NAME}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-citeia.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:profile"
LOGOUT_REDIRECT_URL = "core:home"
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 3 * 24 * 3600)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_THROTTLE_ATTEMPTS = env_int("LOGIN_THROTTLE_ATTEMPTS", 5)
LOGIN_THROTTLE_WINDOW = env_int("LOGIN_THROTTLE_WINDOW", 15 * 60)
# Number of reverse proxies in front of the application that append to X-Forwarded-For;
# 0 means the client connects directly and REMOTE_ADDR is its address.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "citeia_cache",
    },
    # Rendered fragments of reference data (maps, commune tables), per process: they only
    # change with a data migration, that is with a deployment and a restart.
    "template_fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "citeia-fragments",
        "TIMEOUT": env_int("FRAGMENT_CACHE_SECONDS", 3600),
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
    # Rendered catalogue results and facets, per process, keyed by the search and by a
    # version of the catalogue read on every request: a change shows at once
    # (docs/PERFORMANCE.md, "Catalogue at scale").
    "catalogue_results": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "citeia-catalogue-results",
        "TIMEOUT": env_int("CATALOGUE_RESULTS_CACHE_SECONDS", 600),
        "OPTIONS": {"MAX_ENTRIES": 1000},
    },
    # Rendered result cards of the catalogue, per solution, language and catalogue
    # version: a search nobody made before renders only the cards not shown since the
    # last change. At most about 1.5 KB each.
    "catalogue_cards": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "citeia-catalogue-cards",
        "TIMEOUT": env_int("CATALOGUE_CARDS_CACHE_SECONDS", 600),
        "OPTIONS": {"MAX_ENTRIES": 20000},
    },
    # The register's results and filters, the same way, keyed by a version of the register.
    "registry_results": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "citeia-registry-results",
        "TIMEOUT": env_int("REGISTRY_RESULTS_CACHE_SECONDS", 600),
        "OPTIONS": {"MAX_ENTRIES": 1000},
    },
}

# OpenID Connect (ProConnect) — off unless configured.
OIDC_ENABLED = env_bool("OIDC_ENABLED")
if OIDC_ENABLED:
    INSTALLED_APPS.append("mozilla_django_oidc")
    AUTHENTICATION_BACKENDS.append("citeia.accounts.oidc.CiteiaOIDCBackend")
    OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID")
    OIDC_RP_CLIENT_SECRET = env_str("OIDC_RP_CLIENT_SECRET")
    OIDC_RP_SIGN_ALGO = env_str("OIDC_RP_SIGN_ALGO", "RS256")
    OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_OP_AUTHORIZATION_ENDPOINT")
    OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_OP_TOKEN_ENDPOINT")
    OIDC_OP_USER_ENDPOINT = env_str("OIDC_OP_USER_ENDPOINT")
    OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_OP_JWKS_ENDPOINT")
    OIDC_RP_SCOPES = env_str("OIDC_RP_SCOPES", "openid email given_name usual_name")
    missing = [
        name
        for name in (
            "OIDC_RP_CLIENT_ID",
            "OIDC_OP_AUTHORIZATION_ENDPOINT",
            "OIDC_OP_TOKEN_ENDPOINT",
        )
        if not globals()[name]
    ]
    if missing:
        raise ImproperlyConfigured(f"OIDC_ENABLED is on but {', '.join(missing)} is empty.")

# Internationalisation: French first, complete English.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
LANGUAGE_COOKIE_NAME = "citeia_language"
LANGUAGE_COOKIE_SECURE = env_bool("CITEIA_HTTPS")
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

STATIC_URL = "/static/"
# Tests and development serve static files from the apps (finders), not from STATIC_ROOT.
STATIC_ROOT = None if (DEBUG or TESTING) else VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"
WHITENOISE_USE_FINDERS = DEBUG or TESTING

# Request size limits (bytes). Uploads of datasets use their own streamed limits.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("CITEIA_MAX_REQUEST_BYTES", 2 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# Security headers. The Content-Security-Policy is set by core.middleware.
HTTPS = env_bool("CITEIA_HTTPS")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "citeia.core.views.csrf_failure"
if HTTPS:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# E-mail: console by default (messages printed by the server).
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Cité IA <no-reply@citeia.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background tasks: the database queue, one or many `db_worker` processes.
TASKS = {
    "default": {
        "BACKEND": env_str(
            "TASKS_BACKEND",
            "django_tasks.backends.immediate.ImmediateBackend"
            if TESTING
            else "django_tasks_db.DatabaseBackend",
        ),
        "QUEUES": ["default"],
    }
}
WORKER_HEARTBEAT_SECONDS = env_int("WORKER_HEARTBEAT_SECONDS", 10)
WORKER_HEARTBEAT_MAX_AGE = env_int("WORKER_HEARTBEAT_MAX_AGE", 60)

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_PER_PAGE_SIZE = 500

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.server": {"level": "WARNING"}},
}

# Sandbox (issue 6): datasets, models and evaluation runs.
SANDBOX_DIR = Path(env_str("CITEIA_SANDBOX_DIR", str(VAR_DIR / "sandbox")))
SANDBOX_MAX_UPLOAD_BYTES = env_int("CITEIA_SANDBOX_MAX_UPLOAD_BYTES", 200 * 1024 * 1024)
SANDBOX_MAX_MODEL_BYTES = env_int("CITEIA_SANDBOX_MAX_MODEL_BYTES", 50 * 1024 * 1024)
SANDBOX_RUN_MEMORY_MB = env_int("CITEIA_SANDBOX_RUN_MEMORY_MB", 4096)
SANDBOX_RUN_CPU_SECONDS = env_int("CITEIA_SANDBOX_RUN_CPU_SECONDS", 1800)
SANDBOX_RUN_WALL_SECONDS = env_int("CITEIA_SANDBOX_RUN_WALL_SECONDS", 1800)
SANDBOX_RETENTION_DAYS = env_int("CITEIA_SANDBOX_RETENTION_DAYS", 365)
# AES-256 key (urlsafe base64 of 32 bytes) for personal and sensitive datasets at rest.
SANDBOX_KEY = env_str("CITEIA_SANDBOX_KEY")
if not SANDBOX_KEY:
    if DEBUG or TESTING or DEMO:
        import base64 as _base64
        import secrets as _secrets

        _key_file = VAR_DIR / "sandbox-key"
        # Created once, atomically (O_EXCL): web, worker and tests share it.
        with contextlib.suppress(FileExistsError):
            _fd = os.open(_key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(_fd, "w") as _out:
                _out.write(_base64.urlsafe_b64encode(_secrets.token_bytes(32)).decode())
        SANDBOX_KEY = _key_file.read_text().strip()
    else:
        raise ImproperlyConfigured(
            "CITEIA_SANDBOX_KEY is required when DEBUG is off (urlsafe base64 of 32 bytes)."
        )

# Register (issue 5): checking links calls outside servers, so it is off unless asked for.
REGISTRY_LINK_CHECK = env_bool("REGISTRY_LINK_CHECK", False)
REGISTRY_FORM_LIMIT_PER_HOUR = env_int("REGISTRY_FORM_LIMIT_PER_HOUR", 5)
