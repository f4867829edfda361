"""The Slack and Teams page: admins add a channel (a test message goes at once), see what
it takes and its last deliveries; nobody else sees it; refusals stay on the form."""

import re

import pytest
from django.urls import reverse

from notifications.models import Webhook, WebhookDelivery
from tests.receivers import ChatListener

pytestmark = pytest.mark.django_db


@pytest.fixture
def listener():
    made = ChatListener()
    yield made
    made.close()


def url(workspace):
    return reverse("notifications:channels", args=[workspace.slug])


def test_an_admin_adds_a_slack_channel_and_the_test_message_arrives(
    client, admin, listener, django_capture_on_commit_callbacks
):
    ws = admin.workspace
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            url(ws),
            {"kind": "slack", "name": "#launches", "url": listener.slack_url, "tiers": ["1"], "digest": "on"},
        )
    destination = Webhook.objects.get(workspace=ws, kind="slack")
    assert answer.status_code == 302 and answer.url.endswith(f"#destination-{destination.pk}")
    assert destination.tiers == [1] and destination.digest and destination.secret == ""
    assert len(listener.messages) == 1 and "Lockstep is connected" in str(listener.messages[0])
    page = client.get(url(ws)).content.decode()
    assert "#launches" in page and "Test message" in page and "Delivered" in page and "Tier 1 launches" in page


def test_a_wrong_address_is_shown_on_the_form_and_nothing_is_saved(client, admin):
    answer = client.post(url(admin.workspace), {"kind": "teams", "name": "#x", "url": "https://example.com/hook"})
    assert answer.status_code == 422 and "Teams Workflows" in answer.content.decode()
    assert not Webhook.objects.exists()


@pytest.mark.parametrize("name", ["", "a" * 81, "bad\x07name", "\u202eevil"])
def test_a_bad_name_is_refused_with_a_message(client, admin, listener, name):
    answer = client.post(url(admin.workspace), {"kind": "slack", "name": name, "url": listener.slack_url})
    assert answer.status_code == 422 and not Webhook.objects.exists()


def test_someone_elses_matrix_cannot_be_routed_to(client, admin, listener):
    answer = client.post(
        url(admin.workspace), {"kind": "slack", "name": "#x", "url": listener.slack_url, "matrices": ["999999"]}
    )
    assert answer.status_code == 422 and not Webhook.objects.exists()


def test_editors_and_viewers_do_not_reach_the_page(client, editor, viewer):
    client.force_login(editor.user)
    assert client.get(url(editor.workspace)).status_code == 403
    client.force_login(viewer.user)
    assert client.post(url(viewer.workspace), {"kind": "slack"}).status_code == 403


def test_another_workspaces_destination_is_not_found(client, admin, outsider, listener):
    from notifications import destinations

    theirs = destinations.destination_add(
        workspace=outsider.workspace, kind="slack", name="#theirs", url=listener.slack_url
    )
    client.force_login(admin.user)
    action = reverse("notifications:channel_action", args=[admin.workspace.slug, theirs.pk, "test"])
    assert client.post(action).status_code == 404
    assert not WebhookDelivery.objects.exists()


def test_remove_asks_once_more_then_removes(client, admin, listener):
    from notifications import destinations

    d = destinations.destination_add(workspace=admin.workspace, kind="slack", name="#gone", url=listener.slack_url)
    action = reverse("notifications:channel_action", args=[admin.workspace.slug, d.pk, "remove"])
    first = client.post(action)
    assert first.status_code == 302 and f"remove={d.pk}" in first.url
    assert "Remove #gone?" in client.get(first.url).content.decode()
    client.post(action, {"confirm": "remove"})
    assert not Webhook.objects.filter(pk=d.pk).exists()


def test_a_stopped_channel_can_be_resumed(client, admin, listener):
    from notifications import destinations

    d = destinations.destination_add(workspace=admin.workspace, kind="slack", name="#s", url=listener.slack_url)
    destinations.stop_destination(destination_id=d.pk, reason="Slack answered 410 channel_is_archived.")
    page = client.get(url(admin.workspace)).content.decode()
    assert "Stopped" in page and "channel_is_archived" in page
    client.post(reverse("notifications:channel_action", args=[admin.workspace.slug, d.pk, "resume"]))
    d.refresh_from_db()
    assert d.stopped_at is None


def test_the_digest_time_is_saved_and_bounded(client, admin):
    from notifications.models import ChannelDigestSchedule

    digest = reverse("notifications:channels_digest", args=[admin.workspace.slug])
    assert client.post(digest, {"weekday": "4", "hour": "16"}).status_code == 302
    assert ChannelDigestSchedule.objects.get(workspace=admin.workspace).hour == 16
    assert client.post(digest, {"weekday": "9", "hour": "25"}).status_code == 422


def test_the_page_reads_the_same_queries_for_few_and_many_channels(client, admin):
    from notifications import destinations
    from tests.queries import assert_same_queries
    from tests.receivers import ChatListener

    made: list = []
    listener = ChatListener()

    def build(size):
        for n in range(len(made), size):
            d = destinations.destination_add(
                workspace=admin.workspace,
                kind="slack" if n % 2 else "teams",
                name=f"#room-{n}",
                url=listener.slack_url if n % 2 else listener.teams_url,
                routing=destinations.Routing(tiers=(1,)),
            )
            WebhookDelivery.objects.bulk_create(
                [WebhookDelivery(webhook=d, key=f"k{n}-{i}", kind="ping", payload={}, status="sent") for i in range(12)]
            )
            made.append(d)

    def check(response, size):
        assert response.status_code == 200 and f"#room-{size - 1}" in response.content.decode()

    try:
        # session, user, membership, the switcher, destinations, their deliveries, the form's
        # matrices and cycles, the digest's time.
        assert_same_queries(build, lambda _: client.get(url(admin.workspace)), sizes=(3, 20), at_most=10, check=check)
    finally:
        listener.close()


def test_an_admin_changes_what_a_channel_takes(client, admin, listener):
    from notifications import destinations

    d = destinations.destination_add(
        workspace=admin.workspace,
        kind="slack",
        name="#r",
        url=listener.slack_url,
        routing=destinations.Routing(tiers=(1,)),
    )
    routing = reverse("notifications:channel_routing", args=[admin.workspace.slug, d.pk])
    page = client.get(routing).content.decode()
    ticked = re.findall(r'<input type="checkbox" name="(\w+)" value="(\w+)"[^>]*checked', page)
    assert "What #r takes" in page and ticked == [("tiers", "1")]
    answer = client.post(routing, {"tiers": ["2", "3"], "event_kinds": ["go_decision"], "chosen_only": "on"})
    assert answer.status_code == 302
    d.refresh_from_db()
    assert d.tiers == [2, 3] and d.event_kinds == ["go_decision"] and d.chosen_only and d.url == listener.slack_url
    assert client.post(routing, {"tiers": ["7"]}).status_code == 422
    d.refresh_from_db()
    assert d.tiers == [2, 3]
