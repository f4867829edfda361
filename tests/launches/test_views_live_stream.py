"""A launch cycle's stream, served by a real stream process (uvicorn) on the test database
and Redis: each change of the board or the quarter page is announced by its new number to
the members' open pages, and another workspace's cycle is refused."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from launches import services
from launches.models import LaunchCycle
from tests.factories import MembershipFactory, build_team
from tests.launches.conftest import make_launch
from tests.streaming import EventReader, session_cookie

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("pushing")]


def stream_path(cycle) -> str:
    return reverse("launches:stream", args=[cycle.workspace.slug, cycle.slug])


def version(cycle) -> int:
    return LaunchCycle.objects.get(pk=cycle.pk).version


def test_a_change_is_announced_to_an_open_board_by_its_number(streams):
    ws, cycle, people = build_team()
    launch = make_launch(cycle, people)
    reader = EventReader(
        streams,
        stream_path(cycle) + f"?since={version(cycle)}",
        cookie=session_cookie(Client(), people["viewer"].user),
    )
    try:
        assert reader.status == 200 and reader.next().event == "open"
        services.launch_set_tier(launch=launch, tier=3, reason="Small", actor=people["PMM"])
        event = reader.next()
        assert event.event == "structure" and json.loads(event.data) == {"seq": version(cycle)}
    finally:
        reader.close()


def test_a_page_that_reconnects_behind_is_told_at_once(streams):
    ws, cycle, people = build_team()
    seen = version(cycle)
    make_launch(cycle, people)
    reader = EventReader(
        streams, stream_path(cycle), cookie=session_cookie(Client(), people["viewer"].user), last_event_id=str(seen)
    )
    try:
        assert reader.next().event == "open"
        event = reader.next()
        assert event.event == "structure" and json.loads(event.data) == {"seq": version(cycle)}
    finally:
        reader.close()


def test_another_workspace_s_cycle_is_refused(streams):
    _, cycle, _ = build_team()
    stranger = MembershipFactory(access="admin")
    services.cycle_create(workspace=stranger.workspace, quarter="2027-Q2")
    for path in (stream_path(cycle), reverse("launches:stream", args=[stranger.workspace.slug, cycle.slug])):
        refused = EventReader(streams, path, cookie=session_cookie(Client(), stranger.user))
        try:
            assert refused.status == 404
        finally:
            refused.close()
