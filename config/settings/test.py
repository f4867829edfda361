"""The test suite: real PostgreSQL and Redis when DATABASE_URL/REDIS_URL are set (CI)."""

from .base import *  # noqa: F403
from .base import DATABASES, REDIS_URL

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# Persistent connections break test-database teardown.
DATABASES["default"]["CONN_MAX_AGE"] = 0
if "NAME" in DATABASES["default"] and DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["TEST"] = {"NAME": ""}
if REDIS_URL:
    # Tests share the Redis server with other runs: keep their keys apart.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": REDIS_URL, "KEY_PREFIX": "lockstep-test"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
