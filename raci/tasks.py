"""Background work for matrices. Tasks take ids, load, and call a service; they are
enqueued after commit (`delay_on_commit`) and safe to run twice."""

import logging
from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from notifications.tasks import (
    LOST_AFTER,
    deliver_due_webhooks,
    housekeeping,
    send_notification_email,
)
from raci.models import MatrixImport

log = logging.getLogger(__name__)


@shared_task(acks_late=True, time_limit=300, soft_time_limit=240)
def parse_import(import_id: int) -> None:
    from raci.importing import import_fail, import_parse

    job = MatrixImport.objects.filter(pk=import_id, status=MatrixImport.Status.PARSING).first()
    if job is None:  # already parsed: a second delivery does nothing
        return
    try:
        import_parse(job)
    except Exception as exc:
        log.exception("parsing import %s failed", import_id)
        import_fail(job, f"The file could not be read: {exc}")


@shared_task(acks_late=True, time_limit=600, soft_time_limit=540)
def apply_import(import_id: int) -> None:
    from raci.importing import import_apply, import_fail

    job = (
        MatrixImport.objects.filter(pk=import_id, status=MatrixImport.Status.SAVING)
        .select_related("workspace", "created_by")
        .first()
    )
    if job is None:  # already saved, or never confirmed
        return
    try:
        import_apply(job)
    except Exception as exc:
        log.exception("import %s failed", import_id)
        import_fail(job, f"Nothing was saved: {exc}")


# --- notifications -----------------------------------------------------------------------
#
# Mail and webhooks retry with exponential backoff (TASK_RETRY_BASE_SECONDS * 2**n, at most
# TASK_MAX_RETRIES times); settings check that the broker's visibility timeout outlasts the
# longest countdown, so a waiting retry is never delivered twice.


@shared_task(acks_late=True, time_limit=240, soft_time_limit=200)
def notifications_tick() -> dict:
    from notifications.models import EmailMode, Notification
    from raci.reminders import letters_tick, reviews_tick

    now = timezone.now()
    letters = letters_tick()
    reviews = reviews_tick()
    lost = list(
        Notification.objects.filter(
            email=EmailMode.NOW,
            emailed_at__isnull=True,
            email_failed_at__isnull=True,
            email_claimed_at__isnull=True,  # claimed: sent, or lost with its worker; never twice
            created_at__lt=now - LOST_AFTER,
            created_at__gt=now - timedelta(days=2),
        ).values_list("pk", flat=True)[:500]
    )
    for pk in lost:
        send_notification_email.delay(pk)
    return {
        "letters": letters,
        "reviews": reviews,
        "requeued": len(lost),
        "webhooks": deliver_due_webhooks(now),
        "removed": housekeeping(now),
    }
