"""Notifications, each person's choices, digests and the workspace's webhook."""

from django.conf import settings
from django.db import models

from workspaces.models import Workspace


class NotificationKind(models.TextChoices):
    LETTERS = "letters", "Letters change on an activity where your role is Accountable or Informed"
    ITEM_ASSIGNED = "item_assigned", "A readiness item is assigned to you"
    ITEM_DUE = "item_due", "Your readiness item is due in 2 days"
    ITEM_OVERDUE = "item_overdue", "Your readiness item is overdue"
    LAUNCH_STATUS = "launch_status", "A launch you own changes status"
    LAUNCH_TIER = "launch_tier", "A launch you own changes tier"
    GO_DECISION = "go_decision", "Go or no-go is recorded on a launch you own"
    DECISION_REVIEW = "decision_review", "A decision you made or whose matrix you own reaches its review date"
    MATRIX_REVIEW = "matrix_review", "A matrix you own passes its review date"
    RITUAL_SOON = "ritual_soon", "A ritual you own or attend meets tomorrow"
    READOUT_DUE = "readout_due", "A launch you own is 30 days out: record its day-30 readout"
    WORKSHOP_INVITED = "workshop_invited", "You are invited to a Roles & Responsibilities workshop"
    WORKSHOP_REVEALED = "workshop_revealed", "A workshop you take part in reveals its proposals"
    ROLE_UNHELD = "role_unheld", "Readiness items wait for a role nobody holds (to admins and the launch's owners)"
    HANDOVER = "handover", "A launch is handed over to you, or the hand-over you made is accepted"
    BATON_DROPPED = "baton_dropped", "A hand-over you made or were given is not accepted in time (a dropped baton)"
    CHECKPOINT = "checkpoint", "An owner of your launch answers its joint checkpoint"
    CHANNEL_STOPPED = "channel_stopped", "A Slack or Teams channel says it is gone for good (to admins)"


class EmailMode(models.TextChoices):
    NOW = "now", "E-mail me at once"
    DIGEST = "digest", "Put it in my digest"
    OFF = "off", "No e-mail"


class NotificationEvent(models.Model):
    """Something worth telling, once: its key ("item_due:42:2026-12-01") is stored before
    anyone is told, so a tick or a task that runs twice tells nobody twice."""

    key = models.CharField(max_length=200, unique=True)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "raci_notificationevent"  # kept from before the app split


class Notification(models.Model):
    """One thing one person should hear about. `key` makes creating it idempotent: a tick
    or a task that runs twice finds the row it made the first time."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    key = models.CharField(max_length=200)
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True, max_length=4000)
    url = models.CharField(max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    in_app = models.BooleanField(default=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email = models.CharField(max_length=6, choices=EmailMode.choices, default=EmailMode.NOW)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # Set when sending kept failing after every retry: the sweep stops trying.
    email_failed_at = models.DateTimeField(null=True, blank=True)
    # Set, and committed, before the mail server is spoken to: a send that finds it set does
    # nothing, so a worker killed between the server's answer and `emailed_at` (or a second
    # delivery of the task, or the tick's safety net) never sends the e-mail twice.
    email_claimed_at = models.DateTimeField(null=True, blank=True)

    SHORT = {
        "letters": "Letters",
        "item_assigned": "Assigned to you",
        "item_due": "Due soon",
        "item_overdue": "Overdue",
        "launch_status": "Launch status",
        "launch_tier": "Tier",
        "go_decision": "Go/no-go",
        "decision_review": "Decision review",
        "matrix_review": "Matrix review",
        "ritual_soon": "Meeting tomorrow",
        "readout_due": "Day-30 readout",
        "workshop_invited": "Workshop",
        "workshop_revealed": "Workshop reveal",
        "role_unheld": "Nobody holds the role",
        "handover": "Hand-over",
        "baton_dropped": "Dropped baton",
        "checkpoint": "Joint checkpoint",
        "channel_stopped": "Channel stopped",
    }

    class Meta:
        db_table = "raci_notification"  # kept from before the app split
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notification_once_per_key")]
        indexes = [models.Index(fields=["user", "in_app", "read_at"], name="notification_unread")]
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title

    @property
    def kind_label(self) -> str:
        return self.SHORT.get(self.kind, self.kind)


class NotificationPreference(models.Model):
    """A person's choice for one kind; without a row, the kind's default applies."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_prefs")
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    in_app = models.BooleanField(default=True)
    email = models.CharField(max_length=6, choices=EmailMode.choices, default=EmailMode.NOW)

    class Meta:
        db_table = "raci_notificationpreference"  # kept from before the app split
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")]


