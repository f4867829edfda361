"""Settings shared by every environment; the environment decides the rest.

Every value that differs between machines comes from an environment variable with a safe
local default, and a bad value stops start-up with a message naming the variable.
"""

import ipaddress
import os
from pathlib import Path
from typing import Any

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


def env_networks(name: str) -> list[str]:
    """Comma-separated IP addresses or CIDR networks, checked now so a typo stops start-up."""
    networks = []
    for item in env_list(name, []):
        try:
            networks.append(str(ipaddress.ip_network(item, strict=False)))
        except ValueError:
            raise ImproperlyConfigured(f"{name} must list IP addresses or networks (CIDR), not {item!r}") from None
    return networks


SECRET_KEY = os.environ.get("SECRET_KEY", "local-development-only-not-a-secret-7f3a9c")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# The reverse proxies in front of the app: only requests from these addresses may say, in
# X-Forwarded-For/-Proto/-Host, who the client is and whether it came over HTTPS.
TRUSTED_PROXIES = env_networks("TRUSTED_PROXIES")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    # Accounts, sign-in, two-factor and sessions: django-allauth, its pages in our look
    # (templates/account, templates/mfa, templates/usersessions, templates/allauth).
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.mfa",
    "allauth.usersessions",
    # The product's parts, lowest first: each imports only those above it in this list
    # (the import-linter contract in pyproject.toml checks it).
    "core",
    "accounts",
    "workspaces",
    "notifications",
    "raci",
    "workshops",
    "launches",
    "rituals",
    "dashboard",
    # The doors above the product: each imports the apps below, none another door.
    "api",
    "chat",
    "sharing",
    "ninja",
]

MIDDLEWARE = [
    # First: everything after it, SecurityMiddleware's SECURE_PROXY_SSL_HEADER included,
    # sees forwarded headers only when a trusted proxy sent them.
    "core.proxies.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before the session middleware: a session cookie holding NUL never reaches the database.
    # The API's bodies are bounded before anything reads them, NUL refused as a problem
    # document (before reject_nul's plain text), and its answers carry their limits.
    "api.middleware.api_edge",
    "core.middleware.reject_nul",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # allauth's sign-in stages (two-factor) and reauthentication; reads only the session.
    # allauth.usersessions' middleware is left out: it records activity with a query a request.
    "allauth.account.middleware.AccountMiddleware",
    # Answers to a signed-in person are never stored by a browser or a proxy.
    "core.middleware.private_when_signed_in",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # A session started by single sign-on ends after SSO_SESSION_HOURS (workspaces.sessions).
    "workspaces.sessions.sso_session_cap",
    # The page that starts an SSO sign-in may send its form on to the identity provider.
    "workspaces.providers.provider_in_form_action",
    # Last: domain errors a view lets through become 403/404/409/422 (core.responses).
    "core.responses.DomainErrorMiddleware",
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
                "notifications.context_processors.bell",
                "workspaces.context_processors.switcher",
                "sharing.context_processors.share_nav",
            ],
        },
    },
]

DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    try:
        # Health checks cost a round trip per request; a connection that died is dropped on
        # its first error and replaced on the next request either way.
        DATABASES = {
            "default": dj_database_url.parse(
                DATABASE_URL,
                conn_max_age=env_int("CONN_MAX_AGE", 60),
                conn_health_checks=env_bool("CONN_HEALTH_CHECKS", False),
            )
        }
        if DATABASES["default"]["ENGINE"].endswith("postgresql"):
            # Server-side binding and a prepare threshold let psycopg prepare the statements a
            # connection repeats, so PostgreSQL plans the cell-edit and live-update queries
            # once per connection, not on every keystroke: planning cost more than running
            # them. (Django leaves preparing off by default for transaction-mode poolers such
            # as PgBouncer; DATABASE_PREPARE_THRESHOLD=0 turns it off behind one.)
            options = DATABASES["default"].setdefault("OPTIONS", {})
            options["server_side_binding"] = True
            options["prepare_threshold"] = env_int("DATABASE_PREPARE_THRESHOLD", 2) or None
    except Exception as exc:  # the library's message does not name the variable
        raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {exc}") from None
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            "CONN_MAX_AGE": env_int("CONN_MAX_AGE", 60),
            # WAL with synchronous=NORMAL: safe against corruption, and a commit costs no fsync.
            # One writer at a time: the others wait up to 20 s for it (a busy machine with a
            # room of editors on one matrix took over 5 s), instead of failing the edit.
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
                "transaction_mode": "IMMEDIATE",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES: dict[str, dict[str, Any]] = {"default": {"BACKEND": "core.cache.RedisCache", "LOCATION": REDIS_URL}}
