"""Who hears what in the matrices, and how: the letters and reviews ticks, idempotency,
preferences, digests, e-mail and the signed webhook. Time is frozen where it matters."""

import hashlib
import hmac
import json
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import transaction

from core import errors as core_errors
from notifications import notify, tasks
from notifications.models import (
    DigestRun,
    EmailMode,
    Notification,
    NotificationPreference,
    NotificationSettings,
    Webhook,
    WebhookDelivery,
)
from notifications.webhooks import sign
from raci import services
from raci import tasks as raci_tasks
from raci.models import Decision, Matrix
from raci.reminders import letters_tick, reviews_tick
from tests.factories import MembershipFactory, build_matrix, hold
from tests.receivers import Receiver
from workspaces.models import Access

pytestmark = pytest.mark.django_db


@pytest.fixture
def grid(db):
    """A 3 x 3 matrix: role 0 is A/R on row 0, role 1 is I there, role 2 is C."""
    admin = MembershipFactory(access=Access.ADMIN)
    ws = admin.workspace
    matrix, acts, roles = build_matrix(
        ws, activities=3, roles=3, letters={(0, 0): "AR", (0, 1): "I", (0, 2): "C", (1, 0): "AR", (2, 0): "AR"}
    )
    people = [MembershipFactory(workspace=ws) for _ in roles]
    for role, person in zip(roles, people):
        hold(role, person)
    Matrix.objects.filter(pk=matrix.pk).update(notified_seq=matrix.last_seq)
    matrix.refresh_from_db()
    return ws, matrix, acts, roles, people, admin


def set_cell(matrix, activity, role, value, actor):
    matrix.refresh_from_db()
    version = next((c.version for c in activity.cells.filter(role=role)), 0)
    return services.cell_set(
        matrix=matrix, activity_id=activity.pk, role_id=role.pk, value=value, expected_version=version, actor=actor
    )


def test_letters_changes_reach_the_accountable_and_informed_but_not_the_author_or_consulted(grid):
    ws, matrix, acts, roles, people, admin = grid
    set_cell(matrix, acts[0], roles[2], "R", admin.user)
    set_cell(matrix, acts[0], roles[2], "", admin.user)
    set_cell(matrix, acts[0], roles[2], "I", admin.user)
    assert letters_tick() == 1
    told = Notification.objects.filter(kind="letters")
    assert sorted(told.values_list("user_id", flat=True)) == sorted(p.user_id for p in people)
    note = told.first()
    # One notification for the burst, with the net change per role.
    assert note.body == f"{roles[2].code}: C → I ({admin.user.get_full_name()})"
    assert note.url.endswith(f"#row-{acts[0].pk}")
    assert letters_tick() == 0 and told.count() == 3


def test_the_author_of_a_change_is_not_told_of_it(grid):
    ws, matrix, acts, roles, people, admin = grid
    set_cell(matrix, acts[0], roles[2], "R", people[1].user)
    letters_tick()
    assert set(Notification.objects.values_list("user_id", flat=True)) == {people[0].user_id}


def test_losing_accountability_is_news_to_the_one_who_lost_it(grid):
    ws, matrix, acts, roles, people, admin = grid
    set_cell(matrix, acts[1], roles[0], "C", admin.user)
    letters_tick()
    assert list(Notification.objects.values_list("user_id", flat=True)) == [people[0].user_id]
    assert "A/R → C" in Notification.objects.get().body


def test_a_change_undone_before_the_tick_tells_nobody(grid):
    ws, matrix, acts, roles, people, admin = grid
    set_cell(matrix, acts[0], roles[2], "R", admin.user)
    set_cell(matrix, acts[0], roles[2], "C", admin.user)
    letters_tick()
    assert Notification.objects.count() == 0
    assert Matrix.objects.get(pk=matrix.pk).notified_seq == Matrix.objects.get(pk=matrix.pk).last_seq


