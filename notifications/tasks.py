"""Sending: e-mails, digests and webhook deliveries, retried with backoff; housekeeping."""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

log = logging.getLogger(__name__)


def backoff(retries: int) -> int:
    return settings.TASK_RETRY_BASE_SECONDS * 2**retries


def _retry_or_give_up(task, exc: Exception, give_up) -> None:
    if task.request.retries < settings.TASK_MAX_RETRIES and not task.request.is_eager:
        raise task.retry(exc=exc, countdown=backoff(task.request.retries))
    give_up()


class DeliveryFailed(Exception):
    pass


@shared_task(bind=True, acks_late=True, max_retries=None, time_limit=60, soft_time_limit=45)
def send_notification_email(self, notification_id: int) -> bool:
    from notifications.mailing import email_failed, email_notification

    try:
        return email_notification(notification_id)
    except Exception as exc:
        log.warning("e-mail for notification %s failed: %s", notification_id, exc)
        _retry_or_give_up(self, exc, lambda: email_failed(notification_id))
        return False


@shared_task(bind=True, acks_late=True, max_retries=None, time_limit=60, soft_time_limit=45)
def deliver_webhook(self, delivery_id: int) -> bool:
    """Try once. On failure a worker retries with backoff; without one the delivery says
    when to try next and the tick does (`deliver_due_webhooks`); after the last, failed."""
    from notifications.models import WebhookDelivery
    from notifications.webhooks import Wait, attempt, give_up, try_again_in

    error = attempt(delivery_id)
    if error is None:
        return True
    log.warning("webhook delivery %s failed: %s", delivery_id, error)
    if isinstance(error, Wait):
        # Slack or Teams said 429: the delivery waits for Retry-After (its next try is set).
        if not self.request.is_eager:
            raise self.retry(exc=DeliveryFailed(error), countdown=error.seconds)
        return False
    row = WebhookDelivery.objects.filter(pk=delivery_id).values_list("attempts", "status").first()
    if row is None or row[1] != WebhookDelivery.Status.PENDING:
        return False  # finished for good (a destination gone, a message that cannot be built)
    tries = row[0]
    if tries > settings.TASK_MAX_RETRIES:
        give_up(delivery_id)
    elif self.request.is_eager:
        try_again_in(delivery_id, backoff(tries - 1))
    else:
        # If this retry's message were lost, the tick would send it a while after it was due.
        try_again_in(delivery_id, backoff(tries - 1) + int(LOST_AFTER.total_seconds()))
        raise self.retry(exc=DeliveryFailed(error), countdown=backoff(tries - 1))
    return False


def deliver_due_webhooks(now) -> int:
    """Deliveries whose time has come: every try without a worker; with one, only those
    whose message went missing."""
    from notifications.models import WebhookDelivery
    from notifications.notify import in_process

    due = WebhookDelivery.objects.filter(
        status=WebhookDelivery.Status.PENDING,
        webhook__active=True,
        webhook__stopped_at__isnull=True,
        next_attempt_at__lte=now if in_process() else now - LOST_AFTER,
    )
    ids = list(due.order_by("next_attempt_at").values_list("pk", flat=True)[:100])
    for pk in ids:
        deliver_webhook.delay(pk)
    return len(ids)


@shared_task(bind=True, acks_late=True, max_retries=None, time_limit=300, soft_time_limit=240)
def send_digest(self, user_id: int, period: str) -> int:
    from notifications.mailing import send_digest as send

    try:
        return send(user_id, period)
    except Exception as exc:
        log.warning("digest %s for user %s failed: %s", period, user_id, exc)
        _retry_or_give_up(self, exc, lambda: None)
        return 0


# How long a queued e-mail may wait before the tick assumes its message was lost (a broker
# restart without persistence) and queues it again; sending twice is prevented by the claim
# (notifications.mailing): a row claimed by a worker that died is not queued again.
LOST_AFTER = timedelta(minutes=15)


# Read notifications and old delivery records are kept this long. Event keys outlive every
# tick's look-back (30 days), so dropping older ones cannot make anything be told twice.
KEEP_READ = timedelta(days=180)


KEEP_EVENTS = timedelta(days=90)


def housekeeping(now) -> int:
    from notifications.models import Notification, NotificationEvent, WebhookDelivery

    removed = Notification.objects.filter(read_at__lt=now - KEEP_READ).delete()[0]
    removed += NotificationEvent.objects.filter(created_at__lt=now - KEEP_EVENTS).delete()[0]
    removed += WebhookDelivery.objects.filter(created_at__lt=now - KEEP_EVENTS).exclude(status="pending").delete()[0]
    return removed


@shared_task(acks_late=True, time_limit=120, soft_time_limit=100)
def digests_tick() -> int:
    from notifications.mailing import digests_due

    due = digests_due(timezone.now())
    for user_id, period in due:
        send_digest.delay(user_id, period)
    return len(due)


@shared_task(acks_late=True, time_limit=300, soft_time_limit=240)
def channel_digests_tick() -> int:
    """The weekly digest to each channel that takes it, on its workspace's day and hour."""
    from notifications.channel_digest import digests_due

    return digests_due(timezone.now())