else:
    # Without Redis the throttle's counters live here: room for many of them, so that a flood
    # of made-up accounts cannot push a real account's failed attempts out of the cache
    # (the default keeps only 300 entries).
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 100_000}}
    }

# Pushed changes (core.push): the Redis whose pub/sub carries changes from the processes
# that write to the stream processes (uvicorn, config.asgi). Empty: pages poll.
PUSH_REDIS_URL = os.environ.get("PUSH_REDIS_URL", REDIS_URL)
# One person's open streams, across every stream process: past this, a page polls.
PUSH_STREAMS_PER_PERSON = env_int("PUSH_STREAMS_PER_PERSON", 20)
# A quiet stream sends a comment this often, so proxies do not close it as idle.
PUSH_HEARTBEAT_SECONDS = env_int("PUSH_HEARTBEAT_SECONDS", 15)
# How long a browser waits before reconnecting a lost stream.
PUSH_RETRY_MS = env_int("PUSH_RETRY_MS", 2000)

# Sessions are read from the cache and written through to the database, so a page view
# costs no session query and a cache restart logs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

AUTHENTICATION_BACKENDS = ["accounts.auth_backend.UserBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # The site's own name is the first word an attacker tries against it.
    {"NAME": "accounts.passwords.SiteNameValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# django-allauth (accounts/adapter.py, accounts/forms.py). People sign in by username only:
# the throttle counts failures per account by the name typed, and a second name for the same
# account (its address) would give a guesser a second count.
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    "login": "accounts.forms.SignInForm",
    "signup": "accounts.forms.SignUpForm",
    "change_password": "accounts.forms.PasswordChangeForm",
    "set_password": "accounts.forms.PasswordSetForm",
    "reset_password_from_key": "accounts.forms.PasswordResetKeyForm",
}
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
# A mail scanner opening the link confirms nothing: the page's button does.
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
# allauth's own failed-sign-in limit keys on the lowercased name without NFKC: ours
# (accounts/throttle.py) stands in front of authentication instead.
# Confirmation mails are capped by MAILS_PER_ADDRESS_HOUR like every mail to a typed address
# (a sign-up replacing an unconfirmed one gets its own link at once).
# allauth's per-address sign-in limit is ours too (LOGIN_MAX_FAILURES_PER_ADDRESS), with its message.
ACCOUNT_RATE_LIMITS = {"login_failed": None, "login": None, "confirm_email": None}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Lockstep"
MFA_FORMS = {"authenticate": "accounts.forms.TwoFactorCodeForm"}
# Sessions are recorded at sign-in; last-seen tracking would cost a write a request.
USERSESSIONS_TRACK_ACTIVITY = False
USERSESSIONS_ADAPTER = "accounts.adapter.SessionsAdapter"
# Single sign-on: an account is never linked to an identity provider by address alone.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
SOCIALACCOUNT_PROVIDERS: dict[str, dict[str, Any]] = {"openid_connect": {"OAUTH_PKCE_ENABLED": True, "APPS": []}}
# The account is made from the claims at the first SSO sign-in, and every SSO sign-in applies
# the claims to memberships (workspaces/sso_adapter.py).
SOCIALACCOUNT_ADAPTER = "workspaces.sso_adapter.SsoAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_STORE_TOKENS = False


def sso_oidc_app() -> dict | None:
    """The identity provider the environment names (all four SSO_OIDC_* or none); more are
    added in the admin. Its id, `sso`, is in its redirect URI."""
    names = ("SSO_OIDC_NAME", "SSO_OIDC_ISSUER", "SSO_OIDC_CLIENT_ID", "SSO_OIDC_CLIENT_SECRET")
    values = {name: os.environ.get(name, "").strip() for name in names}
    if not any(values.values()):
        return None
    missing = [name for name, value in values.items() if not value]
    if missing:
        raise ImproperlyConfigured(f"Single sign-on needs {', '.join(missing)} as well (or none of the four)")
    issuer = values["SSO_OIDC_ISSUER"].rstrip("/")
    if not issuer.startswith(("https://", "http://127.0.0.1", "http://localhost")):
        raise ImproperlyConfigured(f"SSO_OIDC_ISSUER must be an https:// URL, not {issuer!r}")
    app_settings: dict[str, Any] = {
        "server_url": issuer,
        "scope": env_list("SSO_OIDC_SCOPES", ["openid", "profile", "email"]),
        "oauth_pkce_enabled": True,
    }
    # Providers that send no email_verified (Entra ID): the domains whose addresses they vouch for.
    if verified := env_list("SSO_OIDC_VERIFIED_DOMAINS", []):
        app_settings["verified_email"] = [d.lower() for d in verified]
    return {
        "provider_id": "sso",
        "name": values["SSO_OIDC_NAME"][:40],
        "client_id": values["SSO_OIDC_CLIENT_ID"],
        "secret": values["SSO_OIDC_CLIENT_SECRET"],
        "settings": app_settings,
    }


if (SSO_OIDC_APP := sso_oidc_app()) is not None:
    SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"].append(SSO_OIDC_APP)

# Sign-in throttle (accounts/throttle.py). From the LOGIN_MAX_FAILURES-th failure for one account
# (from any address), and from the LOGIN_MAX_FAILURES_PER_ADDRESS-th from one client address
# (for any accounts), each failure locks it for LOGIN_BACKOFF_SECONDS, doubling up to
# LOGIN_BACKOFF_MAX_SECONDS: short enough that nobody can lock an owner out for long. Counts
# are forgotten LOGIN_FAILURE_WINDOW_SECONDS after the first failure.
LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 5)
LOGIN_MAX_FAILURES_PER_ADDRESS = env_int("LOGIN_MAX_FAILURES_PER_ADDRESS", 20)
LOGIN_BACKOFF_SECONDS = env_int("LOGIN_BACKOFF_SECONDS", 60)
LOGIN_BACKOFF_MAX_SECONDS = env_int("LOGIN_BACKOFF_MAX_SECONDS", 15 * 60)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("LOGIN_FAILURE_WINDOW_SECONDS", 24 * 60 * 60)

