"""Slack and Teams destinations, delivered to a real HTTP listener on loopback: each
message checked (Slack's limits, Teams' card parsed by adaptivecards and the schema),
routing, bursts gathered per matrix, permanent failures, 429, and workspaces kept apart."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from core.errors import InvalidInput
from notifications import destinations, notify
from notifications.chat_formats import check_slack_message
from notifications.models import Notification, WebhookDelivery
from notifications.tasks import deliver_due_webhooks
from tests.adaptive_cards import assert_valid_envelopes
from tests.factories import MembershipFactory, WorkspaceFactory
from tests.receivers import ChatListener
from workspaces.models import Access

pytestmark = pytest.mark.django_db


@pytest.fixture
def listener():
    made = ChatListener()
    yield made
    made.close()


@pytest.fixture
def team():
    workspace = WorkspaceFactory(name="Acme")
    admin = MembershipFactory(workspace=workspace, access=Access.ADMIN)
    return workspace, admin


def add(workspace, kind, url, **routing):
    return destinations.destination_add(
        workspace=workspace,
        kind=kind,
        name=f"#{kind}-room",
        url=url,
        routing=destinations.Routing(**routing),
        matrices=set(routing.get("matrices", ())),
        cycles=set(routing.get("cycles", ())),
    )


counter = iter(range(10**6))


def event(workspace, kind="launch_status", **extra):
    n = next(counter)
    fields = {
        "workspace_id": workspace.pk,
        "workspace_slug": workspace.slug,
        "kind": kind,
        "key": f"{kind}:{n}",
        "title": f"Atlas {n} is at risk",
        "url": f"/w/{workspace.slug}/launches/{n}/",
        "actor_name": "Ana Silva",
        "data": {"launch": f"Atlas {n}", "cycle": "2026 Q4"},
    }
    return notify.Event(**(fields | extra))


def emit(*events, capture):
    with capture(execute=True):
        notify.emit_many([(e, []) for e in events])


def send_due(at=None):
    return deliver_due_webhooks(at or timezone.now())


def test_a_slack_message_reaches_the_listener_within_slacks_limits(team, listener, django_capture_on_commit_callbacks):
    workspace, _ = team
    slack = add(workspace, "slack", listener.slack_url)
    emit(
        event(workspace, "go_decision", data={"launch": "Atlas", "decision_label": "Go", "readiness": "Ready"}),
        capture=django_capture_on_commit_callbacks,
    )
    send_due()
    assert len(listener.messages) == 1
    message = check_slack_message(listener.messages[0])
    assert listener.headers[0]["Content-Type"].startswith("application/json")
    assert "X-Lockstep-Signature" not in listener.headers[0]
    assert "http://testserver/w/" in str(message) and "Ready" in str(message)
    assert WebhookDelivery.objects.get(webhook=slack).status == "sent"


def test_a_teams_card_reaches_the_listener_and_parses(team, listener, django_capture_on_commit_callbacks):
    workspace, _ = team
    add(workspace, "teams", listener.teams_url)
    emit(
        event(workspace),
        event(workspace, "launch_tier", data={"tier_name": "Tier 1", "reason": "Big"}),
        capture=django_capture_on_commit_callbacks,
    )
    send_due()
    assert len(listener.messages) == 2
    assert_valid_envelopes(listener.messages)


def test_the_json_webhook_keeps_its_signed_payload_beside_chat_destinations(
    team, listener, django_capture_on_commit_callbacks
):
    from tests.receivers import Receiver

    workspace, _ = team
    receiver = Receiver()
    try:
        notify.webhook_save(workspace=workspace, url=receiver.url, active=True)
        add(workspace, "slack", listener.slack_url)
        emit(event(workspace), capture=django_capture_on_commit_callbacks)
        send_due()
        import json

        headers, body = receiver.requests[0]
        payload = json.loads(body)
        assert set(payload) == {"event", "id", "workspace", "title", "text", "url", "actor", "at", "data"}
        assert headers["X-Lockstep-Signature"].startswith("sha256=")
        assert len(listener.messages) == 1
    finally:
        receiver.close()


def test_a_tier_3_launch_never_reaches_a_tier_1_channel(team, listener, django_capture_on_commit_callbacks):
    workspace, _ = team
    tier1 = add(workspace, "slack", listener.slack_url, tiers=(1,))
    emit(
        event(workspace, launch_id=7, tier=3),
        event(workspace, launch_id=8, tier=None),
        capture=django_capture_on_commit_callbacks,
    )
    assert not WebhookDelivery.objects.filter(webhook=tier1).exists()
    emit(event(workspace, launch_id=9, tier=1), capture=django_capture_on_commit_callbacks)
    assert WebhookDelivery.objects.filter(webhook=tier1).count() == 1


def test_routing_by_kind_matrix_and_cycle(team, listener, django_capture_on_commit_callbacks):
    workspace, _ = team
    only_go = add(workspace, "slack", listener.slack_url, event_kinds=("go_decision",))
    only_matrix = destinations.destination_add(
        workspace=workspace,
        kind="slack",
        name="#m",
        url=listener.slack_url,
        routing=destinations.Routing(matrices=(5,)),
        matrices={5, 6},
    )
    only_cycle = destinations.destination_add(
        workspace=workspace,
        kind="teams",
        name="#c",
        url=listener.teams_url,
        routing=destinations.Routing(cycles=(2,)),
        cycles={2, 3},
    )
    emit(
        event(workspace, "go_decision", launch_id=1, cycle_id=3),
        event(workspace, "decision_review", matrix_id=6),
        event(workspace, "matrix_review", matrix_id=5),
        event(workspace, "launch_status", launch_id=1, cycle_id=2),
        capture=django_capture_on_commit_callbacks,
    )
    kinds = lambda d: sorted(WebhookDelivery.objects.filter(webhook=d).values_list("kind", flat=True))  # noqa: E731
    assert kinds(only_go) == ["go_decision"]
    assert kinds(only_matrix) == ["go_decision", "launch_status", "matrix_review"]
    assert kinds(only_cycle) == ["decision_review", "launch_status", "matrix_review"]


def test_a_launch_reaches_the_channel_it_picked_even_one_that_takes_only_its_own(
    team, listener, django_capture_on_commit_callbacks
):
    workspace, _ = team
    own = add(workspace, "slack", listener.slack_url, chosen_only=True, tiers=(1,))
    emit(event(workspace, launch_id=1, tier=3), capture=django_capture_on_commit_callbacks)
    assert not WebhookDelivery.objects.filter(webhook=own).exists()
    emit(event(workspace, launch_id=2, tier=3, channel_id=own.pk), capture=django_capture_on_commit_callbacks)
    assert WebhookDelivery.objects.filter(webhook=own).count() == 1


def test_routing_names_only_the_workspaces_own_matrices_and_tiers_1_to_3(team, listener):
    workspace, _ = team
    with pytest.raises(InvalidInput, match="matrices of this workspace"):
        destinations.destination_add(
            workspace=workspace,
            kind="slack",
            name="#x",
            url=listener.slack_url,
            routing=destinations.Routing(matrices=(99,)),
            matrices={1},
        )
    with pytest.raises(InvalidInput, match="Tiers"):
        add(workspace, "slack", listener.slack_url, tiers=(4,))


def letters(workspace, matrix_id, n):
    return event(
        workspace,
        "letters",
        matrix_id=matrix_id,
        title=f"Edit {n}",
        url=f"/w/{workspace.slug}/m/launch/#row-{n}",
        data={"matrix": f"Matrix {matrix_id}", "activity": f"Activity {n}", "changes": [f"PM: — → R (P{n})"]},
    )


def test_edits_to_one_matrix_within_the_window_go_out_as_one_message(
    team, listener, django_capture_on_commit_callbacks, settings
):
    settings.CHAT_COALESCE_SECONDS = 600
    workspace, _ = team
    add(workspace, "slack", listener.slack_url)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        emit(letters(workspace, 1, 0), letters(workspace, 2, 0), capture=django_capture_on_commit_callbacks)
    with time_machine.travel(start + timedelta(minutes=4), tick=False):
        emit(letters(workspace, 1, 1), capture=django_capture_on_commit_callbacks)
        emit(letters(workspace, 1, 2), capture=django_capture_on_commit_callbacks)
        send_due()
        assert listener.messages == []  # still gathering
    with time_machine.travel(start + timedelta(minutes=10, seconds=1), tick=False):
        send_due()
    assert len(listener.messages) == 2
    burst = next(m for m in listener.messages if "Matrix 1" in str(m))
    check_slack_message(burst)
    assert burst["blocks"][0]["text"]["text"] == "3 ownership changes in Matrix 1"
    assert all(f"Activity {n}" in str(burst) for n in range(3))
    # After the window an edit opens a new burst rather than joining the sent one.
    with time_machine.travel(start + timedelta(minutes=11), tick=False):
        emit(letters(workspace, 1, 3), capture=django_capture_on_commit_callbacks)
    assert WebhookDelivery.objects.filter(group="matrix:1").count() == 2


@pytest.mark.parametrize(
    ("kind", "answer"),
    [
        ("slack", (404, {}, "no_service")),
        ("slack", (403, {}, "invalid_token")),
        ("slack", (410, {}, "channel_is_archived")),
        ("teams", (404, {}, "")),
        ("teams", (410, {}, "Gone")),
    ],
)
def test_a_destination_gone_for_good_is_stopped_and_its_admins_told(
    team, kind, answer, django_capture_on_commit_callbacks
):
    workspace, admin = team
    listener = ChatListener([answer])
    try:
        destination = add(workspace, kind, listener.slack_url if kind == "slack" else listener.teams_url)
        emit(event(workspace), event(workspace), capture=django_capture_on_commit_callbacks)
        with django_capture_on_commit_callbacks(execute=True):
            send_due()
        assert len(listener.messages) == 1  # the second is never tried
        destination.refresh_from_db()
        assert destination.stopped_at is not None and str(answer[0]) in destination.stopped_reason
        assert set(WebhookDelivery.objects.filter(webhook=destination).values_list("status", flat=True)) == {"failed"}
        told = Notification.objects.get(user=admin.user, kind="channel_stopped")
        assert destination.name in told.title
        emit(event(workspace), capture=django_capture_on_commit_callbacks)
        assert WebhookDelivery.objects.filter(webhook=destination, status="pending").count() == 0
    finally:
        listener.close()


def test_a_passing_error_is_retried_not_stopped(team, django_capture_on_commit_callbacks):
    workspace, _ = team
    listener = ChatListener([(500, {}, "oops"), (200, {}, "ok")])
    try:
        destination = add(workspace, "slack", listener.slack_url)
        emit(event(workspace), capture=django_capture_on_commit_callbacks)
        send_due()
        delivery = WebhookDelivery.objects.get(webhook=destination)
        assert delivery.status == "pending" and delivery.attempts == 1
        send_due(timezone.now() + timedelta(hours=1))
        delivery.refresh_from_db()
        destination.refresh_from_db()
        assert delivery.status == "sent" and destination.stopped_at is None
    finally:
        listener.close()


def test_429_waits_for_retry_after_and_holds_the_destinations_other_messages(team, django_capture_on_commit_callbacks):
    workspace, _ = team
    listener = ChatListener([(429, {"Retry-After": "30"}, "rate_limited"), (200, {}, "ok")])
    try:
        destination = add(workspace, "slack", listener.slack_url)
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            emit(event(workspace), event(workspace), capture=django_capture_on_commit_callbacks)
            send_due()
        assert len(listener.messages) == 1
        destination.refresh_from_db()
        assert destination.paused_until == start + timedelta(seconds=30)
        waiting = WebhookDelivery.objects.filter(webhook=destination, status="pending")
        assert waiting.count() == 2 and all(d.attempts == 0 for d in waiting)
        with time_machine.travel(start + timedelta(seconds=20), tick=False):
            send_due()
        assert len(listener.messages) == 1
        with time_machine.travel(start + timedelta(seconds=31), tick=False):
            send_due()
        assert len(listener.messages) == 3
        assert set(WebhookDelivery.objects.filter(webhook=destination).values_list("status", flat=True)) == {"sent"}
    finally:
        listener.close()


def test_no_message_carries_another_workspaces_data(listener, django_capture_on_commit_callbacks):
    ours, theirs = WorkspaceFactory(name="Ours"), WorkspaceFactory(name="Theirs")
    other = ChatListener()
    try:
        add(ours, "slack", listener.slack_url)
        add(theirs, "teams", other.teams_url)
        emit(
            event(ours, title="Our secret launch", data={"launch": "Our secret launch"}),
            event(theirs, title="Their secret launch", data={"launch": "Their secret launch"}),
            letters(ours, 1, 0),
            letters(theirs, 1, 0),
            capture=django_capture_on_commit_callbacks,
        )
        send_due(timezone.now() + timedelta(hours=1))
        assert listener.messages and other.messages
        assert all("Their" not in str(m) and "Theirs" not in str(m) for m in listener.messages)
        assert all("Our" not in str(m) and "Ours" not in str(m) for m in other.messages)
    finally:
        other.close()


def test_destinations_only_at_their_services_hosts(team, settings):
    workspace, _ = team
    settings.CHAT_WEBHOOK_HOSTS = settings.CHAT_WEBHOOK_HOSTS_DEFAULT
    with pytest.raises(InvalidInput, match="Slack incoming webhook"):
        add(workspace, "slack", "https://example.com/services/T/B/X")
    with pytest.raises(InvalidInput, match="Office 365 connector addresses are retired"):
        add(workspace, "teams", "https://acme.webhook.office.com/webhookb2/x")
    with pytest.raises(InvalidInput, match="Teams Workflows"):
        add(workspace, "teams", "https://hooks.slack.com/services/T/B/X")
    with pytest.raises(InvalidInput, match="Slack incoming webhook"):
        add(workspace, "slack", "http://hooks.slack.com.evil.example/services/T/B/X")


def test_the_public_address_rule_holds_for_chat_hosts(team, settings, monkeypatch):
    from notifications import webhooks

    workspace, _ = team
    settings.WEBHOOK_ALLOW_PRIVATE = False
    monkeypatch.setattr(webhooks, "resolve", lambda host, port: ["10.0.0.5"])
    with pytest.raises(InvalidInput, match="public internet"):
        add(workspace, "slack", "https://hooks.slack.com/services/T/B/X")
    monkeypatch.setattr(webhooks, "resolve", lambda host, port: ["54.230.1.1"])
    assert add(workspace, "slack", "https://hooks.slack.com/services/T/B/X").kind == "slack"
    # Resolved privately by the time it is sent: refused before connecting.
    monkeypatch.setattr(webhooks, "resolve", lambda host, port: ["127.0.0.1"])
    answer = webhooks.post_chat("slack", "https://hooks.slack.com/services/T/B/X", {"text": "x"})
    assert answer.status is None and "public internet" in answer.error


def test_the_public_address_rule_holds_at_connect(team, settings, monkeypatch, listener):
    """The name answered a public address when asked, the connection lands on loopback
    (DNS rebinding): refused before a byte is sent."""
    from notifications import webhooks

    settings.WEBHOOK_ALLOW_PRIVATE = False
    monkeypatch.setattr(webhooks, "resolve", lambda host, port: ["54.230.1.1"])
    answer = webhooks.post_chat("slack", listener.slack_url, {"text": "x"})
    assert answer.status is None and "public internet" in answer.error and listener.messages == []


def test_slacks_and_teams_own_hosts_take_only_https(team):
    workspace, _ = team
    with pytest.raises(InvalidInput, match="Slack incoming webhook"):
        add(workspace, "slack", "http://hooks.slack.com/services/T/B/X")


def test_check_deploy_warns_when_the_hosts_are_widened(settings, capsys):
    from notifications.checks import chat_hosts_widened

    settings.CHAT_WEBHOOK_HOSTS = settings.CHAT_WEBHOOK_HOSTS_DEFAULT
    assert chat_hosts_widened(None) == []
    settings.CHAT_WEBHOOK_HOSTS = {
        "slack": ["hooks.slack.com", "127.0.0.1"],
        "teams": ["*.environment.api.powerplatform.com"],
    }
    warnings = chat_hosts_widened(None)
    assert [w.id for w in warnings] == ["notifications.W001"] and "127.0.0.1" in warnings[0].msg


def test_an_ownership_change_says_which_activity_from_what_to_what_by_whom_and_the_findings(
    listener, django_capture_on_commit_callbacks
):
    from raci import services
    from raci.models import Matrix
    from raci.reminders import letters_tick
    from tests.factories import build_matrix

    workspace = WorkspaceFactory(name="Acme")
    admin = MembershipFactory(workspace=workspace, access=Access.ADMIN)
    matrix, acts, roles = build_matrix(workspace, activities=2, roles=2, letters={(0, 0): "AR", (1, 0): "AR"})
    Matrix.objects.filter(pk=matrix.pk).update(notified_seq=matrix.last_seq)
    destination = add(workspace, "slack", listener.slack_url)
    # A second Accountable on row 0: a finding caused.
    matrix.refresh_from_db()
    services.cell_set(
        matrix=matrix, activity_id=acts[0].pk, role_id=roles[1].pk, value="A", expected_version=0, actor=admin.user
    )
    with django_capture_on_commit_callbacks(execute=True):
        letters_tick()
    [delivery] = WebhookDelivery.objects.filter(webhook=destination)
    [change] = delivery.payload["items"]
    data = change["data"]
    assert data["activity"] == acts[0].name and data["matrix"] == matrix.name
    assert data["changes"] == [f"{roles[1].code}: — → A ({admin.user.get_full_name() or admin.user.username})"]
    assert data["findings_caused"] and not data["findings_cleared"]
    assert delivery.group == f"matrix:{matrix.pk}"
    send_due(timezone.now() + timedelta(minutes=11))
    text = str(listener.messages[0])
    assert "Findings it caused" in text and "both accountable" in text and acts[0].name in text
    # Taking it back clears the finding it caused.
    matrix.refresh_from_db()
    version = acts[0].cells.get(role=roles[1]).version
    services.cell_set(
        matrix=matrix, activity_id=acts[0].pk, role_id=roles[1].pk, value="", expected_version=version, actor=admin.user
    )
    with django_capture_on_commit_callbacks(execute=True):
        letters_tick()
    latest = WebhookDelivery.objects.filter(webhook=destination).order_by("-pk").first()
    assert latest.payload["items"][-1]["data"]["findings_cleared"]
