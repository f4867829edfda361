"""Background work for matrices. Tasks take ids, load, and call a service; they are
enqueued after commit (`delay_on_commit`) and safe to run twice."""

import logging
from datetime import timedelta

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.utils import timezone

from core.ceilings import MB, memory_ceiling
from notifications.tasks import (
    LOST_AFTER,
    deliver_due_webhooks,
    housekeeping,
    send_notification_email,
)
from raci.importing import import_apply, import_fail, import_parse, imports_stalled_fail
from raci.models import MatrixImport

log = logging.getLogger(__name__)


# Each import task runs under a time limit (a soft one that fails the job with a message,
# and a hard one a minute later that kills the child) and, in a worker, a memory ceiling.
IMPORT_SECONDS = settings.IMPORT_TIME_LIMIT_SECONDS


def too_slow() -> str:
    return f"The file took longer than {IMPORT_SECONDS} seconds, the most an import may take; nothing was saved."


def too_big() -> str:
    return (
        f"The file needed more than {settings.IMPORT_MEMORY_LIMIT_MB} MB of memory, the most an import may use; "
        "nothing was saved."
    )


def _run_bounded(task, job, work, failure_prefix: str) -> None:
    """Run `work(job)` within the import's limits; any failure marks the job failed."""
    ceiling = 0 if task.request.is_eager else settings.IMPORT_MEMORY_LIMIT_MB * MB
    reason = ""
    try:
        with memory_ceiling(ceiling):
            work(job)
    except MemoryError:
        # Set here, written below: the traceback (and what the file filled memory with) is
        # only let go once this block is left.
        reason = too_big()
    except SoftTimeLimitExceeded:
        reason = too_slow()
    except Exception as exc:
        log.exception("import %s failed", job.pk)
        reason = f"{failure_prefix}{exc}"
    if reason:
        log.warning("import %s failed: %s", job.pk, reason)
        import_fail(job, reason)


@shared_task(bind=True, acks_late=True, time_limit=IMPORT_SECONDS + 60, soft_time_limit=IMPORT_SECONDS)
def parse_import(self, import_id: int) -> None:
    job = MatrixImport.objects.filter(pk=import_id, status=MatrixImport.Status.PARSING).first()
    if job is None:  # already parsed: a second delivery does nothing
        return
    _run_bounded(self, job, import_parse, "The file could not be read: ")


@shared_task(bind=True, acks_late=True, time_limit=IMPORT_SECONDS + 60, soft_time_limit=IMPORT_SECONDS)
def apply_import(self, import_id: int) -> None:
    job = (
        MatrixImport.objects.filter(pk=import_id, status=MatrixImport.Status.SAVING)
        .select_related("workspace", "created_by")
        .first()
    )
    if job is None:  # already saved, or never confirmed
        return
    _run_bounded(self, job, import_apply, "Nothing was saved: ")


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
        "imports_stalled": imports_stalled_fail(now=now),
    }
