import os

import pytest

from launches import services
from tests.factories import MembershipFactory, hold
from workspaces.models import Access, Role

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
    admin = MembershipFactory(access=Access.ADMIN)
    ws = admin.workspace
    people = {"admin": admin}
    for code, name in (("PM", "Product Manager"), ("PMM", "Product Marketing Manager"), ("SUP", "Support")):
        role = Role.objects.create(workspace=ws, code=code, name=name)
        member = MembershipFactory(workspace=ws, access=Access.EDITOR)
        hold(role, member)
        people[code] = member
    people["viewer"] = MembershipFactory(workspace=ws, access=Access.VIEWER)
    people["editor"] = MembershipFactory(workspace=ws, access=Access.EDITOR)
    cycle = services.cycle_create(workspace=ws, quarter="2027-Q1")
    return ws, cycle, people