def test_emitting_the_same_event_twice_stores_and_sends_it_once(grid, django_capture_on_commit_callbacks):
    ws, matrix, acts, roles, people, admin = grid
    event = notify.Event(
        workspace_id=ws.pk,
        workspace_slug=ws.slug,
        kind="matrix_review",
        key="matrix_review:x",
        title="Review it",
        url="/somewhere/",
    )
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            first = notify.emit(event, recipients={people[0].user_id})
        with transaction.atomic():
            second = notify.emit(event, recipients={people[0].user_id})
    assert len(first) == 1 and second == []
    assert Notification.objects.count() == 1 and len(mail.outbox) == 1
    tasks.send_notification_email.delay(first[0])  # a redelivered task
    assert len(mail.outbox) == 1


def test_a_decision_at_its_review_date_reaches_the_decider_and_the_matrix_owner(grid):
    ws, matrix, acts, roles, people, admin = grid
    Matrix.objects.filter(pk=matrix.pk).update(owner=people[2].user)
    Decision.objects.create(
        matrix=matrix,
        what="PMM owns naming",
        decided_by=people[1].user,
        decided_on=date(2026, 9, 1),
        review_on=date(2026, 12, 1),
    )
    assert reviews_tick(date(2026, 11, 30)) == 0
    with time_machine.travel("2026-12-01 09:00Z", tick=False):
        raci_tasks.notifications_tick.delay()
        raci_tasks.notifications_tick.delay()
    told = Notification.objects.filter(kind="decision_review")
    assert sorted(told.values_list("user_id", flat=True)) == sorted([people[1].user_id, people[2].user_id])
    assert "PMM owns naming" in told.first().title


def test_a_matrix_past_its_review_date_reaches_its_owner_once(grid):
    ws, matrix, acts, roles, people, admin = grid
    Matrix.objects.filter(pk=matrix.pk).update(
        owner=people[0].user, review_cadence_days=30, last_reviewed_on=date(2026, 10, 1)
    )
    assert reviews_tick(date(2026, 10, 31)) == 0  # due that day, not past it
    assert reviews_tick(date(2026, 11, 1)) == 1
    assert reviews_tick(date(2026, 11, 2)) == 0
    n = Notification.objects.get()
    assert (n.kind, n.user_id, n.title) == ("matrix_review", people[0].user_id, f"{matrix.name} is due for review")


def test_digest_notifications_wait_for_the_morning_and_go_in_one_email(grid):
    ws, matrix, acts, roles, people, admin = grid
    reader = people[0].user
    for n in range(3):
        with transaction.atomic():
            notify.emit(
                notify.Event(
                    workspace_id=ws.pk,
                    workspace_slug=ws.slug,
                    kind="letters",
                    key=f"letters:t{n}",
                    title=f"Change {n}",
                    url="/x/",
                ),
                recipients={reader.pk},
            )
    assert mail.outbox == []  # letters default to the digest
    with time_machine.travel("2026-11-24 07:30Z", tick=False):
        assert tasks.digests_tick.delay().get() == 0
    with time_machine.travel("2026-11-24 08:05Z", tick=False):
        assert tasks.digests_tick.delay().get() == 1
        assert tasks.digests_tick.delay().get() == 0
        tasks.send_digest.delay(reader.pk, "daily:2026-11-24")  # delivered twice
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [reader.email] and "3 updates" in mail.outbox[0].subject
    assert all(f"Change {n}" in mail.outbox[0].body for n in range(3))
    assert DigestRun.objects.get(user=reader).items == 3
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


def test_a_weekly_digest_goes_on_monday_morning():
    from notifications.mailing import digest_period

    with time_machine.travel("2026-11-23 07:00Z", tick=False):  # a Monday
        from django.utils import timezone

        assert digest_period("weekly", timezone.now()) is None
    assert digest_period("weekly", _at("2026-11-23 08:00")) == "weekly:2026-W48"
    assert digest_period("weekly", _at("2026-11-27 06:00")) == "weekly:2026-W48"  # missed Monday: later that week
    assert digest_period("daily", _at("2026-11-27 06:00")) is None
    assert digest_period("daily", _at("2026-11-27 09:00")) == "daily:2026-11-27"


