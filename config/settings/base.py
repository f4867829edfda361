"""Settings shared by every environment; the environment decides the rest.

Every value that differs between machines comes from an environment variable with a safe
local default, and a bad value stops start-up with a message naming the variable.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parents[2]


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "")
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name, "")
    return [item.strip() for item in raw.split(",") if item.strip()] or default


SECRET_KEY = os.environ.get("SECRET_KEY", "local-development-only-not-a-secret-7f3a9c")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "raci",
    "launches",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "django.template.context_processors.csp",
                "raci.context_processors.bell",
            ],
        },
    },
]

DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    try:
        # Health checks cost a round trip per request; a connection that died is dropped on
        # its first error and replaced on the next request either way.
        DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("CONN_MAX_AGE", 60),
                                                      conn_health_checks=env_bool("CONN_HEALTH_CHECKS", False))}
        if DATABASES["default"]["ENGINE"].endswith("postgresql"):
            # Server-side binding lets psycopg prepare the statements a connection repeats,
            # so PostgreSQL plans the cell-edit queries once, not on every keystroke.
            DATABASES["default"].setdefault("OPTIONS", {})["server_side_binding"] = True
    except Exception as exc:  # the library's message does not name the variable
        raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {exc}") from None
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            "CONN_MAX_AGE": env_int("CONN_MAX_AGE", 60),
            # WAL with synchronous=NORMAL: safe against corruption, and a commit costs no fsync.
            "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
                        "transaction_mode": "IMMEDIATE"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Sessions are read from the cache and written through to the database, so a page view
# costs no session query and a cache restart logs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

AUTHENTICATION_BACKENDS = ["raci.auth_backend.UserBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# After this many failed sign-ins for one username from one address, sign-in is refused
# for LOGIN_LOCKOUT_SECONDS.
LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 5)
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 15 * 60)

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"

DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
# How big an imported file and a matrix may be: see raci/limits.py.

# No inline script or style anywhere: htmx is configured not to inject its indicator
# styles and not to eval, so 'self' is enough.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Django 6.1's mailers: the console in development, SMTP when EMAIL_HOST is set.
def smtp_mailer() -> dict:
    return {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": {
        "host": os.environ.get("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 25),
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", False),
    }}


if os.environ.get("EMAIL_BACKEND"):
    MAILERS = {"default": {"BACKEND": os.environ["EMAIL_BACKEND"]}}
elif os.environ.get("EMAIL_HOST"):
    MAILERS = {"default": smtp_mailer()}
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Lockstep <lockstep@localhost>")

# Celery: with REDIS_URL it talks to Redis for real; without, tasks run in-process.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TIMEZONE = TIME_ZONE
# Tasks that live outside the apps' tasks.py modules.
CELERY_IMPORTS = ["launches.reminders"]

# Mail and webhook retries: TASK_RETRY_BASE_SECONDS * 2**n after the n-th failure.
TASK_RETRY_BASE_SECONDS = env_int("TASK_RETRY_BASE_SECONDS", 30)
TASK_MAX_RETRIES = env_int("TASK_MAX_RETRIES", 5)
LONGEST_COUNTDOWN = TASK_RETRY_BASE_SECONDS * 2 ** max(TASK_MAX_RETRIES - 1, 0)
# Redis hands an unacknowledged task to another worker after the visibility timeout. It
# must outlast the longest retry countdown, or a retry waiting in the queue would run twice.
CELERY_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", max(60 * 60, 2 * LONGEST_COUNTDOWN))
if CELERY_VISIBILITY_TIMEOUT <= LONGEST_COUNTDOWN:
    raise ImproperlyConfigured(f"CELERY_VISIBILITY_TIMEOUT ({CELERY_VISIBILITY_TIMEOUT} s) must be above the longest "
                               f"retry countdown ({LONGEST_COUNTDOWN} s)")
# A task whose worker died is handed out again once the visibility timeout has passed; the
# worker looks for such tasks every CELERY_RESTORE_INTERVAL seconds.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
                                   "unacked_restore_interval": env_int("CELERY_RESTORE_INTERVAL", 10),
                                   "unacked_restore_throttle": 1}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "lockstep")
# Imports parse and save big files for up to minutes: they get a queue (and in production
# a worker) of their own, so reminders and e-mails never wait behind them.
IMPORTS_QUEUE = os.environ.get("CELERY_IMPORTS_QUEUE", "imports")
CELERY_TASK_ROUTES = {
    "raci.tasks.parse_import": {"queue": IMPORTS_QUEUE},
    "raci.tasks.apply_import": {"queue": IMPORTS_QUEUE},
}

# Notifications. Links in e-mails and webhooks are made absolute with SITE_URL.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
DIGEST_HOUR = env_int("DIGEST_HOUR", 8)
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 5)
# Webhooks to private and loopback addresses are refused unless this is set (development).
WEBHOOK_ALLOW_PRIVATE = env_bool("WEBHOOK_ALLOW_PRIVATE", DEBUG)
# How often an open page asks for the unread count.
NOTIFY_POLL_SECONDS = env_int("NOTIFY_POLL_SECONDS", 20)

# `make bench` serves a bare view returning a constant: the floor its ratios divide by.
BENCH_FLOOR = env_bool("BENCH_FLOOR", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
