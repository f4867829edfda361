import os

import pytest

from tests.factories import build_team

# Sync Playwright runs an event loop in the test thread; Django's ORM calls from the same
# thread are safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# The real worker and beat need a real broker: they run where REDIS_URL is set (CI).
collect_ignore = [] if os.environ.get("REDIS_URL") else ["worker"]


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def team(db):
    """A workspace with an admin, a PM lead, a PMM lead, a support and a sales person, and a 2027-Q1 cycle."""
    return build_team()
