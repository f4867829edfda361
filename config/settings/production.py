"""Production: everything secret or host-specific comes from the environment."""

import os

from django.core.exceptions import ImproperlyConfigured

from config.settings.base import *
from config.settings.base import MIDDLEWARE, env_bool, env_int, smtp_mailer

DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("local-development"):
    raise ImproperlyConfigured("SECRET_KEY must be set to a random value of 50 or more characters")

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
# Production sends real mail: SMTP, configured by EMAIL_HOST and friends.
if not os.environ.get("EMAIL_BACKEND"):
    MAILERS = {"default": smtp_mailer()}

# gunicorn serves the static files itself, through whitenoise: right after the security
# middleware (so HTTPS redirects and HSTS still apply) and before anything that reads the
# session or the database. Names carry a content hash, so whitenoise sends them with a
# year-long, immutable Cache-Control, and a gzip (or brotli) copy made by collectstatic.
_security = MIDDLEWARE.index("django.middleware.security.SecurityMiddleware")
MIDDLEWARE = [*MIDDLEWARE[: _security + 1], "whitenoise.middleware.WhiteNoiseMiddleware", *MIDDLEWARE[_security + 1 :]]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