# Invitation links work for this many days, once.
INVITATION_DAYS = env_int("INVITATION_DAYS", 7)

# Questions from Slack and Teams answered per workspace per minute (0: no limit).
CHAT_QUESTIONS_PER_MINUTE = env_int("CHAT_QUESTIONS_PER_MINUTE", 60)
# Mail the site sends on anyone's request (invitations, password resets, sign-up mails) is
# capped, so that a fresh workspace or the reset form is no spam relay: at most
# INVITATIONS_PER_WORKSPACE_HOUR invitations from one workspace and MAILS_PER_ADDRESS_HOUR
# mails to one address in an hour.
INVITATIONS_PER_WORKSPACE_HOUR = env_int("INVITATIONS_PER_WORKSPACE_HOUR", 20)
MAILS_PER_ADDRESS_HOUR = env_int("MAILS_PER_ADDRESS_HOUR", 3)
# A sign-up is confirmed from the mail within this many days.
SIGNUP_CONFIRM_DAYS = env_int("SIGNUP_CONFIRM_DAYS", 3)
# Unconfirmed sign-ups are removed once their link has expired, which frees the username.
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = SIGNUP_CONFIRM_DAYS
# Sign-in events (accounts.models.SignInEvent) are kept this many days.
SIGN_IN_EVENT_DAYS = env_int("SIGN_IN_EVENT_DAYS", 90)
# Single sign-on (workspaces/sign_in.py). The identity provider's claim that lists a person's
# groups; how long a session started by SSO lasts before the provider is asked again; and,
# in a workspace that requires SSO, how long after a person's last SSO sign-in their API
# tokens and the calendar feed they made keep working.
SSO_OIDC_GROUPS_CLAIM = os.environ.get("SSO_OIDC_GROUPS_CLAIM", "groups").strip() or "groups"
SSO_SESSION_HOURS = env_int("SSO_SESSION_HOURS", 12)
SSO_REVALIDATE_DAYS = env_int("SSO_REVALIDATE_DAYS", 7)
if not 1 <= SSO_SESSION_HOURS <= 24 * 30:
    raise ImproperlyConfigured(f"SSO_SESSION_HOURS must be from 1 to 720, not {SSO_SESSION_HOURS}")
