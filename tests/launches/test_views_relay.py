"""The relay on the pages: the launch page's panel and its plain forms, the board's and
the quarter view's flags, the pre-read's list, and the workspace's days."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from launches.models import Launch
from tests.launches.conftest import make_launch, owners_matrix

pytestmark = pytest.mark.django_db


@pytest.fixture
def launch(team):
    ws, cycle, people = team
    owners_matrix(ws)
    return make_launch(cycle, people)


def url(name, launch, *args):
    return reverse(f"launches:{name}", args=[launch.cycle.workspace.slug, launch.cycle.slug, launch.pk, *args])


def version(launch):
    return Launch.objects.get(pk=launch.pk).relay_version


def test_the_launch_page_shows_the_relay_and_the_checkpoint_question_citing_the_article(client, team, launch):
    client.force_login(team[2]["PM"].user)
    html = client.get(url("launch", launch)).content.decode()
    assert 'id="relay"' in html and 'aria-current="step"' in html
    assert "Does the product choice prove the market promise" in html
    assert "<cite>Product Management vs. Product Marketing: Key Differences</cite>" in html
    assert 'name="side" value="pm"' in html and 'name="side" value="pmm"' not in html


def test_a_viewer_sees_the_relay_without_its_forms(client, team, launch):
    client.force_login(team[2]["viewer"].user)
    html = client.get(url("launch", launch)).content.decode()
    assert 'id="relay"' in html and "Answer the checkpoint" not in html and "Hand over" not in html


def test_walking_a_launch_with_plain_forms(client, team, launch):
    _, _, people = team
    client.force_login(people["PM"].user)
    response = client.post(
        url("launch_advance", launch),
        {"to_member": people["PMM"].pk, "note": "ICP hypotheses", "version": version(launch)},
    )
    assert response.status_code == 302 and response["Location"].endswith("#relay")
    handover = Launch.objects.get(pk=launch.pk).handovers.get()
    client.force_login(people["PMM"].user)
    page = client.get(url("launch", launch)).content.decode()
    assert "Accept the hand-over and drive" in page
    client.post(url("handover_accept", launch, handover.pk))
    assert Launch.objects.get(pk=launch.pk).driver == people["PMM"]
    # The PMM owner says no first: the gate stays closed.
    client.post(
        url("checkpoint_answer", launch),
        {"side": "pmm", "answer": "no", "must_change": "A sharper segment", "version": version(launch)},
    )
    response = client.post(
        url("launch_advance", launch), {"to_member": people["PM"].pk, "note": "bets", "version": version(launch)}
    )
    assert response.status_code == 302 and Launch.objects.get(pk=launch.pk).phase == "strategy"
    assert "Build cannot start" in client.get(response["Location"]).content.decode()


def test_a_stale_checkpoint_answer_is_refused_with_the_reason(client, team, launch):
    _, _, people = team
    client.force_login(people["PM"].user)
    response = client.post(url("checkpoint_answer", launch), {"side": "pm", "answer": "yes", "version": "999"})
    assert response.status_code == 302
    assert "while you were looking at it" in client.get(response["Location"]).content.decode()
    assert not launch.checkpoint_answers.exists()


def test_only_the_owner_answers_their_side(client, team, launch):
    _, _, people = team
    client.force_login(people["PMM"].user)
    response = client.post(
        url("checkpoint_answer", launch), {"side": "pm", "answer": "yes", "version": version(launch)}
    )
    assert response.status_code == 403 and not launch.checkpoint_answers.exists()


@pytest.mark.parametrize("answer", ["", "maybe", "yes\x00"])
def test_an_answer_other_than_yes_or_no_is_refused(client, team, launch, answer):
    client.force_login(team[2]["PM"].user)
    client.post(url("checkpoint_answer", launch), {"side": "pm", "answer": answer, "version": version(launch)})
    assert not launch.checkpoint_answers.exists()


def test_board_quarter_and_pre_read_flag_a_dropped_baton_and_an_unsigned_checkpoint(client, team, launch):
    ws, cycle, people = team
    old = make_launch(cycle, people, name="Made before the relay")
    Launch.objects.filter(pk=old.pk).update(phase="build")
    with time_machine.travel(timezone.now() - timedelta(days=10), tick=False):
        client.force_login(people["PM"].user)
        client.post(url("launch_advance", launch), {"to_member": people["PMM"].pk, "note": "n", "version": 0})
    client.force_login(people["viewer"].user)
    board = client.get(reverse("launches:cycle", args=[ws.slug, cycle.slug])).content.decode()
    assert "Dropped baton" in board and "Checkpoint not signed" in board
    quarter = client.get(reverse("launches:quarter", args=[ws.slug, "2027-q1"])).content.decode()
    assert "Dropped batons" in quarter and "Past Strategy without a signed checkpoint" in quarter
    preread = client.get(reverse("launches:preread", args=[ws.slug, "2027-q1"])).content.decode()
    assert "Past Strategy without a signed checkpoint" in preread and "Made before the relay" in preread


def test_only_an_admin_sets_the_days_before_a_dropped_baton(client, team):
    ws, _, people = team
    target = reverse("launches:handover_days", args=[ws.slug])
    client.force_login(people["PM"].user)
    assert client.post(target, {"handover_days": "5"}).status_code in (403, 404)
    client.force_login(people["admin"].user)
    client.post(target, {"handover_days": "5"})
    page = client.get(reverse("launches:rubric", args=[ws.slug])).content.decode()
    assert 'value="5"' in page
    client.post(target, {"handover_days": "0"})
    assert 'value="5"' in client.get(reverse("launches:rubric", args=[ws.slug])).content.decode()


def test_a_ritual_meeting_lists_unsigned_checkpoints_and_an_owner_answers_there(client, team, launch):
    from rituals import services as rituals_services

    ws, _, people = team
    Launch.objects.filter(pk=launch.pk).update(phase="strategy")
    ritual = rituals_services.rituals_seed_defaults(workspace=ws)[0]
    day = ritual.next_date(timezone.localdate()).isoformat()
    meeting = reverse("rituals:occurrence", args=[ws.slug, ritual.pk, day])
    client.force_login(people["PMM"].user)
    html = client.get(meeting).content.decode()
    assert "Joint checkpoints to sign" in html and 'name="side" value="pmm"' in html
    assert 'name="side" value="pm"' not in html
    response = client.post(
        url("checkpoint_answer", launch),
        {
            "side": "pmm",
            "answer": "yes",
            "note": "Segments match the bets",
            "version": version(launch),
            "next": meeting,
        },
    )
    assert response.status_code == 302 and response["Location"] == meeting
    assert launch.checkpoint_answers.get().answer is True
    # An address elsewhere is not followed: back to the launch instead.
    response = client.post(
        url("checkpoint_answer", launch),
        {"side": "pmm", "answer": "yes", "version": version(launch), "next": "https://elsewhere.example/"},
    )
    assert response["Location"].startswith(url("launch", launch))


def test_a_hand_over_to_someone_who_left_lets_the_owners_name_a_driver(client, team, launch):
    from tests.factories import MembershipFactory, hold
    from workspaces.models import Role

    ws, _, people = team
    leaver = MembershipFactory(workspace=ws)
    hold(Role.objects.get(workspace=ws, code="PMM"), leaver)
    client.force_login(people["PM"].user)
    client.post(url("launch_advance", launch), {"to_member": leaver.pk, "note": "n", "version": 0})
    assert Launch.objects.get(pk=launch.pk).phase == "strategy"
    assert "Who drives Strategy?" not in client.get(url("launch", launch)).content.decode()
    leaver.delete()
    assert "Who drives Strategy?" in client.get(url("launch", launch)).content.decode()
    client.post(url("driver_set", launch), {"driver": people["PMM"].pk})
    assert Launch.objects.get(pk=launch.pk).driver == people["PMM"]


def test_the_relay_panel_reads_who_may_drive_in_one_query_however_many_members(client, team, launch):
    """The hand-over's candidates are every member holding a driving role of the phase or the
    next: the launch page reads the same number of queries with 5 members as with 30."""
    from tests.factories import MembershipFactory
    from tests.queries import assert_same_queries
    from workspaces.models import Role, RoleHolder

    ws, _, people = team
    pm = Role.objects.get(workspace=ws, code="PM")
    added = []

    def build(size):
        while len(added) < size:
            member = MembershipFactory(workspace=ws, access="editor")
            RoleHolder.objects.create(role=pm, membership=member)
            added.append(member)
        return size

    def check(response, size):
        html = response.content.decode()
        assert response.status_code == 200 and f'value="{added[size - 1].pk}"' in html

    client.force_login(people["PM"].user)
    assert_same_queries(build, lambda _: client.get(url("launch", launch)), sizes=(5, 30), check=check)
