"""E-mail for notifications: one at a time, or a digest per person per day or week.

Each send holds the notification's (or the digest's) row lock from the check to the mark,
so two deliveries of the same task send one e-mail; a worker killed before the mark rolls
the transaction back and the redelivered task sends it.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from core.links import absolute
from notifications.models import (
    DigestRun,
    DigestSchedule,
    EmailMode,
    Notification,
    NotificationSettings,
)
from notifications.selectors import still_member


@transaction.atomic
def email_notification(notification_id: int) -> bool:
    """Send the notification's e-mail unless it was sent already. True if sent now."""
    n = (
        Notification.objects.select_for_update(of=("self",))
        .select_related("user", "workspace")
        .filter(still_member(), pk=notification_id)  # checked when sent: a former member hears nothing
        .first()
    )
    if n is None or n.email != EmailMode.NOW or n.emailed_at or n.email_failed_at or not n.user.email:
        return False
    context = {
        "n": n,
        "link": absolute(n.url) if n.url else "",
        "settings_link": absolute(reverse("notifications:notification_settings")),
    }
    send_mail(
        subject=f"[{n.workspace.name}] {n.title}",
        message=render_to_string("notifications/email/notification.txt", context),
        from_email=None,
        recipient_list=[n.user.email],
    )
    n.emailed_at = timezone.now()
    n.save(update_fields=["emailed_at"])
    return True


def email_failed(notification_id: int) -> None:
    Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(email_failed_at=timezone.now())


def digest_period(schedule: str, now: datetime) -> str | None:
    """The digest period a person is due for at `now`, or None before the morning send.

    Daily digests go out at DIGEST_HOUR; weekly ones at that hour on Monday. A missed send
    goes out on the next tick of the same period, never twice."""
    local = timezone.localtime(now)
    if schedule == DigestSchedule.WEEKLY:
        year, week, weekday = local.isocalendar()
        if weekday == 1 and local.hour < settings.DIGEST_HOUR:
            return None
        return f"weekly:{year}-W{week:02d}"
    if local.hour < settings.DIGEST_HOUR:
        return None
    return f"daily:{local.date().isoformat()}"


def digests_due(now: datetime) -> list[tuple[int, str]]:
    """(user id, period) of everyone with digest notifications waiting whose digest is due."""
    waiting = set(
        Notification.objects.filter(
            still_member(), email=EmailMode.DIGEST, emailed_at__isnull=True, email_failed_at__isnull=True
        )
        .values_list("user_id", flat=True)
        .distinct()
    )
    if not waiting:
        return []
    schedules = dict(NotificationSettings.objects.filter(user_id__in=waiting).values_list("user_id", "digest"))
    due = {uid: digest_period(schedules.get(uid, DigestSchedule.DAILY), now) for uid in waiting}
    sent = set(
        DigestRun.objects.filter(
            user_id__in=waiting, period__in={p for p in due.values() if p}, sent_at__isnull=False
        ).values_list("user_id", "period")
    )
    return sorted((uid, period) for uid, period in due.items() if period and (uid, period) not in sent)


DIGEST_MAX_ITEMS = 200


@transaction.atomic
def send_digest(user_id: int, period: str) -> int:
    """Send the person's digest for the period, once. Returns how many notifications it held."""
    run, _ = DigestRun.objects.get_or_create(user_id=user_id, period=period)
    run = DigestRun.objects.select_for_update().select_related("user").get(pk=run.pk)
    if run.sent_at or not run.user.email:
        return 0
    waiting = list(
        Notification.objects.select_for_update(of=("self",))
        .select_related("workspace")
        .filter(
            still_member(),
            user_id=user_id,
            email=EmailMode.DIGEST,
            emailed_at__isnull=True,
            email_failed_at__isnull=True,
        )
        .order_by("workspace__name", "created_at", "id")[:DIGEST_MAX_ITEMS]
    )
    if not waiting:
        return 0
    kind = "weekly" if period.startswith("weekly") else "daily"
    context = {
        "user": run.user,
        "items": [(n, absolute(n.url) if n.url else "") for n in waiting],
        "kind": kind,
        "settings_link": absolute(reverse("notifications:notification_settings")),
    }
    send_mail(
        subject=f"Your {kind} Lockstep digest: {len(waiting)} update{'s' if len(waiting) != 1 else ''}",
        message=render_to_string("notifications/email/digest.txt", context),
        from_email=None,
        recipient_list=[run.user.email],
    )
    now = timezone.now()
    Notification.objects.filter(pk__in=[n.pk for n in waiting]).update(emailed_at=now)
    run.sent_at, run.items = now, len(waiting)
    run.save(update_fields=["sent_at", "items"])
    return len(waiting)
