"""The weekly digest to Slack and Teams channels: on each workspace's day and hour in its
own time zone (frozen clocks at UTC+14 and UTC-10), once a week per channel, built by the
apps that own the data, and only of its own workspace."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from launches import services as launch_services
from launches.models import ReadinessItem
from notifications import destinations
from notifications.channel_digest import digests_due
from notifications.chat_formats import check_slack_message
from notifications.models import WebhookDelivery
from tests.adaptive_cards import assert_valid_envelopes
from tests.factories import MembershipFactory, WorkspaceFactory, build_matrix
from tests.receivers import ChatListener
from workspaces.models import Access

pytestmark = pytest.mark.django_db


@pytest.fixture
def listener():
    made = ChatListener()
    yield made
    made.close()


def team(name, zone, listener, kind="slack", weekday=0, hour=9):
    workspace = WorkspaceFactory(name=name, time_zone=zone)
    MembershipFactory(workspace=workspace, access=Access.ADMIN)
    destinations.digest_schedule_save(workspace=workspace, weekday=weekday, hour=hour)
    destinations.destination_add(
        workspace=workspace,
        kind=kind,
        name=f"#{name}",
        url=listener.slack_url if kind == "slack" else listener.teams_url,
        routing=destinations.Routing(digest=True),
    )
    return workspace


def digests():
    return sorted(WebhookDelivery.objects.filter(kind="digest").values_list("webhook__workspace__name", "key"))


def test_the_digest_goes_on_each_workspaces_day_and_hour_in_its_own_time_zone(
    listener, django_capture_on_commit_callbacks
):
    # Monday 09:00 at UTC+14 is Sunday 19:00 UTC; at UTC-10 it is Monday 19:00 UTC.
    kiritimati = team("Kiritimati", "Pacific/Kiritimati", listener)
    honolulu = team("Honolulu", "Pacific/Honolulu", listener, kind="teams")
    sunday = datetime(2026, 12, 6, 18, 59, tzinfo=UTC)
    with django_capture_on_commit_callbacks(execute=True):
        assert digests_due(sunday) == 0
        assert digests_due(sunday + timedelta(minutes=1)) == 1
        assert digests_due(sunday + timedelta(minutes=30)) == 0  # once a week
    assert [name for name, _ in digests()] == ["Kiritimati"]
    monday = datetime(2026, 12, 7, 18, 59, tzinfo=UTC)
    with django_capture_on_commit_callbacks(execute=True):
        assert digests_due(monday) == 0  # 08:59 in Honolulu; Tuesday already in Kiritimati
        assert digests_due(monday + timedelta(minutes=1)) == 1
    assert digests() == [
        ("Honolulu", f"digest:{honolulu.webhooks.get().pk}:2026-W50"),
        ("Kiritimati", f"digest:{kiritimati.webhooks.get().pk}:2026-W50"),
    ]
    # A tick that comes late the same day still posts it; the next day is too late.
    late = team("Late", "Pacific/Honolulu", listener)
    with django_capture_on_commit_callbacks(execute=True):
        assert digests_due(datetime(2026, 12, 8, 9, 59, tzinfo=UTC)) == 1  # Monday 23:59 in Honolulu
    assert ("Late", f"digest:{late.webhooks.get().pk}:2026-W50") in digests()
    assert len(listener.messages) == 3
    slack = [m for m in listener.messages if "blocks" in m]
    teams = [m for m in listener.messages if "attachments" in m]
    for message in slack:
        check_slack_message(message)
    assert_valid_envelopes(teams)


def test_a_channel_that_does_not_take_the_digest_is_sent_none(listener, django_capture_on_commit_callbacks):
    workspace = team("Acme", "UTC", listener)
    workspace.webhooks.update(digest=False)
    assert digests_due(datetime(2026, 12, 7, 9, 0, tzinfo=UTC)) == 0


def test_the_digest_says_what_changed_the_findings_the_quarters_launches_and_whats_overdue(
    listener, django_capture_on_commit_callbacks
):
    from launches.models import LaunchCycle
    from raci import services as raci_services
    from tests.launches.conftest import make_launch

    workspace = team("Acme", "Europe/Paris", listener, weekday=4, hour=16)
    other = team("Other", "Europe/Paris", listener, weekday=4, hour=16)
    admin = workspace.memberships.get()
    now = datetime(2026, 12, 11, 15, 30, tzinfo=UTC)  # Friday 16:30 in Paris
    with time_machine.travel(now - timedelta(days=2), tick=False):
        matrix, acts, roles = build_matrix(workspace, activities=2, roles=2, letters={(0, 0): "AR"})
        raci_services.cell_set(
            matrix=matrix, activity_id=acts[1].pk, role_id=roles[0].pk, value="C", expected_version=0, actor=admin.user
        )
        build_matrix(other, activities=1, roles=1, letters={(0, 0): "C"}, name="Their secret matrix")
        cycle = LaunchCycle.objects.create(workspace=workspace, year=2026, quarter=4, slug="2026-q4")
        launch = make_launch(cycle, name="Atlas 2.0", launch_date=date(2026, 12, 20))
        launch_services.launch_set_tier(launch=launch, tier=1, reason="Big", actor=admin)
        ReadinessItem.objects.filter(launch=launch).update(due_date=date(2026, 12, 1))
    with django_capture_on_commit_callbacks(execute=True):
        assert digests_due(now) == 2
    ours = next(m for m in listener.messages if "Acme" in str(m))
    theirs = next(m for m in listener.messages if "Other" in str(m))
    text = str(ours)
    assert "What changed in ownership" in text and f"{matrix.name}: 1 change to 1 activity ({acts[1].name})" in text
    assert "Open findings by matrix" in text and "error" in text
    assert "2026-Q4 launches by tier" in text and "Atlas 2.0, launches 20 Dec 2026: Not ready" in text
    assert "Overdue, and whose" in text and "(Atlas 2.0)" in text and "due 1 Dec 2026" in text
    assert "Their secret matrix" not in text and "Atlas" not in str(theirs)
    assert check_slack_message(ours)


def test_the_tick_runs_from_beats_schedule():
    from config.celery_app import app

    assert app.conf.beat_schedule["channel-digests"]["task"] == "notifications.tasks.channel_digests_tick"
    from notifications.tasks import channel_digests_tick

    assert channel_digests_tick.delay().get() == 0
