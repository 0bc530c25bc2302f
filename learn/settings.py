"""Triggerlab settings: one module, driven by the environment, with safe defaults for a new user.

DEBUG is off unless DJANGO_DEBUG=1 (`make dev`): Django's debug page shows the process's environment and
settings, so no learner-facing profile may have it. Three profiles:

* local (nothing set: tests, a bare `manage.py`): DEBUG off, SQLite in the project folder, a random secret key
  per process, plain http for localhost only, WhiteNoise serving static files straight from the source folders;
* `make run` / `make serve`: DEBUG off, a generated secret key kept in .venv, DJANGO_HTTPS=0 on loopback;
* production: DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and DATABASE_URL set (https assumed).
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path
from urllib.parse import unquote, urlparse

import xstatic.pkg.bootstrap
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
CONTENT_DIR = Path(os.environ.get("TRIGGERLAB_CONTENT_DIR", BASE_DIR / "content"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def sqlite_database(path) -> dict:
    # Concurrent answers must never hit "database is locked": WAL lets readers and a writer overlap,
    # IMMEDIATE transactions take the write lock up front, and the timeout waits for it.
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        "OPTIONS": {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }


def database_from_url(url: str) -> dict:
    """Turn DATABASE_URL (postgres://user:pass@host:port/name or sqlite:///path) into a DATABASES entry."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":  # sqlite:////abs/path.sqlite3 or sqlite:///relative/to/project.sqlite3
        path = unquote(parsed.path)
        return sqlite_database(path[1:] if path.startswith("//") else BASE_DIR / (path.lstrip("/") or "db.sqlite3"))
    if parsed.scheme in ("postgres", "postgresql"):
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": 60,
        }
    raise ImproperlyConfigured(
        f"DATABASE_URL scheme {parsed.scheme!r} is not supported (use postgres:// or sqlite:///)"
    )


DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if h.strip()]
# Nothing configured at all: a local process on this machine (the test suite, a bare manage.py command).
LOCAL = not DEBUG and not SECRET_KEY and not ALLOWED_HOSTS and os.environ.get("DJANGO_DEBUG") is None
if not SECRET_KEY:
    if not (DEBUG or LOCAL):
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG=0")
    # Never a fixed, published key: a fresh one per process (`make run` and `make dev` keep one in .venv).
    SECRET_KEY = "triggerlab-local-" + secrets.token_urlsafe(50)
if (DEBUG or LOCAL) and not ALLOWED_HOSTS:
    ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]", "testserver"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # runserver never serves static files itself (its handler answered 500 to `/static/%2e%2e/...`, security
    # test F6); WhiteNoise serves them in every profile, from the source folders with DEBUG on.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "csp",
    "template_partials",
    "crispy_forms",
    "crispy_bootstrap5",
    "learn.catalog",
    "learn.lessons",
    "learn.quiz",
    "learn.progress",
    "learn.diagrams",
    "learn.playground",
    "learn.exercises",
    "learn.course",
    "learn.search",
    "learn.classes",
    "learn.sandbox",
    "learn.wiring",
    "learn.ratelimit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # outermost after security, so every answer (our 400 pages for a NUL, a bad Host or a bad encoding too)
    # carries the framing and content policies (second web red team, W9)
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # answers a repeat request for a public page (lessons, models, grid…) before sessions, CSRF and auth
    "learn.pagecache.PublicPageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "learn.badrequests.RejectNulMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "learn.badrequests.AdminBadInputMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "learn.ratelimit.RefusedMiddleware",
]

ROOT_URLCONF = "learn.urls"
WSGI_APPLICATION = "learn.wsgi.application"

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
                "learn.lessons.context_processors.navigation",
                "learn.lessons.context_processors.csp_nonce",
                "learn.lessons.context_processors.public_page",
            ],
        },
    },
]

DATABASES = {
    "default": database_from_url(os.environ["DATABASE_URL"])
    if os.environ.get("DATABASE_URL")
    else sqlite_database(BASE_DIR / "db.sqlite3")
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", xstatic.pkg.bootstrap.BASE_DIR),
]

# Outgoing mail (password reset links). Production: an SMTP server from EMAIL_HOST etc. With DEBUG on and no
# server, mails are printed to the console. Otherwise mail is off and the reset page says so: a reset link
# printed into a production log is a way into that account for anybody who reads the log (security test W4).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", not EMAIL_USE_SSL)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Triggerlab <webmaster@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if os.environ.get("DJANGO_EMAIL_BACKEND"):
    EMAIL_BACKEND = os.environ["DJANGO_EMAIL_BACKEND"]
    if EMAIL_BACKEND.endswith("console.EmailBackend") and not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_EMAIL_BACKEND=console prints password reset links into the server's log: only with DJANGO_DEBUG=1"
        )
