"""E-mail for notifications: one at a time, or a digest per person per day or week.

Each send claims its row before the mail server is spoken to: under the row's lock it
checks that nothing sent or claimed it, sets the claim with a conditional UPDATE and
commits. Only then is the mail handed to SMTP, and the row is marked sent after. So two
deliveries of the same task, or a redelivery and the tick's safety net, send one e-mail: the
second finds the claim. A worker killed after the server took the mail but before the mark
leaves the claim, and nothing sends it again (an e-mail is at most once: a worker killed
before the server answered loses that one). A send the server refuses releases its claim,
so the retry sends it.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
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


def _notification_claim(notification_id: int) -> Notification | None:
    """The notification, claimed for sending by this call (committed), or None when it is
    not to be sent: sent, claimed, given up, not by e-mail, or its person left."""
    with transaction.atomic():
        n = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("user", "workspace")
            .filter(still_member(), pk=notification_id)  # checked when sent: a former member hears nothing
            .first()
        )
        if n is None or n.email != EmailMode.NOW or n.emailed_at or n.email_failed_at or not n.user.email:
            return None
        # Conditional, so that a database without row locks (SQLite) lets one claim through too.
        now = timezone.now()
        claimed = Notification.objects.filter(pk=n.pk, email_claimed_at__isnull=True, emailed_at__isnull=True).update(
            email_claimed_at=now
        )
        if not claimed:
            return None
        n.email_claimed_at = now
        return n


def email_notification(notification_id: int) -> bool:
    """Send the notification's e-mail unless it was sent (or claimed) already. True if sent now."""
    n = _notification_claim(notification_id)
    if n is None:
        return False
    context = {
        "n": n,
        "link": absolute(n.url) if n.url else "",
        "settings_link": absolute(reverse("notifications:notification_settings")),
    }
    try:
        send_mail(
            subject=f"[{n.workspace.name}] {n.title}",
            message=render_to_string("notifications/email/notification.txt", context),
            from_email=None,
            recipient_list=[n.user.email],
        )
    except Exception:
        # Refused or unreachable: not sent, so the retry may claim it again.
        Notification.objects.filter(pk=n.pk, emailed_at__isnull=True).update(email_claimed_at=None)
        raise
    Notification.objects.filter(pk=n.pk).update(emailed_at=timezone.now())
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
            still_member(),
            email=EmailMode.DIGEST,
            emailed_at__isnull=True,
            email_failed_at__isnull=True,
            email_claimed_at__isnull=True,
        )
        .values_list("user_id", flat=True)
        .distinct()
    )
    if not waiting:
        return []
    schedules = dict(NotificationSettings.objects.filter(user_id__in=waiting).values_list("user_id", "digest"))
    due = {uid: digest_period(schedules.get(uid, DigestSchedule.DAILY), now) for uid in waiting}
    runs = DigestRun.objects.filter(user_id__in=waiting, period__in={p for p in due.values() if p})
    done = set(runs.filter(Q(sent_at__isnull=False) | Q(claimed_at__isnull=False)).values_list("user_id", "period"))
    return sorted((uid, period) for uid, period in due.items() if period and (uid, period) not in done)


DIGEST_MAX_ITEMS = 200


def _digest_claim(user_id: int, period: str) -> tuple[DigestRun, list[Notification]] | None:
    """The period's run and its notifications, claimed for sending (committed), or None."""
    with transaction.atomic():
        run, _ = DigestRun.objects.get_or_create(user_id=user_id, period=period)
        run = DigestRun.objects.select_for_update().select_related("user").get(pk=run.pk)
        if run.sent_at or run.claimed_at or not run.user.email:
            return None
        waiting = list(
            Notification.objects.select_for_update(of=("self",))
            .select_related("workspace")
            .filter(
                still_member(),
                user_id=user_id,
                email=EmailMode.DIGEST,
                emailed_at__isnull=True,
                email_failed_at__isnull=True,
                email_claimed_at__isnull=True,
            )
            .order_by("workspace__name", "created_at", "id")[:DIGEST_MAX_ITEMS]
        )
        if not waiting:
            return None
        now = timezone.now()
        if not DigestRun.objects.filter(pk=run.pk, claimed_at__isnull=True, sent_at__isnull=True).update(
            claimed_at=now
        ):
            return None
        Notification.objects.filter(pk__in=[n.pk for n in waiting]).update(email_claimed_at=now)
        return run, waiting


def send_digest(user_id: int, period: str) -> int:
    """Send the person's digest for the period, once. Returns how many notifications it held."""
    claimed = _digest_claim(user_id, period)
    if claimed is None:
        return 0
    run, waiting = claimed
    ids = [n.pk for n in waiting]
    kind = "weekly" if period.startswith("weekly") else "daily"
    context = {
        "user": run.user,
        "items": [(n, absolute(n.url) if n.url else "") for n in waiting],
        "kind": kind,
        "settings_link": absolute(reverse("notifications:notification_settings")),
    }
    try:
        send_mail(
            subject=f"Your {kind} Lockstep digest: {len(waiting)} update{'s' if len(waiting) != 1 else ''}",
            message=render_to_string("notifications/email/digest.txt", context),
            from_email=None,
            recipient_list=[run.user.email],
        )
    except Exception:
        with transaction.atomic():  # not sent: the retry may claim them again
            DigestRun.objects.filter(pk=run.pk, sent_at__isnull=True).update(claimed_at=None)
            Notification.objects.filter(pk__in=ids, emailed_at__isnull=True).update(email_claimed_at=None)
        raise
    now = timezone.now()
    with transaction.atomic():
        Notification.objects.filter(pk__in=ids).update(emailed_at=now)
        DigestRun.objects.filter(pk=run.pk).update(sent_at=now, items=len(waiting))
    return len(waiting)
