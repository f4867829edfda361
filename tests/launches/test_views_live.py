"""The tiering board's and the quarter page's live element: a poll answers 204 while the page
is current and the refreshed fragment (with the element at its new number) after another
person's change, as the person asking may see it; it costs the same whatever the number of
launches, and never reads another workspace's cycle."""

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from launches import services
from launches.models import LaunchCycle
from tests.factories import MembershipFactory
from tests.launches.conftest import TIER_2_SCORES, make_launch

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}


def board_poll(cycle, v) -> str:
    return reverse("launches:live", args=[cycle.workspace.slug, cycle.slug]) + f"?v={v}"


def quarter_poll(cycle, v) -> str:
    return reverse("launches:quarter_live", args=[cycle.workspace.slug, cycle.slug]) + f"?v={v}"


def version(cycle) -> int:
    return LaunchCycle.objects.get(pk=cycle.pk).version


def live_element(body: str) -> str:
    found = re.search(r'<div id="cycle-live"[^>]*>', body)
    assert found, body[:2000]
    return found.group(0)


@pytest.fixture
def board(team):
    ws, cycle, people = team
    launch = make_launch(cycle, people)
    services.launch_score(launch=launch, scores=TIER_2_SCORES)
    return ws, cycle, people, launch


def test_the_pages_poll_and_name_the_cycle_s_stream_when_changes_are_pushed(client, board, settings):
    ws, cycle, people, _ = board
    client.force_login(people["viewer"].user)
    for page, poll in (
        (reverse("launches:cycle", args=[ws.slug, cycle.slug]), board_poll(cycle, version(cycle))),
        (reverse("launches:quarter", args=[ws.slug, cycle.slug]), quarter_poll(cycle, version(cycle))),
    ):
        element = live_element(client.get(page).content.decode())
        assert f'hx-get="{poll}"' in element and 'hx-trigger="every 1000ms, live-fetch"' in element
        assert f'data-version="{version(cycle)}"' in element and "data-stream" not in element
    settings.PUSH_REDIS_URL = "redis://127.0.0.1:6379/15"
    stream = reverse("launches:stream", args=[ws.slug, cycle.slug])
    for page in (
        reverse("launches:cycle", args=[ws.slug, cycle.slug]),
        reverse("launches:quarter", args=[ws.slug, cycle.slug]),
    ):
        assert f'data-stream="{stream}"' in live_element(client.get(page).content.decode())


def test_a_quarter_nobody_opened_has_no_live_element(client, board):
    ws, _, people, _ = board
    client.force_login(people["viewer"].user)
    assert 'id="cycle-live"' not in client.get(reverse("launches:quarter", args=[ws.slug, "2027-q3"])).content.decode()


def test_the_board_poll_is_204_when_current_and_the_board_after_another_person_s_change(client, board):
    _, cycle, people, launch = board
    client.force_login(people["viewer"].user)
    seen = version(cycle)
    assert client.get(board_poll(cycle, seen), headers=HX).status_code == 204
    services.launch_set_tier(launch=launch, tier=2, actor=people["PMM"])
    response = client.get(board_poll(cycle, seen), headers=HX)
    body = response.content.decode()
    assert response.status_code == 200
    assert f'data-version="{version(cycle)}"' in live_element(body) and version(cycle) > seen
    assert re.search(r'<div id="board" class="board-wrap" hx-swap-oob="true">', body)
    # The card is in Tier 2's column now.
    tier_2 = body[body.index('data-tier="2"') :]
    assert launch.name in tier_2[: tier_2.index("</section>")]
    assert client.get(board_poll(cycle, version(cycle)), headers=HX).status_code == 204


def test_the_quarter_poll_is_204_when_current_and_the_launches_by_tier_after_a_change(client, board):
    _, cycle, people, launch = board
    client.force_login(people["viewer"].user)
    seen = version(cycle)
    assert client.get(quarter_poll(cycle, seen), headers=HX).status_code == 204
    make_launch(cycle, people, name="Audit log", launch_date=date(2027, 2, 10))
    response = client.get(quarter_poll(cycle, seen), headers=HX)
    body = response.content.decode()
    assert response.status_code == 200 and f'data-version="{version(cycle)}"' in live_element(body)
    assert '<section class="card" id="tiers" aria-labelledby="tiers-h" hx-swap-oob="true">' in body
    assert "Audit log" in body and launch.name in body
    assert client.get(quarter_poll(cycle, version(cycle)), headers=HX).status_code == 204


def test_a_viewer_s_refreshed_board_has_no_editor_controls(client, board):
    _, cycle, people, launch = board
    services.launch_set_tier(launch=launch, tier=3, reason="Small", actor=people["PMM"])
    client.force_login(people["editor"].user)
    editors = client.get(board_poll(cycle, 0), headers=HX).content.decode()
    assert 'class="move"' in editors and "hx-post" in editors and 'draggable="true"' in editors
    client.force_login(people["viewer"].user)
    viewers = client.get(board_poll(cycle, 0), headers=HX).content.decode()
    assert launch.name in viewers
    for control in ('class="move"', "hx-post", 'draggable="true"', 'name="tier"', "csrfmiddlewaretoken"):
        assert control not in viewers, control


def test_another_workspace_s_cycle_is_404_on_both_polls(client, board):
    ws, cycle, _, _ = board
    stranger = MembershipFactory(access="admin")
    client.force_login(stranger.user)
    for url in (board_poll(cycle, 0), quarter_poll(cycle, 0)):
        response = client.get(url, headers=HX)
        assert response.status_code == 404 and b"Usage-based billing" not in response.content
    # Their own workspace in the path, with a cycle slug only the other one has.
    own = reverse("launches:live", args=[stranger.workspace.slug, cycle.slug])
    assert client.get(own, headers=HX).status_code == 404
    gone = client.get(board_poll(cycle, 0), headers=HX)
    assert gone["HX-Retarget"] == "#cycle-live" and 'class="live gone"' in gone.content.decode()


def test_a_tier_moved_on_the_board_moves_the_page_s_number_with_it(client, board):
    """The editor's own answer carries the live element at the new number: their next poll
    fetches nothing they made themselves."""
    ws, cycle, people, launch = board
    client.force_login(people["PMM"].user)
    url = reverse("launches:launch_tier", args=[ws.slug, cycle.slug, launch.pk])
    body = client.post(url, {"tier": "2"}, headers=HX).content.decode()
    element = live_element(body)
    assert f'data-version="{version(cycle)}"' in element and 'hx-swap-oob="true"' in element
    assert client.get(board_poll(cycle, version(cycle)), headers=HX).status_code == 204


@pytest.mark.parametrize("poll", [board_poll, quarter_poll])
def test_a_poll_costs_the_same_for_5_and_50_launches(client, team, poll):
    ws, cycle, people = team
    client.force_login(people["editor"].user)

    def queries(total):
        for n in range(cycle.launches.count(), total):
            launch = make_launch(cycle, people, name=f"Launch {n}", launch_date=date(2027, 1 + n % 3, 1 + n % 28))
            if n % 2:
                services.launch_set_tier(launch=launch, tier=1 + n % 3, reason="Why", actor=people["PM"])
        client.get(poll(cycle, 0), headers=HX)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(poll(cycle, 0), headers=HX).status_code == 200
        return len(captured)

    assert queries(5) == queries(50)
