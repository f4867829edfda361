"""An e-mail goes out at most once: a send claims its row (committed) before speaking to
the mail server, so a worker that dies after the server took the mail, a second delivery
of the same task and the tick's safety net find the claim and send nothing."""

import smtplib
import threading

import pytest
import time_machine
from django.core import mail
from django.db import connections, transaction

from notifications import mailing, notify
from notifications.models import DigestRun, EmailMode, Notification
from raci import tasks as raci_tasks
from tests.factories import MembershipFactory


class WorkerDied(BaseException):
    """What `kill -9` looks like from inside: nothing after it runs, no handler sees it."""


def notification(member, *, key="claim:1", email=EmailMode.NOW):
    with transaction.atomic():
        [pk] = notify.emit(
            notify.Event(
                workspace_id=member.workspace_id,
                workspace_slug=member.workspace.slug,
                kind="matrix_review",
                key=key,
                title="Review the matrix",
            ),
            recipients={member.user_id},
        )
    # Made without sending (the commit hooks of the test's transaction never run): the
    # sends below are the only ones.
    Notification.objects.filter(pk=pk).update(email=email)
    return pk


def dies_after_sending(monkeypatch):
    """send_mail hands the mail to the server, then the worker dies before marking it."""
    real = mailing.send_mail

    def send_then_die(**kwargs):
        real(**kwargs)
        raise WorkerDied

    monkeypatch.setattr(mailing, "send_mail", send_then_die)
    return lambda: monkeypatch.setattr(mailing, "send_mail", real)


@pytest.mark.django_db
def test_a_worker_killed_after_the_server_took_the_mail_and_the_tick_send_it_once(monkeypatch):
    member = MembershipFactory()
    with time_machine.travel("2026-11-23 09:00Z", tick=False):
        pk = notification(member)
        revive = dies_after_sending(monkeypatch)
        with pytest.raises(WorkerDied):
            mailing.email_notification(pk)
        revive()
    assert len(mail.outbox) == 1
    # The redelivered task, then the tick's safety net 20 minutes on.
    mailing.email_notification(pk)
    with time_machine.travel("2026-11-23 09:20Z", tick=False):
        raci_tasks.notifications_tick.delay().get()
    assert len(mail.outbox) == 1
    claimed = Notification.objects.get(pk=pk)
    assert claimed.email_claimed_at is not None and claimed.emailed_at is None


@pytest.mark.django_db(transaction=True)
def test_two_sends_of_the_same_row_at_once_send_one_mail(monkeypatch):
    member = MembershipFactory()
    pk = notification(member)
    # Here the emit's commit did send it: made unsent again, the two sends below are the only ones.
    Notification.objects.filter(pk=pk).update(emailed_at=None, email_claimed_at=None)
    mail.outbox.clear()
    real = mailing.send_mail
    first_is_sending, second_is_done = threading.Event(), threading.Event()
    results, errors = {}, []

    def slow_send(**kwargs):
        first_is_sending.set()
        second_is_done.wait(10)  # the second send runs while the first talks to the server
        real(**kwargs)

    monkeypatch.setattr(mailing, "send_mail", slow_send)

    def send(name, after=None):
        try:
            if after:
                after.wait(10)
            results[name] = mailing.email_notification(pk)
        except Exception as exc:  # reported below: a thread's failure must fail the test
            errors.append(repr(exc))
        finally:
            if name == "second":
                second_is_done.set()
            connections.close_all()

    threads = [
        threading.Thread(target=send, args=("first",)),
        threading.Thread(target=send, args=("second", first_is_sending)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert errors == []
    assert results == {"first": True, "second": False}
    assert len(mail.outbox) == 1 and Notification.objects.get(pk=pk).emailed_at is not None


@pytest.mark.django_db
def test_a_send_the_server_refuses_is_released_and_the_retry_sends_it_once(monkeypatch):
    member = MembershipFactory()
    pk = notification(member)
    real = mailing.send_mail

    def refuse(**kwargs):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(mailing, "send_mail", refuse)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        mailing.email_notification(pk)
    assert Notification.objects.get(pk=pk).email_claimed_at is None
    monkeypatch.setattr(mailing, "send_mail", real)
    assert mailing.email_notification(pk) is True
    assert mailing.email_notification(pk) is False
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_former_member_is_still_sent_nothing():
    member = MembershipFactory()
    pk = notification(member)
    member.delete()
    assert mailing.email_notification(pk) is False
    assert mail.outbox == [] and Notification.objects.get(pk=pk).email_claimed_at is None


@pytest.mark.django_db
def test_a_digest_whose_worker_died_after_sending_is_not_sent_again(monkeypatch):
    member = MembershipFactory()
    with time_machine.travel("2026-11-23 09:00Z", tick=False):
        notification(member, key="claim:d1", email=EmailMode.DIGEST)
        notification(member, key="claim:d2", email=EmailMode.DIGEST)
        assert mailing.digests_due(mailing.timezone.now()) == [(member.user_id, "daily:2026-11-23")]
        revive = dies_after_sending(monkeypatch)
        with pytest.raises(WorkerDied):
            mailing.send_digest(member.user_id, "daily:2026-11-23")
        revive()
        assert len(mail.outbox) == 1 and "2 updates" in mail.outbox[0].subject
        assert mailing.digests_due(mailing.timezone.now()) == []
        assert mailing.send_digest(member.user_id, "daily:2026-11-23") == 0
    with time_machine.travel("2026-11-24 09:00Z", tick=False):
        # Tomorrow's digest does not carry them again either.
        assert mailing.digests_due(mailing.timezone.now()) == []
    assert len(mail.outbox) == 1
    assert DigestRun.objects.get(user=member.user).claimed_at is not None
