"""A share page and its "changed since" poll read a fixed number of queries whatever the size
of what they show."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from launches import services as launch_services
from sharing import services
from sharing.models import Kind
from tests.factories import MembershipFactory, build_matrix
from workspaces.models import Access

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _unlimited(settings):
    settings.SHARE_RATE_LIMITS = None


def _count(path: str) -> int:
    client = Client()
    client.get(path)  # the first view counts the view: a write the next minute's views skip
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code in (200, 204)
    return len(queries)


@pytest.mark.parametrize("hide", [False, True])
def test_the_matrix_page_and_its_poll_cost_the_same_at_two_sizes(hide):
    counts = []
    for rows in (5, 40):
        admin = MembershipFactory(access=Access.ADMIN)
        matrix, _, _ = build_matrix(admin.workspace, activities=rows, roles=rows // 5 + 2)
        secret = services.link_create(
            membership=admin, target=services.Target(Kind.MATRIX, matrix=matrix), hide_names=hide
        ).secret
        counts.append((_count(f"/s/{secret}/"), _count(f"/s/{secret}/changes/?since=0")))
    assert counts[0] == counts[1], counts


@pytest.mark.parametrize("kind", [Kind.QUARTER, Kind.PREREAD])
def test_the_quarter_pages_and_their_poll_cost_the_same_at_two_sizes(kind):
    counts = []
    for launches in (1, 6):
        admin = MembershipFactory(access=Access.ADMIN)
        owner = MembershipFactory(workspace=admin.workspace, access=Access.EDITOR)
        cycle = launch_services.cycle_create(workspace=admin.workspace, quarter="2027-Q1")
        for n in range(launches):
            launch = launch_services.launch_create(cycle=cycle, name=f"Launch {n}", pm_owner_id=owner.pk)
            launch_services.launch_set_tier(launch=launch, tier=3, reason="Small", actor=admin)
        secret = services.link_create(membership=admin, target=services.Target(kind, year=2027, quarter=1)).secret
        counts.append((_count(f"/s/{secret}/"), _count(f"/s/{secret}/changes/?since=0")))
    assert counts[0] == counts[1], counts
