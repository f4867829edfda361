"""A person's notifications through their token: this workspace's only, marked read one by
one or all at once."""

import pytest

from notifications.models import Notification
from tests.factories import MembershipFactory
from workspaces.models import Access

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(shared_world):
    return shared_world


def _ws(world):
    return f"/api/v1/w/{world['ws'].slug}"


def _notify(user, workspace, title):
    return Notification.objects.create(user=user, workspace=workspace, kind="workshop_invited", key=title, title=title)


def test_the_inbox_lists_this_workspaces_notifications_of_the_tokens_owner(api, world):
    elsewhere = MembershipFactory(user=world["viewer"].user, access=Access.EDITOR)
    _notify(world["viewer"].user, elsewhere.workspace, "From another workspace")
    _notify(world["editor"].user, world["ws"], "The editor's")
    inbox = api.call("get", f"{_ws(world)}/notifications", world["tokens"][("viewer", "read")]).json()
    titles = [n["title"] for n in inbox["notifications"]]
    assert world["notification"].title in titles
    assert "From another workspace" not in titles and "The editor's" not in titles
    assert inbox["unread"] == len(titles)


def test_a_viewer_marks_their_own_read_with_a_write_token_and_not_another_workspaces(api, world):
    secret = world["tokens"][("viewer", "write")]
    url = f"{_ws(world)}/notifications/{world['notification'].pk}/read"
    assert api.call("post", url, world["tokens"][("viewer", "read")]).status_code == 403
    marked = api.call("post", url, secret)
    assert marked.status_code == 200 and marked.json()["read_at"]
    other = _notify(world["viewer"].user, MembershipFactory(user=world["viewer"].user).workspace, "Elsewhere")
    refused = api.call("post", f"{_ws(world)}/notifications/{other.pk}/read", secret)
    assert refused.status_code == 404
    assert Notification.objects.get(pk=other.pk).read_at is None
    _notify(world["viewer"].user, world["ws"], "Another")
    everything = api.call("post", f"{_ws(world)}/notifications/read-all", secret)
    assert everything.json()["marked"] >= 1
    assert api.call("get", f"{_ws(world)}/notifications?unread=true", secret).json()["notifications"] == []
    assert Notification.objects.get(pk=other.pk).read_at is None
