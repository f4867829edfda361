"""The workspace's secrets an admin can read (the calendar feed's link, the webhook's signing
secret): removing an admin offers to replace them in the same step, and the settings page
replaces either at any time."""

import pytest
from django.urls import reverse

from launches.models import CalendarFeed
from notifications.models import Webhook
from tests.factories import MembershipFactory
from workspaces.models import Access, Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def secrets(admin):
    ws = admin.workspace
    leaving = MembershipFactory(workspace=ws, access=Access.ADMIN)
    feed = CalendarFeed.objects.create(workspace=ws)
    hook = Webhook.objects.create(workspace=ws, url="https://hooks.example.com/x")
    return admin, leaving, feed.token, hook.secret


def _remove_url(member):
    return reverse("workspaces:member_remove", args=[member.workspace.slug, member.pk])


def test_removing_an_admin_offers_to_replace_both_secrets_checked(client, secrets):
    admin, leaving, _, _ = secrets
    client.force_login(admin.user)
    html = client.get(_remove_url(leaving)).content.decode()
    assert "Replace the secrets they could read" in html
    assert 'name="rotate" value="feed" checked' in html and 'name="rotate" value="webhook" checked' in html


def test_removing_an_admin_replaces_the_secrets_picked_in_the_same_step(client, secrets):
    admin, leaving, token, secret = secrets
    client.force_login(admin.user)
    response = client.post(_remove_url(leaving), {"rotate": ["feed", "webhook"]})
    assert response.status_code == 302 and not Membership.objects.filter(pk=leaving.pk).exists()
    hook = Webhook.objects.get(workspace=admin.workspace)
    assert CalendarFeed.objects.get(workspace=admin.workspace).token != token
    assert hook.secret != secret and hook.previous_secret == secret  # rolls over, no gap for the receiver
    old_feed = reverse("rituals:feed", args=[admin.workspace.slug, token])
    assert client.get(old_feed).status_code == 404


def test_secrets_left_unchecked_are_kept(client, secrets):
    admin, leaving, token, secret = secrets
    client.force_login(admin.user)
    client.post(_remove_url(leaving), {"rotate": ["webhook"]})
    assert CalendarFeed.objects.get(workspace=admin.workspace).token == token
    assert Webhook.objects.get(workspace=admin.workspace).secret != secret


def test_removing_an_editor_offers_no_secrets(client, secrets):
    admin, _, token, secret = secrets
    editor = MembershipFactory(workspace=admin.workspace, access=Access.EDITOR)
    client.force_login(admin.user)
    assert "Replace the secrets" not in client.get(_remove_url(editor)).content.decode()
    client.post(_remove_url(editor), {"rotate": ["feed", "webhook"]})
    assert CalendarFeed.objects.get(workspace=admin.workspace).token == token
    assert Webhook.objects.get(workspace=admin.workspace).secret == secret


def test_the_settings_page_replaces_either_secret_at_any_time(client, secrets):
    admin, _, token, secret = secrets
    ws = admin.workspace.slug
    client.force_login(admin.user)
    html = client.get(reverse("workspaces:workspace_settings", args=[ws])).content.decode()
    for key in ("feed", "webhook"):
        assert f'action="{reverse("workspaces:secret_rotate", args=[ws, key])}"' in html
    response = client.post(reverse("workspaces:secret_rotate", args=[ws, "feed"]))
    assert response.status_code == 302
    assert CalendarFeed.objects.get(workspace=admin.workspace).token != token
    assert Webhook.objects.get(workspace=admin.workspace).secret == secret
    client.post(reverse("workspaces:secret_rotate", args=[ws, "webhook"]))
    assert Webhook.objects.get(workspace=admin.workspace).secret != secret
    assert client.post(reverse("workspaces:secret_rotate", args=[ws, "bogus"])).status_code == 404


@pytest.mark.parametrize("access", [Access.EDITOR, Access.VIEWER])
def test_only_admins_see_or_replace_the_secrets(client, secrets, access):
    admin, _, token, _ = secrets
    member = MembershipFactory(workspace=admin.workspace, access=access)
    client.force_login(member.user)
    ws = admin.workspace.slug
    assert "secret_rotate" not in client.get(reverse("workspaces:workspace_settings", args=[ws])).content.decode()
    assert 'id="secrets"' not in client.get(reverse("workspaces:workspace_settings", args=[ws])).content.decode()
    assert client.post(reverse("workspaces:secret_rotate", args=[ws, "feed"])).status_code == 403
    assert CalendarFeed.objects.get(workspace=admin.workspace).token == token
