"""The admins' chat set-up page: request URLs, the manifest, the secrets and the channels."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from chat.models import ChatSetup
from tests.chat.conftest import SLACK_SECRET, TEAMS_TOKEN


def _page(workspace):
    return reverse("chat:setup", args=[workspace.slug])


def _action(workspace, action):
    return reverse("chat:setup_action", args=[workspace.slug, action])


def test_an_admin_sees_the_request_urls_and_a_manifest_holding_the_slack_one(client, admin):
    response = client.get(_page(admin.workspace))
    page = response.content.decode()
    slack_url = f"/chat/slack/{admin.workspace.slug}/"
    assert response.status_code == 200 and slack_url in page and f"/chat/teams/{admin.workspace.slug}/" in page
    manifest = json.loads(response.context["manifest"])
    assert manifest["features"]["slash_commands"][0]["url"].endswith(slack_url)
    assert manifest["oauth_config"]["scopes"]["bot"] == ["commands"]


def test_the_settings_page_points_admins_to_it(client, admin):
    page = client.get(reverse("workspaces:workspace_settings", args=[admin.workspace.slug])).content.decode()
    assert _page(admin.workspace) in page


@pytest.mark.parametrize("person", ["editor", "viewer"])
def test_members_who_are_not_admins_are_refused(client, person, request):
    member = request.getfixturevalue(person)
    assert client.get(_page(member.workspace)).status_code == 403
    assert (
        client.post(
            _action(member.workspace, "slack"), {"slack-slack_signing_secret": SLACK_SECRET, "slack-version": 0}
        ).status_code
        == 403
    )
    page = client.get(reverse("workspaces:workspace_settings", args=[member.workspace.slug])).content.decode()
    assert _page(member.workspace) not in page


def test_an_outsider_finds_nothing(client, outsider, members_workspace):
    assert client.get(_page(members_workspace)).status_code == 404
    assert client.post(_action(members_workspace, "slack"), {}).status_code == 404


def test_a_saved_secret_is_kept_and_never_shown_again(client, admin):
    response = client.post(
        _action(admin.workspace, "slack"), {"slack-slack_signing_secret": SLACK_SECRET, "slack-version": 0}
    )
    assert response.status_code == 302
    assert ChatSetup.objects.get(workspace=admin.workspace).slack_signing_secret == SLACK_SECRET
    assert SLACK_SECRET not in client.get(_page(admin.workspace)).content.decode()


def test_a_teams_token_that_is_not_base64_is_refused_beside_its_field(client, admin):
    response = client.post(
        _action(admin.workspace, "teams"), {"teams-teams_security_token": "not a token", "teams-version": 0}
    )
    assert response.status_code == 422 and "security token Teams shows" in response.content.decode()
    assert not ChatSetup.objects.filter(workspace=admin.workspace).exclude(teams_security_token="").exists()
    ok = client.post(_action(admin.workspace, "teams"), {"teams-teams_security_token": TEAMS_TOKEN, "teams-version": 0})
    assert ok.status_code == 302


def test_a_save_from_a_stale_page_is_refused_and_overwrites_nothing(client, admin):
    client.post(_action(admin.workspace, "channels"), {"channels-channels": "launches", "channels-version": 0})
    response = client.post(_action(admin.workspace, "channels"), {"channels-channels": "random", "channels-version": 0})
    assert response.status_code == 409 and "Another admin changed" in response.content.decode()
    assert ChatSetup.objects.get(workspace=admin.workspace).channel_list == ["launches"]


def test_channels_are_kept_folded_one_a_line(client, admin):
    client.post(
        _action(admin.workspace, "channels"),
        {"channels-channels": "#Launches, C0PRICING\n\n#launches", "channels-version": 0},
    )
    assert ChatSetup.objects.get(workspace=admin.workspace).channel_list == ["launches", "c0pricing"]


def test_too_many_or_spaced_channels_are_refused_with_the_reason(client, admin):
    many = "\n".join(f"c{i}" for i in range(51))
    response = client.post(_action(admin.workspace, "channels"), {"channels-channels": many, "channels-version": 0})
    assert response.status_code == 422 and "at most 50" in response.content.decode()
    spaced = client.post(
        _action(admin.workspace, "channels"), {"channels-channels": "two words", "channels-version": 0}
    )
    assert spaced.status_code == 422


def test_forgetting_the_slack_secret_stops_slack(client, admin):
    client.post(_action(admin.workspace, "slack"), {"slack-slack_signing_secret": SLACK_SECRET, "slack-version": 0})
    assert client.post(_action(admin.workspace, "forget-slack"), {"version": 1}).status_code == 302
    assert ChatSetup.objects.get(workspace=admin.workspace).slack_signing_secret == ""


def test_an_unknown_action_is_404(client, admin):
    assert client.post(_action(admin.workspace, "bogus"), {"version": 0}).status_code == 404