def _at(text):
    from datetime import datetime

    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_preferences_keep_only_what_differs_from_the_defaults(grid):
    ws, matrix, acts, roles, people, admin = grid
    user = people[0].user
    choices, digest = notify.preferences_of(user=user)
    assert choices["letters"] == notify.Choice(True, EmailMode.DIGEST) and digest == "daily"
    choices["item_due"] = notify.Choice(False, EmailMode.OFF)
    notify.preferences_save(user=user, choices=choices, digest="weekly")
    assert list(NotificationPreference.objects.filter(user=user).values_list("kind", flat=True)) == ["item_due"]
    assert NotificationSettings.objects.get(user=user).digest == "weekly"
    with pytest.raises(core_errors.InvalidInput):
        notify.preferences_save(user=user, choices=choices, digest="hourly")


def test_someone_who_wants_nothing_of_a_kind_gets_no_row_at_all(grid):
    ws, matrix, acts, roles, people, admin = grid
    NotificationPreference.objects.create(user=people[0].user, kind="letters", in_app=False, email=EmailMode.OFF)
    set_cell(matrix, acts[0], roles[2], "R", admin.user)
    letters_tick()
    assert not Notification.objects.filter(user=people[0].user).exists()
    assert Notification.objects.filter(user=people[1].user).exists()


# --- the webhook ------------------------------------------------------------------------


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def test_every_event_is_posted_to_the_webhook_signed_with_its_secret(
    grid, receiver, django_capture_on_commit_callbacks
):
    ws, matrix, acts, roles, people, admin = grid
    hook = notify.webhook_save(workspace=ws, url=receiver.url, active=True)
    set_cell(matrix, acts[0], roles[2], "R", admin.user)
    with django_capture_on_commit_callbacks(execute=True):
        letters_tick()
    # Without a worker the request that made the event never waits on the receiver: the
    # next tick sends it.
    assert receiver.requests == [] and WebhookDelivery.objects.get().status == "pending"
    raci_tasks.notifications_tick.delay()
    assert len(receiver.requests) == 1
    headers, body = receiver.requests[0]
    payload = json.loads(body)
    assert payload["event"] == "letters" and payload["workspace"] == ws.slug
    assert payload["url"].startswith("http://testserver/") and payload["data"]["activity"] == acts[0].name
    expected = (
        "sha256="
        + hmac.new(
            hook.secret.encode(), headers["X-Lockstep-Timestamp"].encode() + b"." + body, hashlib.sha256
        ).hexdigest()
    )
    assert headers["X-Lockstep-Signature"] == expected == sign(hook.secret, headers["X-Lockstep-Timestamp"], body)
    assert headers["X-Lockstep-Delivery"] == payload["id"]
    assert WebhookDelivery.objects.get().status == "sent"


def test_a_failing_webhook_is_tried_again_by_the_tick_with_backoff_then_failed(
    grid, settings, django_capture_on_commit_callbacks
):
    ws, matrix, acts, roles, people, admin = grid
    failing = Receiver(status=500)
    try:
        notify.webhook_save(workspace=ws, url=failing.url, active=True)
        start = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
        with time_machine.travel(start, tick=False):
            with django_capture_on_commit_callbacks(execute=True):
                notify.webhook_ping(workspace=ws, actor=admin.user)  # tried at once: someone is waiting
        delivery = WebhookDelivery.objects.get()
        assert (delivery.status, delivery.attempts) == ("pending", 1)
        waited = 0
        for n in range(settings.TASK_MAX_RETRIES):
            with time_machine.travel(start + timedelta(seconds=waited + tasks.backoff(n) - 1), tick=False):
                raci_tasks.notifications_tick.delay()  # not yet
            waited += tasks.backoff(n)
            with time_machine.travel(start + timedelta(seconds=waited), tick=False):
                raci_tasks.notifications_tick.delay()
            assert WebhookDelivery.objects.get().attempts == n + 2
    finally:
        failing.close()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_status) == (
        "failed",
        settings.TASK_MAX_RETRIES + 1,
        500,
    )
    assert len(failing.requests) == settings.TASK_MAX_RETRIES + 1 and "500" in delivery.last_error


