"""A real Celery worker and beat against Redis, end to end.

Beat ticks every second; the worker sends mail to an SMTP sink and webhooks to an HTTP
receiver run by the test. Proved here: a due readiness item makes exactly one notification
and one e-mail; a worker killed after the mail server took the e-mail, before it was
marked sent, and started again sends no second one; a rolled-back transaction puts nothing on the queue; a failing webhook is
tried again with backoff and then shown as failed to the workspace's admins.
"""

import os
import signal
import socketserver
import subprocess
import sys
import threading
import time
from datetime import date, timedelta

import pytest
import redis
from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from config.celery_app import app
from launches import services as launch_services
from launches.models import Launch, ReadinessItem
from notifications import notify
from notifications.models import Notification, WebhookDelivery
from tests.factories import MembershipFactory, hold
from tests.receivers import Receiver
from workspaces.models import Access, Role

pytestmark = pytest.mark.django_db(transaction=True)

# One queue for the whole run: Celery builds its routing once per process.
QUEUE = f"lockstep-e2e-{os.getpid()}"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class SmtpSink(socketserver.ThreadingTCPServer):
    """Just enough SMTP to receive Django's mail. With `stall` set, the next message is
    taken but the QUIT after it is never answered until `release` is set: a send that hangs
    after the server accepted the e-mail, before the sender can mark it sent."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        self.messages: list[str] = []
        self.stall, self.stalled, self.release = threading.Event(), threading.Event(), threading.Event()
        super().__init__(("127.0.0.1", 0), SmtpHandler)
        threading.Thread(target=self.serve_forever, daemon=True).start()


class SmtpHandler(socketserver.StreamRequestHandler):
    def handle(self):
        sink = self.server
        self.wfile.write(b"220 sink ESMTP\r\n")
        while line := self.rfile.readline():
            verb = line.strip().split(b" ")[0].upper()
            if verb == b"DATA":
                self.wfile.write(b"354 go on\r\n")
                lines = []
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    lines.append(chunk)
                sink.messages.append(b"".join(lines).decode("utf-8", "replace"))
                self.wfile.write(b"250 queued\r\n")
            elif verb == b"QUIT":
                if sink.stall.is_set():
                    sink.stall.clear()
                    sink.stalled.set()
                    sink.release.wait(60)
                    return  # the connection drops; the message was accepted
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


def wait_for(predicate, timeout=40, what="it"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


class Stack:
    """The worker and beat processes, sharing the test database and a queue of their own."""

    def __init__(self, tmp_path, smtp_port):
        db = connection.settings_dict
        self.queue = QUEUE
        self.env = dict(
            os.environ,
            DJANGO_SETTINGS_MODULE="config.settings.local",
            DEBUG="false",
            REDIS_URL=settings.REDIS_URL,
            CELERY_QUEUE=self.queue,
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(smtp_port),
            TASK_RETRY_BASE_SECONDS="1",
            TASK_MAX_RETRIES="2",
            CELERY_VISIBILITY_TIMEOUT="6",
            CELERY_RESTORE_INTERVAL="1",
            LOCKSTEP_TICK_SECONDS="1",
            WEBHOOK_ALLOW_PRIVATE="true",
            SITE_URL="http://lockstep.test",
        )
        if db["ENGINE"].endswith("postgresql"):
            self.env["DATABASE_URL"] = (
                f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
                f"{db['PORT'] or 5432}/{db['NAME']}"
            )
        else:
            self.env.pop("DATABASE_URL", None)
            self.env["SQLITE_PATH"] = db["NAME"]
        self.tmp_path = tmp_path
        self.worker = self.beat = None

    def _start(self, *args):
        return subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", *args],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=open(self.tmp_path / f"{args[0]}.log", "ab"),
            start_new_session=True,
        )

    def start_worker(self):
        # One process, so that killing it kills the task it is running.
        self.worker = self._start(
            "worker",
            "-Q",
            self.queue,
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=INFO",
        )

    def start_beat(self):
        self.beat = self._start("beat", "--schedule", str(self.tmp_path / "beat-schedule"), "--loglevel=INFO")

    def kill_worker(self):
        os.killpg(self.worker.pid, signal.SIGKILL)
        self.worker.wait(10)

    def stop(self):
        for process in (self.worker, self.beat):
            if process and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
        redis.Redis.from_url(settings.REDIS_URL).delete(self.queue)

    def logs(self):
        return "\n".join(
            (self.tmp_path / f"{n}.log").read_text()[-3000:]
            for n in ("worker", "beat")
            if (self.tmp_path / f"{n}.log").exists()
        )


@pytest.fixture
def smtp():
    sink = SmtpSink()
    yield sink
    sink.release.set()
    sink.shutdown()
    sink.server_close()


@pytest.fixture
def stack(tmp_path, smtp):
    s = Stack(tmp_path, smtp.server_address[1])
    # This process enqueues to the same Redis queue instead of running tasks in-process.
    saved = {k: app.conf[k] for k in ("task_always_eager", "task_default_queue")}
    app.conf.update(task_always_eager=False, task_default_queue=s.queue)
    yield s
    s.stop()
    app.conf.update(saved)


@pytest.fixture
def team(db):
    admin = MembershipFactory(access=Access.ADMIN)
    ws = admin.workspace
    owner = MembershipFactory(workspace=ws, access=Access.EDITOR)
    pm, pmm = MembershipFactory(workspace=ws), MembershipFactory(workspace=ws)
    for code, member in (("PM", pm), ("PMM", pmm)):
        hold(Role.objects.create(workspace=ws, code=code, name=code), member)
    cycle = launch_services.cycle_create(workspace=ws, quarter=f"{date.today().year + 1}-Q1")
    return {"ws": ws, "admin": admin, "owner": owner, "pm": pm, "pmm": pmm, "cycle": cycle}


def due_item(team):
    """Made directly, not by a service: nothing is told until the tick finds it due."""
    launch = Launch.objects.create(
        cycle=team["cycle"],
        name="Usage-based billing",
        pm_owner=team["pm"],
        pmm_owner=team["pmm"],
        launch_date=date.today() + timedelta(days=30),
    )
    return ReadinessItem.objects.create(
        launch=launch,
        key="pricing",
        title="Pricing",
        required=True,
        owner=team["owner"],
        due_date=timezone.localdate() + timedelta(days=1),
    )


def due_mails(smtp):
    return [m for m in smtp.messages if "Pricing for Usage-based billing is due" in m]


def test_a_due_item_makes_one_notification_and_one_email(stack, smtp, team):
    item = due_item(team)
    stack.start_worker()
    stack.start_beat()
    try:
        wait_for(lambda: due_mails(smtp), what="the reminder e-mail")
        time.sleep(4)  # several more ticks: each finds the item due again
    except AssertionError:
        raise AssertionError(stack.logs()) from None
    told = Notification.objects.filter(key__startswith=f"item_due:{item.pk}:")
    assert told.count() == 1 and told.get().user_id == team["owner"].user_id and told.get().emailed_at
    assert len(due_mails(smtp)) == 1
    assert team["owner"].user.email in due_mails(smtp)[0] and "http://lockstep.test/w/" in due_mails(smtp)[0]


def test_a_worker_killed_after_the_server_took_the_email_sends_no_second_after_restart(stack, smtp, team):
    """The send claimed the notification before speaking to the server: the redelivered
    task and the beat's ticks find the claim. (Before claims, the killed send rolled back
    and the redelivery sent the e-mail again.)"""
    smtp.stall.set()
    item = due_item(team)
    stack.start_worker()
    stack.start_beat()
    try:
        wait_for(smtp.stalled.is_set, what="the worker to start sending")
        stack.kill_worker()
        smtp.release.set()
        note = Notification.objects.get(key__startswith=f"item_due:{item.pk}:")
        assert note.emailed_at is None and note.email_claimed_at is not None and len(due_mails(smtp)) == 1
        stack.start_worker()
        # Redis hands the unacknowledged task to the new worker after the visibility timeout (6 s).
        time.sleep(12)
    except AssertionError as error:
        raise AssertionError(f"{error}\n{stack.logs()}") from None
    assert len(due_mails(smtp)) == 1
    assert Notification.objects.filter(key__startswith=f"item_due:{item.pk}:").count() == 1


def test_a_rolled_back_transaction_enqueues_nothing(stack, team):
    broker = redis.Redis.from_url(settings.REDIS_URL)
    launch = Launch.objects.create(cycle=team["cycle"], name="Billing", pm_owner=team["pm"], pmm_owner=team["pmm"])
    with pytest.raises(RuntimeError), transaction.atomic():
        launch_services.status_update(launch=launch, status="at_risk", note="Late", author=team["admin"])
        raise RuntimeError("the request failed after the write")
    assert broker.llen(stack.queue) == 0 and not Notification.objects.exists()
    # The same change committed does queue its e-mails: the check above can fail.
    launch_services.status_update(launch=launch, status="at_risk", note="Late", author=team["admin"])
    assert broker.llen(stack.queue) == 2


def test_a_failing_webhook_is_retried_then_shown_failed_to_admins(stack, team, client):
    receiver = Receiver(status=503)
    try:
        notify.webhook_save(workspace=team["ws"], url=receiver.url, active=True)
        launch = Launch.objects.create(cycle=team["cycle"], name="Billing", pm_owner=team["pm"], pmm_owner=team["pmm"])
        launch_services.status_update(launch=launch, status="off_track", note="Legal review", author=team["admin"])
        stack.start_worker()
        delivery = WebhookDelivery.objects.get()
        wait_for(lambda: WebhookDelivery.objects.get(pk=delivery.pk).status == "failed", what="the delivery to fail")
    except AssertionError as error:
        raise AssertionError(f"{error}\n{stack.logs()}") from None
    finally:
        receiver.close()
    delivery.refresh_from_db()
    # The first try and TASK_MAX_RETRIES=2 more, 1 s then 2 s apart.
    assert delivery.attempts == 3 and len(receiver.requests) == 3 and delivery.response_status == 503
    gaps = [b - a for a, b in zip(receiver.times, receiver.times[1:])]
    assert gaps[0] >= 0.9 and gaps[1] >= 1.9
    client.force_login(team["admin"].user)
    page = client.get(reverse("notifications:webhook", args=[team["ws"].slug])).content.decode()
    assert "Failed" in page and "503" in page and "Billing is off track" in page
