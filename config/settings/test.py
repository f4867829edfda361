"""The test suite: real PostgreSQL and Redis when DATABASE_URL/REDIS_URL are set (CI)."""

import os
from pathlib import Path

from config.settings.base import *
from config.settings.base import DATABASES, REDIS_URL

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# Persistent connections break test-database teardown.
DATABASES["default"]["CONN_MAX_AGE"] = 0
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file, not memory: the concurrency and browser tests use the database from several
    # threads, which an in-memory SQLite database serves with table locks instead of WAL.
    import tempfile

    DATABASES["default"]["TEST"] = {"NAME": str(Path(tempfile.gettempdir()) / f"lockstep-test-{os.getpid()}.sqlite3")}
if REDIS_URL:
    # Tests share the Redis server with other runs: keep their keys apart.
    CACHES = {"default": {"BACKEND": "core.cache.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": "lockstep-test"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Tasks run in-process in the test suite, whatever the broker: a test that needs a real
# worker starts one itself.
CELERY_TASK_ALWAYS_EAGER = True

# Test receivers of webhooks listen on 127.0.0.1.
WEBHOOK_ALLOW_PRIVATE = True
SITE_URL = "http://testserver"