def test_an_inactive_webhook_is_sent_nothing(grid, receiver, django_capture_on_commit_callbacks):
    ws, matrix, acts, roles, people, admin = grid
    notify.webhook_save(workspace=ws, url=receiver.url, active=False)
    set_cell(matrix, acts[0], roles[2], "R", admin.user)
    with django_capture_on_commit_callbacks(execute=True):
        letters_tick()
    assert receiver.requests == [] and not WebhookDelivery.objects.exists()


def test_webhooks_to_the_servers_own_network_are_refused_unless_allowed(grid, settings):
    ws = grid[0]
    settings.WEBHOOK_ALLOW_PRIVATE = False
    for url in ("http://127.0.0.1:6379/", "http://10.0.0.8/hook", "ftp://example.com/x", "http:///nohost"):
        with pytest.raises(core_errors.InvalidInput):
            notify.webhook_save(workspace=ws, url=url, active=True)
    assert not Webhook.objects.exists()


def test_retries_back_off_and_the_visibility_timeout_outlasts_the_longest(settings):
    assert [tasks.backoff(n) for n in range(settings.TASK_MAX_RETRIES)] == [
        settings.TASK_RETRY_BASE_SECONDS * 2**n for n in range(settings.TASK_MAX_RETRIES)
    ]
    longest = tasks.backoff(settings.TASK_MAX_RETRIES - 1)
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] > longest
    for task in (
        tasks.send_notification_email,
        tasks.deliver_webhook,
        tasks.send_digest,
        raci_tasks.notifications_tick,
    ):
        assert task.time_limit and task.soft_time_limit < task.time_limit and task.acks_late


def test_a_visibility_timeout_below_the_longest_countdown_stops_start_up():
    import os
    import subprocess
    import sys

    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="config.settings.local",
        CELERY_VISIBILITY_TIMEOUT="100",
        TASK_RETRY_BASE_SECONDS="30",
        TASK_MAX_RETRIES="5",
    )
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], env=env, capture_output=True, text=True
    )
    assert result.returncode != 0 and "CELERY_VISIBILITY_TIMEOUT (100 s) must be above" in result.stderr


def test_a_lost_email_is_queued_again_by_the_tick_and_sent_once(grid):
    ws, matrix, acts, roles, people, admin = grid
    with time_machine.travel("2026-11-23 09:00Z", tick=False):
        # Outside any transaction that commits through the test's hooks: the send is "lost".
        with transaction.atomic():
            ids = notify.emit(
                notify.Event(
                    workspace_id=ws.pk, workspace_slug=ws.slug, kind="matrix_review", key="lost:1", title="Lost"
                ),
                recipients={people[0].user_id},
            )
    assert mail.outbox == [] and Notification.objects.get(pk=ids[0]).emailed_at is None
    with time_machine.travel("2026-11-23 09:20Z", tick=False):
        assert raci_tasks.notifications_tick.delay().get()["requeued"] == 1
        assert raci_tasks.notifications_tick.delay().get()["requeued"] == 0
    assert len(mail.outbox) == 1


def test_a_rolled_back_review_tick_can_run_again(grid, django_capture_on_commit_callbacks):
    ws, matrix, acts, roles, people, admin = grid
    Matrix.objects.filter(pk=matrix.pk).update(
        owner=people[0].user, review_cadence_days=7, last_reviewed_on=date.today() - timedelta(days=10)
    )
    with pytest.raises(RuntimeError), transaction.atomic():
        reviews_tick(date.today())
        raise RuntimeError("worker killed")
    assert Notification.objects.count() == 0
    assert reviews_tick(date.today()) == 1 and Notification.objects.count() == 1


def test_old_read_notifications_and_old_event_keys_are_cleared(grid):
    ws, matrix, acts, roles, people, admin = grid
    with time_machine.travel("2026-01-05 09:00Z", tick=False):
        with transaction.atomic():
            old = notify.emit(
                notify.Event(
                    workspace_id=ws.pk, workspace_slug=ws.slug, kind="matrix_review", key="old:1", title="Old"
                ),
                recipients={people[0].user_id, people[1].user_id},
            )
        Notification.objects.filter(pk=old[0]).update(read_at="2026-01-06T09:00Z")
    with time_machine.travel("2026-11-23 09:00Z", tick=False):
        raci_tasks.notifications_tick.delay()
    # The unread one stays, however old: nobody has seen it yet.
    assert list(Notification.objects.values_list("pk", flat=True)) == [old[1]]
    assert not notify.seen(["old:1"])