elif EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
elif DEBUG:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"  # password reset answers "not available"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "progress:dashboard"
LOGOUT_REDIRECT_URL = "lessons:home"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Content Security Policy: scripts only from our origin or with this response's nonce (django-htmx's
# htmx_script tag uses it); styles allow inline attributes, which Bootstrap components rely on.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "learn.cache.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "triggerlab",
            "TIMEOUT": 300,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Behind our own reverse proxy (which appends the client's address to X-Forwarded-For): trust the right-most
# X-Forwarded-For entry as the client address (rate limits) and X-Forwarded-Proto for https.
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", False)
# X-Forwarded-For is believed only from these addresses (the proxy's), never from a client that reaches the
# app server directly (second web red team, W16). Comma-separated networks.
TRUSTED_PROXIES = [
    n.strip()
    for n in os.environ.get(
        "DJANGO_TRUSTED_PROXIES", "127.0.0.0/8,::1/128,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,fc00::/7"
    ).split(",")
    if n.strip()
]
# The site's public address for links in e-mails (password reset); default: the first of ALLOWED_HOSTS.
SITE_DOMAIN = os.environ.get("DJANGO_SITE_DOMAIN", "")
# Real handler invocations allowed per minute (every retry a replay or a grading run makes counts): per learner,
# and per client address (so a learner who drops the session cookie gets no fresh allowance). A normal learner
# never reaches these; a classroom behind one NAT address may want a higher address limit.
SANDBOX_RUNS_PER_MINUTE = int(os.environ.get("SANDBOX_RUNS_PER_MINUTE", "30"))
SANDBOX_ADDRESS_RUNS_PER_MINUTE = int(os.environ.get("SANDBOX_ADDRESS_RUNS_PER_MINUTE", "60"))
# Graded exercise submissions (action "submit") per learner per hour.
EXERCISE_SUBMISSIONS_PER_HOUR = int(os.environ.get("EXERCISE_SUBMISSIONS_PER_HOUR", "60"))

# The handler sandbox needs bubblewrap + python3-seccomp. Where they are missing (e.g. macOS), a developer may
# allow a limits-only fallback; it only ever runs with DEBUG on, and every result says isolation is weak.
SANDBOX_ALLOW_UNSAFE_FALLBACK = env_bool("SANDBOX_ALLOW_UNSAFE_FALLBACK", False)
# "rq": sandbox runs go through Redis (REDIS_URL) to `manage.py sandbox_worker` processes, which may live on
# other machines. Empty (the default): the web process spawns the sandboxes itself.
SANDBOX_WORKERS = os.environ.get("SANDBOX_WORKERS", "")
if SANDBOX_WORKERS and SANDBOX_WORKERS != "rq":
    raise ImproperlyConfigured("SANDBOX_WORKERS must be empty or 'rq'")
if SANDBOX_WORKERS and not REDIS_URL:
    raise ImproperlyConfigured("SANDBOX_WORKERS=rq needs REDIS_URL (the queue lives in Redis)")

# Sign-up attempts, reset mails and problem reports per client address (or e-mail address) per hour. A classroom
# behind one NAT address signs up together: the sign-up limit leaves room for that. (learn/ratelimit)
SIGNUPS_PER_ADDRESS_PER_HOUR = int(os.environ.get("SIGNUPS_PER_ADDRESS_PER_HOUR", "60"))
PASSWORD_RESETS_PER_ADDRESS_PER_HOUR = int(os.environ.get("PASSWORD_RESETS_PER_ADDRESS_PER_HOUR", "20"))
PASSWORD_RESETS_PER_EMAIL_PER_HOUR = int(os.environ.get("PASSWORD_RESETS_PER_EMAIL_PER_HOUR", "3"))
PROBLEM_REPORTS_PER_ADDRESS_PER_HOUR = int(os.environ.get("PROBLEM_REPORTS_PER_ADDRESS_PER_HOUR", "30"))
# Login throttle (learn/progress/throttle.py): failures per 15 minutes per (address, name) and per name; failures
# per address before each further attempt from it waits 2, 4, ... up to LOGIN_ADDRESS_MAX_DELAY_S seconds.
LOGIN_FAILURES_PER_ADDRESS_AND_NAME = int(os.environ.get("LOGIN_FAILURES_PER_ADDRESS_AND_NAME", "5"))
LOGIN_FAILURES_PER_NAME = int(os.environ.get("LOGIN_FAILURES_PER_NAME", "10"))
LOGIN_FAILURES_PER_ADDRESS_FREE = int(os.environ.get("LOGIN_FAILURES_PER_ADDRESS_FREE", "30"))
# Public pages (lessons, models, the grid, the guide, the glossary) kept rendered in each process's memory
# (learn.pagecache). Off with DEBUG on, so a developer's template edits show at once; ETags and 304s stay on.
PUBLIC_PAGE_CACHE = env_bool("DJANGO_PUBLIC_PAGE_CACHE", not DEBUG)
CSRF_FAILURE_VIEW = "learn.badrequests.csrf_failure"  # a site page (JSON for autosave), not a bare 403
LOGIN_ADDRESS_MAX_DELAY_S = int(os.environ.get("LOGIN_ADDRESS_MAX_DELAY_S", "60"))

# WhiteNoise serves static files in every profile (runserver's own handler is off, see INSTALLED_APPS); with
# DEBUG on it serves them straight from the source folders and picks up changes.
MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")
if not DEBUG:
    # WhiteNoise serves compressed, hashed static files in production (after collectstatic); in the local profile
    # it serves them straight from the source folders.
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
            if LOCAL
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        },
    }
    WHITENOISE_USE_FINDERS = LOCAL
    if LOCAL:  # files come from the finders; WhiteNoise still warns when STATIC_ROOT (gitignored) is missing
        with contextlib.suppress(OSError):
            STATIC_ROOT.mkdir(parents=True, exist_ok=True)
    # Behind TLS in production. `make run`/`make serve` (plain http on loopback) and the local profile turn
    # these off.
    HTTPS = env_bool("DJANGO_HTTPS", not LOCAL)
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
    SECURE_SSL_REDIRECT = HTTPS and env_bool("DJANGO_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000")) if HTTPS else 0
    SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_PRELOAD = HTTPS
    if BEHIND_PROXY:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    LOGGING = {
        "version": 1,
        "disable_existing_loggers": False,
        "handlers": {"console": {"class": "logging.StreamHandler"}},
        "root": {"handlers": ["console"], "level": "WARNING"},
    }