if not 1 <= SSO_REVALIDATE_DAYS <= 365:
    raise ImproperlyConfigured(f"SSO_REVALIDATE_DAYS must be from 1 to 365, not {SSO_REVALIDATE_DAYS}")
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 60 * 60 * 24)

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Where collectstatic gathers the files that production serves (whitenoise, in production.py).
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")

# The largest file any form takes (an import); raci/limits.py refuses larger ones.
UPLOAD_MAX_BYTES = 10 * 1024 * 1024
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


# Django 6.1's mailers: the console in development, SMTP when EMAIL_HOST is set; both send
# text as 8-bit UTF-8 where they can, so links copy whole (core/mail.py).
def smtp_mailer() -> dict:
    return {
        "BACKEND": "core.mail.SMTPBackend",
        "OPTIONS": {
            "host": os.environ.get("EMAIL_HOST", "localhost"),
            "port": env_int("EMAIL_PORT", 25),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", False),
        },
    }


if os.environ.get("EMAIL_BACKEND"):
    MAILERS = {"default": {"BACKEND": os.environ["EMAIL_BACKEND"]}}
elif os.environ.get("EMAIL_HOST"):
    MAILERS = {"default": smtp_mailer()}
else:
    MAILERS = {"default": {"BACKEND": "core.mail.ConsoleBackend"}}
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
    raise ImproperlyConfigured(
        f"CELERY_VISIBILITY_TIMEOUT ({CELERY_VISIBILITY_TIMEOUT} s) must be above the longest "
        f"retry countdown ({LONGEST_COUNTDOWN} s)"
    )
# A task whose worker died is handed out again once the visibility timeout has passed; the
# worker looks for such tasks every CELERY_RESTORE_INTERVAL seconds.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    "unacked_restore_interval": env_int("CELERY_RESTORE_INTERVAL", 10),
    "unacked_restore_throttle": 1,
}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "lockstep")
# Imports parse and save big files for up to minutes: they get a queue (and in production
# a worker) of their own, so reminders and e-mails never wait behind them.
IMPORTS_QUEUE = os.environ.get("CELERY_IMPORTS_QUEUE", "imports")
CELERY_TASK_ROUTES = {
    "raci.tasks.parse_import": {"queue": IMPORTS_QUEUE},
    "raci.tasks.apply_import": {"queue": IMPORTS_QUEUE},
}
# An import task runs under a memory ceiling (address space, RLIMIT_AS, in the worker's
# child; 0 for none) and a time limit: a file that needs more fails with a message on its
# import page instead of taking the worker down. The largest matrix an import takes needs a
# few hundred MB; a process maps about 100 MB before it reads anything.
IMPORT_MEMORY_LIMIT_MB = env_int("IMPORT_MEMORY_LIMIT_MB", 1024)
# Reading a file (the preview) and saving it each get this long, then a minute more before
# the worker's child is killed.
IMPORT_TIME_LIMIT_SECONDS = env_int("IMPORT_TIME_LIMIT_SECONDS", 240)