def test_a_webhook_receiver_cannot_redirect_the_server_elsewhere(grid, django_capture_on_commit_callbacks):
    ws, matrix, acts, roles, people, admin = grid
    redirecting = Receiver(status=307)
    target = Receiver()
    original = redirecting.server.RequestHandlerClass.do_POST

    def do_post(handler):
        handler.rfile.read(int(handler.headers["Content-Length"]))
        handler.send_response(302)
        handler.send_header("Location", target.url)
        handler.end_headers()

    redirecting.server.RequestHandlerClass.do_POST = do_post
    try:
        notify.webhook_save(workspace=ws, url=redirecting.url, active=True)
        with django_capture_on_commit_callbacks(execute=True):
            notify.webhook_ping(workspace=ws, actor=admin.user)
    finally:
        redirecting.server.RequestHandlerClass.do_POST = original
        redirecting.close()
        target.close()
    delivery = WebhookDelivery.objects.get()
    assert delivery.attempts == 1 and "redirect" in delivery.last_error and target.requests == []


def _signed_by(secret, headers, body, header="X-Lockstep-Signature"):
    return headers.get(header) == sign(secret, headers["X-Lockstep-Timestamp"], body)


def test_after_a_new_secret_requests_carry_both_signatures_for_the_overlap_then_only_the_new(
    grid, receiver, settings, django_capture_on_commit_callbacks
):
    """A receiver holding the old secret, or the new one, accepts every request of the overlap:
    it can switch at any moment without a gap."""
    settings.WEBHOOK_SECRET_OVERLAP_HOURS = 24
    ws, matrix, acts, roles, people, admin = grid
    old = notify.webhook_save(workspace=ws, url=receiver.url, active=True).secret
    with time_machine.travel("2026-12-01 09:00Z", tick=False):
        new = notify.webhook_new_secret(workspace=ws).secret
        with django_capture_on_commit_callbacks(execute=True):
            notify.webhook_ping(workspace=ws, actor=admin.user)
        raci_tasks.notifications_tick.delay()
    with time_machine.travel("2026-12-02 08:59Z", tick=False):
        notify.webhook_ping(workspace=ws, actor=admin.user)
        raci_tasks.notifications_tick.delay()
    with time_machine.travel("2026-12-02 09:01Z", tick=False):
        notify.webhook_ping(workspace=ws, actor=admin.user)
        raci_tasks.notifications_tick.delay()
    assert len(receiver.requests) == 3
    for headers, body in receiver.requests[:2]:
        assert _signed_by(new, headers, body)
        assert _signed_by(old, headers, body, "X-Lockstep-Signature-Previous")
    headers, body = receiver.requests[2]
    assert _signed_by(new, headers, body) and "X-Lockstep-Signature-Previous" not in headers


def test_a_webhook_never_rotated_sends_one_signature(grid, receiver, django_capture_on_commit_callbacks):
    ws, matrix, acts, roles, people, admin = grid
    notify.webhook_save(workspace=ws, url=receiver.url, active=True)
    notify.webhook_ping(workspace=ws, actor=admin.user)
    raci_tasks.notifications_tick.delay()
    assert "X-Lockstep-Signature-Previous" not in receiver.requests[0][0]


def test_a_new_secret_without_overlap_stops_the_old_one_at_once(grid, receiver):
    ws, matrix, acts, roles, people, admin = grid
    notify.webhook_save(workspace=ws, url=receiver.url, active=True)
    notify.webhook_new_secret(workspace=ws, overlap=False)
    notify.webhook_ping(workspace=ws, actor=admin.user)
    raci_tasks.notifications_tick.delay()
    assert "X-Lockstep-Signature-Previous" not in receiver.requests[0][0]