class DigestSchedule(models.TextChoices):
    DAILY = "daily", "Daily, in the morning"
    WEEKLY = "weekly", "Weekly, on Monday morning"


class NotificationSettings(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings"
    )
    digest = models.CharField(max_length=6, choices=DigestSchedule.choices, default=DigestSchedule.DAILY)

    class Meta:
        db_table = "raci_notificationsettings"  # kept from before the app split


class DigestRun(models.Model):
    """One digest e-mail per person per period ("daily:2026-11-23", "weekly:2026-W48")."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=20)
    sent_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)  # committed before sending, as Notification's
    items = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "raci_digestrun"  # kept from before the app split
        constraints = [models.UniqueConstraint(fields=["user", "period"], name="one_digest_per_period")]


def _webhook_secret() -> str:
    import secrets

    return secrets.token_urlsafe(32)


class Webhook(models.Model):
    """A place the workspace's events go, of one kind:

    - `json`: the workspace's signed webhook (at most one): every event POSTed as JSON and
      signed with HMAC-SHA256 over the timestamp and the body (and, for a while after a new
      secret, with the previous one too);
    - `slack`: a Slack incoming webhook (bound to one channel), sent Block Kit;
    - `teams`: a Microsoft Teams Workflows webhook, sent an Adaptive Card.

    Slack and Teams destinations are routed (`notifications.routing`): the kinds of event,
    matrices, launch tiers and cycles each takes, empty meaning all."""

    class Kind(models.TextChoices):
        JSON = "json", "Signed JSON webhook"
        SLACK = "slack", "Slack"
        TEAMS = "teams", "Microsoft Teams"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="webhooks")
    kind = models.CharField(max_length=5, choices=Kind.choices, default=Kind.JSON)
    name = models.CharField(max_length=80, blank=True)
    url = models.URLField(max_length=500)
    secret = models.CharField(max_length=64, default=_webhook_secret)
    # The secret before the last new one, still signing (a second signature) until `previous_until`.
    previous_secret = models.CharField(max_length=64, blank=True)
    previous_until = models.DateTimeField(null=True, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Routing of a chat destination; each list empty means "all".
    event_kinds = models.JSONField(default=list, blank=True)
    matrices = models.JSONField(default=list, blank=True)  # matrix ids
    tiers = models.JSONField(default=list, blank=True)  # launch tiers, 1 to 3
    cycles = models.JSONField(default=list, blank=True)  # launch cycle ids
    # Only the launches that pick this destination as their own channel reach it.
    chosen_only = models.BooleanField(default=False)
    # The weekly digest goes here too (on the workspace's day and hour).
    digest = models.BooleanField(default=False)
    # Set when the service said the destination is gone for good: it is no longer tried.
    stopped_at = models.DateTimeField(null=True, blank=True)
    stopped_reason = models.CharField(max_length=300, blank=True)
    # Set from a 429's Retry-After: nothing is sent to it before then.
    paused_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "raci_webhook"  # kept from before the app split
        constraints = [
            models.UniqueConstraint(
                fields=["workspace"], condition=models.Q(kind="json"), name="one_json_webhook_per_workspace"
            )
        ]
        ordering = ["kind", "name", "pk"]

    def __str__(self):
        return self.name or self.get_kind_display()

    @property
    def is_chat(self) -> bool:
        return self.kind != self.Kind.JSON

    @property
    def host(self) -> str:
        from urllib.parse import urlsplit

        return urlsplit(self.url).hostname or ""

    def previous_secret_at(self, moment) -> str:
        """The old secret while it still signs at `moment`, else ""."""
        return self.previous_secret if self.previous_until and moment < self.previous_until else ""


class WebhookDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Delivered"
        FAILED = "failed", "Failed"

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    key = models.CharField(max_length=200)
    kind = models.CharField(max_length=20)
    payload = models.JSONField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Without a broker, the tick makes the tries (and the retries) when this comes.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # A chat delivery still gathering a burst ("matrix:12"): events of the same group that
    # come before it is first tried join its payload's events instead of making their own.
    group = models.CharField(max_length=60, blank=True)

    class Meta:
        db_table = "raci_webhookdelivery"  # kept from before the app split
        constraints = [models.UniqueConstraint(fields=["webhook", "key"], name="webhook_delivery_once_per_key")]
        ordering = ["-created_at", "-id"]


class ChannelDigestSchedule(models.Model):
    """When the weekly digest goes to the workspace's channels: a weekday (0 is Monday) and
    an hour, in the workspace's time zone."""

    workspace = models.OneToOneField(Workspace, on_delete=models.CASCADE, related_name="channel_digest")
    weekday = models.PositiveSmallIntegerField(default=0)
    hour = models.PositiveSmallIntegerField(default=9)