# Notifications. Links in e-mails and webhooks are made absolute with SITE_URL.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
DIGEST_HOUR = env_int("DIGEST_HOUR", 8)
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 5)
# Webhooks to private and loopback addresses are refused unless this is set (development).
WEBHOOK_ALLOW_PRIVATE = env_bool("WEBHOOK_ALLOW_PRIVATE", DEBUG)
# After a new webhook secret, requests carry a second signature with the old one for this long
# (X-Lockstep-Signature-Previous), so the receiver can switch secrets without refusing any.
WEBHOOK_SECRET_OVERLAP_HOURS = env_int("WEBHOOK_SECRET_OVERLAP_HOURS", 24)
# Slack and Teams destinations are accepted only at their services' webhook hosts ("*."
# takes any name under it). `check --deploy` warns when either list is widened.
CHAT_WEBHOOK_HOSTS_DEFAULT = {
    "slack": ["hooks.slack.com"],
    "teams": ["*.environment.api.powerplatform.com"],
}
CHAT_WEBHOOK_HOSTS = {
    "slack": env_list("SLACK_WEBHOOK_HOSTS", CHAT_WEBHOOK_HOSTS_DEFAULT["slack"]),
    "teams": env_list("TEAMS_WEBHOOK_HOSTS", CHAT_WEBHOOK_HOSTS_DEFAULT["teams"]),
}
# Letters changed in one matrix within this many seconds go to a channel as one message.
CHAT_COALESCE_SECONDS = env_int("CHAT_COALESCE_SECONDS", 600)
# How often an open page asks for the unread count.
NOTIFY_POLL_SECONDS = env_int("NOTIFY_POLL_SECONDS", 20)

# `make bench` serves a bare view returning a constant: the floor its ratios divide by.
BENCH_FLOOR = env_bool("BENCH_FLOOR", False)
# A cell edit on PostgreSQL is answered once it is on disk. Setting this false answers it as
# soon as it is committed in memory: faster on a slow disk, but a database crash may then lose
# the last moments of edits that pages were told are saved (never half of one).
CELL_EDIT_SYNCHRONOUS_COMMIT = env_bool("CELL_EDIT_SYNCHRONOUS_COMMIT", True)

# The API (api/): requests a minute per token, and writes a minute among them; counted in
# the cache, so they hold across web processes. API_RATE_LIMITS=off lifts them (a fuzzing run).
API_RATE_LIMITS = (
    None
    if os.environ.get("API_RATE_LIMITS", "").lower() == "off"
    else {"requests": env_int("API_RATE_REQUESTS", 600), "writes": env_int("API_RATE_WRITES", 120)}
)
# Share links (sharing/): requests a minute per client address to /s/…, and requests for a
# link that does not work (made up, expired, revoked) among them; past either, 429 until the
# minute ends. SHARE_RATE_LIMITS=off lifts them (a fuzzing run).
SHARE_RATE_LIMITS = (
    None
    if os.environ.get("SHARE_RATE_LIMITS", "").lower() == "off"
    else {"requests": env_int("SHARE_RATE_REQUESTS", 120), "misses": env_int("SHARE_RATE_MISSES", 20)}
)
# How often an open share page asks whether what it shows changed.
SHARE_POLL_SECONDS = env_int("SHARE_POLL_SECONDS", 30)
# A request body larger than this is refused (413) before it is read.
API_MAX_BODY_BYTES = env_int("API_MAX_BODY_BYTES", 256 * 1024)

# Request paths in logs can carry the calendar feed's secret token. A filter on a logger
# runs before every handler of it and of its parents, so the loggers that write request
# paths (and our handlers, for anything else) redact it; config/log_redaction.py says how.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_secrets": {"()": "config.log_redaction.RedactSecrets"}},
    "formatters": {
        # The development server's own format, as Django's default logging has it.
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_secrets"]},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["redact_secrets"],
        },
    },
    "loggers": {
        "django.request": {"filters": ["redact_secrets"]},
        "django.security.csrf": {"filters": ["redact_secrets"]},
        "django.server": {
            "handlers": ["django.server"],
            "level": "INFO",
            "propagate": False,
            "filters": ["redact_secrets"],
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
