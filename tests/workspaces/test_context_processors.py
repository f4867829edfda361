"""The workspace switcher: every workspace page lists the person's workspaces, from one
query per request."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import RequestFactory
from django.urls import reverse

from launches import services as launches_services
from rituals import services as rituals_services
from tests.factories import MembershipFactory, WorkspaceFactory
from tests.queries import queries_of
from workspaces.context_processors import memberships_for, switcher

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_workspaces(client, team):
    ws, cycle, people = team
    other = MembershipFactory(user=people["editor"].user, workspace=WorkspaceFactory(name="Zebra Payments"))
    client.force_login(people["editor"].user)
    return ws, cycle, people, other


def _switcher_names(html: str) -> str:
    start = html.index('<details class="switcher">')
    return html[start : html.index("</details>", start)]


def test_a_launch_page_shows_the_switcher_with_every_workspace(client, two_workspaces):
    ws, cycle, people, other = two_workspaces
    launch = launches_services.launch_create(cycle=cycle, name="Usage billing", launch_date=date(2027, 3, 15))
    html = client.get(reverse("launches:launch", args=[ws.slug, cycle.slug, launch.pk])).content.decode()
    menu = _switcher_names(html)
    assert "Zebra Payments" in menu and ws.name in menu and 'aria-current="true"' in menu


def test_a_ritual_page_shows_the_switcher_with_every_workspace(client, two_workspaces):
    ws, _, _, other = two_workspaces
    ritual = rituals_services.rituals_seed_defaults(workspace=ws)[0]
    html = client.get(reverse("rituals:ritual", args=[ws.slug, ritual.pk])).content.decode()
    assert "Zebra Payments" in _switcher_names(html)


def test_a_workspace_of_someone_else_is_not_listed(client, two_workspaces):
    ws, cycle, _, _ = two_workspaces
    WorkspaceFactory(name="Not Mine Ltd")
    html = client.get(reverse("launches:cycle", args=[ws.slug, cycle.slug])).content.decode()
    assert "Not Mine Ltd" not in html


def test_the_memberships_are_queried_once_per_request(two_workspaces):
    _, _, people, _ = two_workspaces
    request = RequestFactory().get("/")
    request.user = people["editor"].user
    context = switcher(request)
    (names, again, count), queries = queries_of(
        lambda: (
            [m.workspace.name for m in context["memberships"]],
            [m.workspace.name for m in memberships_for(request)],
            len(context["memberships"]),
        )
    )
    assert len(queries) == 1 and count == 2 and names == again == sorted(names)


def test_a_page_without_the_switcher_asks_nothing(client):
    _, queries = queries_of(lambda: client.get(reverse("login")))
    assert not any("membership" in sql.lower() for sql in queries)
