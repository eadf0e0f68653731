"""Settings. Everything that differs between machines comes from the environment (core/env.py)."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

from banshi.core.env import env_bool, env_float, env_int, env_str, secret_key_file, var_dir_default

BASE_DIR = Path(__file__).resolve().parent.parent
# A source checkout keeps its data in <checkout>/var; an installed package in a per-user data
# directory, never inside site-packages (core/env.py: var_dir_default).
VAR_DIR = Path(env_str("BANSHI_VAR_DIR", "") or str(var_dir_default(Path(__file__).resolve().parent)))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("BANSHI_DEBUG", False)
# BANSHI_SECRET_KEY wins; otherwise a per-install secret generated on first run, kept in
# VAR_DIR/secret_key (mode 0600). There is no built-in key.
SECRET_KEY = env_str("BANSHI_SECRET_KEY", "") or secret_key_file(VAR_DIR / "secret_key")
ALLOWED_HOSTS = [h for h in env_str("BANSHI_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in env_str("BANSHI_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "banshi.core",
    "banshi.orgs",
    "banshi.sla",
    "banshi.cases",
    "banshi.notify",
    "banshi.triage",
    "banshi.services",
    "banshi.notary",
    "banshi.judicial_aid",
    "banshi.psych",
    "banshi.intake",
    "banshi.stats",
    "banshi.api",
    "banshi.web",
    "banshi.ops",
    "banshi.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "banshi.core.middleware.SecurityHeadersMiddleware",
    "banshi.core.middleware.RejectNulMiddleware",
]

ROOT_URLCONF = "banshi.urls"
WSGI_APPLICATION = "banshi.wsgi.application"

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
            ],
        },
    },
]

SQLITE_PATH = VAR_DIR / "banshi.sqlite3"
_database_url = env_str("DATABASE_URL", "")
if _database_url:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=env_int("BANSHI_CONN_MAX_AGE", 60))}
    if DATABASES["default"]["ENGINE"].endswith("postgresql"):
        # JIT compilation added 30–850 ms to large queue queries and saved nothing (bench/workbench.py).
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(SQLITE_PATH),
            "OPTIONS": {
                # WAL lets readers run beside the single writer; IMMEDIATE takes the write
                # lock at BEGIN so two writers queue instead of deadlocking on upgrade.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=15000;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 15,
            },
            # A file per test process, so parallel runs and live-server threads share one real database.
            "TEST": {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")},
            # Reusing a connection skips the PRAGMAs and function registration on every request.
            "CONN_MAX_AGE": env_int("BANSHI_CONN_MAX_AGE", 60),
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "orgs.Person"
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "banshi" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
BANSHI_MAX_UPLOAD_BYTES = env_int("BANSHI_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Running behind an HTTPS reverse proxy (nginx and the like, which must set X-Forwarded-Proto):
# BANSHI_HTTPS=1 makes the cookies Secure, sends HSTS (BANSHI_HSTS_SECONDS, default one year) and
# trusts the proxy's X-Forwarded-Proto header to tell HTTPS requests.
BANSHI_HTTPS = env_bool("BANSHI_HTTPS", False)
if BANSHI_HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("BANSHI_HSTS_SECONDS", 365 * 24 * 3600)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Triage: above this confidence a new demand is dispatched without a dispatcher.
BANSHI_AUTO_DISPATCH_CONFIDENCE = env_float("BANSHI_AUTO_DISPATCH_CONFIDENCE", 0.85)
# SLA worker: warn this fraction of the period before a milestone is due.
BANSHI_SLA_WARN_FRACTION = env_float("BANSHI_SLA_WARN_FRACTION", 0.2)
BANSHI_NOTIFY_LOG = Path(env_str("BANSHI_NOTIFY_LOG", str(VAR_DIR / "sms.log")))
# Dotted path of an SMS gateway class (default: the log-file gateway in notify/gateways.py).
BANSHI_NOTIFY_GATEWAY = env_str("BANSHI_NOTIFY_GATEWAY", "")
# The public address printed in QR posters, e.g. https://banshi.example.gov.cn
BANSHI_PUBLIC_URL = env_str("BANSHI_PUBLIC_URL", "")
# Open311 discovery (/open311/v2/discovery.json): contact and how to get an api_key; empty: built-in text.
BANSHI_OPEN311_CONTACT = env_str("BANSHI_OPEN311_CONTACT", "")
BANSHI_OPEN311_KEY_SERVICE = env_str("BANSHI_OPEN311_KEY_SERVICE", "")

# Rate limits and other shared counters: Redis when configured (shared by every gunicorn worker),
# otherwise a per-process memory cache (fine for one machine in development and tests).
_redis_url = env_str("BANSHI_REDIS_URL", "")
if _redis_url:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _redis_url}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("BANSHI_LOG_LEVEL", "WARNING")},
}

# The overdue index's INCLUDE columns (cases.Case.Meta) serve PostgreSQL; SQLite builds the same
# index without them, which is all the embedded default needs.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
