"""A launch's events reach Slack and Teams as the channels' routing says, through the real
services: a Tier 3 launch never reaches a Tier-1-only channel, a launch reaches the channel
it picked, and the go/no-go and the tier read as people need them."""

import pytest
from django.urls import reverse
from django.utils import timezone

from core.errors import InvalidInput
from launches import services
from notifications import destinations
from notifications.models import WebhookDelivery
from notifications.tasks import deliver_due_webhooks
from tests.factories import WorkspaceFactory
from tests.launches.conftest import make_launch
from tests.receivers import ChatListener

pytestmark = pytest.mark.django_db


@pytest.fixture
def listener():
    made = ChatListener()
    yield made
    made.close()


def channel(ws, listener, name, **routing):
    return destinations.destination_add(
        workspace=ws, kind="slack", name=name, url=listener.slack_url, routing=destinations.Routing(**routing)
    )


def delivered(destination):
    return [d.payload["items"][0] for d in WebhookDelivery.objects.filter(webhook=destination).order_by("pk")]


def test_a_tier_3_launch_never_reaches_a_tier_1_channel(team, listener, django_capture_on_commit_callbacks):
    ws, cycle, people = team
    tier1 = channel(ws, listener, "#tier-1", tiers=(1,))
    everything = channel(ws, listener, "#all")
    small, big = make_launch(cycle, people, name="Small one"), make_launch(cycle, people, name="Big one")
    with django_capture_on_commit_callbacks(execute=True):
        services.launch_set_tier(launch=small, tier=3, reason="A fix", actor=people["PMM"])
        services.launch_set_tier(launch=big, tier=1, reason="New pricing for all", actor=people["PMM"])
    assert {i["data"]["launch"] for i in delivered(tier1)} == {"Big one"}
    assert {"Small one", "Big one"} <= {i["data"]["launch"] for i in delivered(everything)}
    tier_item = next(i for i in delivered(tier1) if i["kind"] == "launch_tier")
    assert tier_item["data"]["reason"] == "New pricing for all"


def test_a_go_decision_says_the_decision_the_readiness_and_who_decided(
    team, listener, django_capture_on_commit_callbacks
):
    ws, cycle, people = team
    room = channel(ws, listener, "#launches", event_kinds=("go_decision",))
    launch = make_launch(cycle, people)
    with django_capture_on_commit_callbacks(execute=True):
        services.go_record(launch=launch, decision="no_go", notes="Docs missing", actor=people["admin"].user)
    deliver_due_webhooks(timezone.now())
    text = str(listener.messages[0])
    assert "No go" in text and "Not ready: not tiered yet" in text and people["admin"].display_name in text
    assert [i["kind"] for i in delivered(room)] == ["go_decision"]


def test_a_launch_reaches_the_channel_it_picked(team, listener, editor_client, django_capture_on_commit_callbacks):
    ws, cycle, people = team
    own = channel(ws, listener, "#atlas", chosen_only=True)
    launch = make_launch(cycle, people)
    answer = editor_client.post(
        reverse("launches:launch_channel", args=[ws.slug, cycle.slug, launch.pk]), {"channel": str(own.pk)}
    )
    assert answer.status_code == 302
    launch.refresh_from_db()
    assert launch.channel_id == own.pk
    with django_capture_on_commit_callbacks(execute=True):
        services.status_update(launch=launch, status="at_risk", note="Late", author=people["PM"])
    assert [i["kind"] for i in delivered(own)] == ["launch_status"]


def test_a_launch_cannot_pick_another_workspaces_channel(team, listener):
    _, cycle, people = team
    theirs = channel(WorkspaceFactory(), listener, "#theirs")
    with pytest.raises(InvalidInput):
        services.launch_channel_set(launch=make_launch(cycle, people), channel_id=theirs.pk)
