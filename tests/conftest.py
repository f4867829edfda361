import os
from pathlib import Path

import pytest

from tests.factories import build_team

# Sync Playwright runs an event loop in the test thread; Django's ORM calls from the same
# thread are safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# The real worker and beat need a real broker: they run where REDIS_URL is set (CI).
collect_ignore = [] if os.environ.get("REDIS_URL") else ["worker"]


def pytest_collection_modifyitems(config, items):
    """A test outside tests/browser must not take a browser fixture, even by the name of a
    parameter (`page`, `context`...): pytest-playwright would give it a browser parameter, and
    pytest would then run it among the browser tests, inside another module's open rows,
    where the live server's writes lock the SQLite database for the tests after it."""
    browser_tests = Path(__file__).resolve().parent / "browser"
    strays = [
        item.nodeid
        for item in items
        if "browser_name" in getattr(getattr(item, "callspec", None), "params", {})
        and browser_tests not in Path(str(item.path)).resolve().parents
    ]
    if strays:
        raise pytest.UsageError(
            "Tests outside tests/browser take a browser fixture (rename the parameter): " + ", ".join(strays[:5])
        )


@pytest.fixture(autouse=True)
def _no_event_loop_left_by_the_browser(request):
    """Playwright's sync API marks its event loop as running in the test thread after every
    call, and the loop lives as long as the worker's browser. A later test in that worker
    which calls an async view through Django's test client would then be refused
    ("You cannot use AsyncToSync in the same thread as an async event loop"): outside the
    browser tests the thread runs with no loop, as in a process of its own."""
    import asyncio

    loop = asyncio._get_running_loop()
    if loop is None or request.node.get_closest_marker("browser"):
        yield
        return
    asyncio._set_running_loop(None)
    try:
        yield
    finally:
        asyncio._set_running_loop(loop)


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def team(db):
    """A workspace with an admin, a PM lead, a PMM lead, a support and a sales person, and a 2027-Q1 cycle."""
    return build_team()


@pytest.fixture(scope="module")
def world_rows(django_db_setup, django_db_blocker):
    """tests.world's workspace with the built-in templates, built once for the module that
    asks: each test's writes are rolled back after it."""
    from tests.module_rows import rows_for_the_module
    from tests.world import build_world_with_templates

    yield from rows_for_the_module(django_db_blocker, build_world_with_templates)


@pytest.fixture
def world(db, world_rows):
    """The module's world as new objects for this test (a module may define its own)."""
    from tests.world import fresh

    return fresh(world_rows)


@pytest.fixture(scope="module")
def streams(django_db_setup, tmp_path_factory):
    """One stream process (uvicorn) for the module that asks (tests.streaming)."""
    from tests.streaming import stream_process

    with stream_process(tmp_path_factory.mktemp("uvicorn") / "uvicorn.log") as base:
        yield base


@pytest.fixture
def pushing(settings):
    """Changes are published on the test Redis, which a stream process listens to: stream
    tests take it with `pytest.mark.usefixtures("pushing")`."""
    from tests.streaming import REDIS_URL

    settings.PUSH_REDIS_URL = REDIS_URL
