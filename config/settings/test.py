"""The test suite: real PostgreSQL and Redis when DATABASE_URL/REDIS_URL are set (CI)."""

import os
from pathlib import Path

from config.settings.base import *
from config.settings.base import CHAT_WEBHOOK_HOSTS_DEFAULT, DATABASES, REDIS_URL

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
# Parallel workers (pytest-xdist names each in PYTEST_XDIST_WORKER: gw0, gw1, ...) each get
# a database of their own from pytest-django and keys of their own here: live-feed entries,
# locks and throttle counts of one worker never meet another's, and clearing the cache
# between tests clears only the worker's own keys (core.cache.RedisCache.clear). Without
# Redis the cache is in each process's memory, so each worker's own already.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
if REDIS_URL:
    # Tests share the Redis server with other runs and with each other: keep their keys apart.
    CACHES = {
        "default": {"BACKEND": "core.cache.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": f"lockstep-test-{WORKER}"}
    }
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Tasks run in-process in the test suite, whatever the broker: a test that needs a real
# worker starts one itself.
CELERY_TASK_ALWAYS_EAGER = True

# Test receivers of webhooks listen on 127.0.0.1.
WEBHOOK_ALLOW_PRIVATE = True
# ... and so do the tests' Slack and Teams listeners.
CHAT_WEBHOOK_HOSTS = {kind: [*hosts, "127.0.0.1"] for kind, hosts in CHAT_WEBHOOK_HOSTS_DEFAULT.items()}
SITE_URL = "http://testserver"

# Pushed changes are off unless a test turns them on: tests/streaming.py starts stream
# processes with it; the channels of parallel workers sharing one Redis stay apart.
PUSH_REDIS_URL = os.environ.get("STREAM_PROCESS_REDIS_URL", "")
PUSH_CHANNEL_PREFIX = f"lockstep-test-{WORKER}:"
