"""Workspaces, roles and the RACI matrix, with templates and the change log.

A cell is one row per (activity, role) pair that has ever held letters: clearing it sets
the value empty and keeps the row, so its version keeps counting.
"""

from datetime import date, timedelta
from zoneinfo import ZoneInfo, available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from .phases import PHASES
from .rules import DISPLAY, RuleSettings

NAME_MAX = 200
CODE_MAX = 12


class Access(models.TextChoices):
    VIEWER = "viewer", "Viewer"
    EDITOR = "editor", "Editor"
    ADMIN = "admin", "Admin"


TIME_ZONE_MAX = 64


def validate_time_zone(value: str) -> None:
    if value not in available_timezones():
        raise ValidationError(f"“{value}” is not a time zone; pick one such as Europe/Paris.", code="time_zone")


class Workspace(models.Model):
    name = models.CharField(max_length=NAME_MAX)
    slug = models.SlugField(max_length=60, unique=True)
    # The zone ritual times are given in ("10:00" is 10:00 in Paris); IANA names only.
    time_zone = models.CharField(max_length=TIME_ZONE_MAX, default="UTC", validators=[validate_time_zone])
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.name

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def today(self) -> date:
        """The date where the team is: what is due, past or coming is counted from it."""
        from django.utils import timezone

        return timezone.localdate(timezone=self.zone)


class Membership(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    access = models.CharField(max_length=10, choices=Access.choices, default=Access.EDITOR)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workspace", "user"], name="one_membership_per_user")]

    def __str__(self):
        return f"{self.user} in {self.workspace}"

    @property
    def can_edit(self) -> bool:
        return self.access in (Access.EDITOR, Access.ADMIN)

    @property
    def is_admin(self) -> bool:
        return self.access == Access.ADMIN

    @property
    def display_name(self) -> str:
        return self.user.get_full_name() or self.user.username


class Role(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="roles")
    name = models.CharField(max_length=NAME_MAX)
    code = models.CharField(max_length=CODE_MAX)
    description = models.TextField(blank=True, max_length=2000)
    # Counts edits, so that two people editing the role at once cannot overwrite each other.
    version = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "code"], name="role_code_unique_in_workspace"),
            models.UniqueConstraint(fields=["workspace", "name"], name="role_name_unique_in_workspace"),
        ]
        ordering = ["code"]

    def __str__(self):
        return self.code


class RoleHolder(models.Model):
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="holders")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="held_roles")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["role", "membership"], name="hold_role_once")]


class Matrix(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="matrices")
    name = models.CharField(max_length=NAME_MAX)
    slug = models.SlugField(max_length=60)
    description = models.TextField(blank=True, max_length=2000)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The sequence number of the latest ChangeEvent: "changes since N" reads it, and
    # bumping it takes the lock that orders every write to the matrix.
    last_seq = models.PositiveBigIntegerField(default=0)
    # The last change event whose letters people have been told about (the notifications tick).
    notified_seq = models.PositiveBigIntegerField(default=0)
    max_responsible = models.PositiveSmallIntegerField(default=3)
    max_consulted = models.PositiveSmallIntegerField(default=4)
    # overloaded-role: a role holding A on more than `overload_percent`% of the activities,
    # in a matrix of at least `overload_min_activities` activities (DESIGN.md defaults).
    overload_min_activities = models.PositiveSmallIntegerField(default=8)
    overload_percent = models.PositiveSmallIntegerField(default=75)
    review_cadence_days = models.PositiveSmallIntegerField(null=True, blank=True)
    last_reviewed_on = models.DateField(null=True, blank=True)
    # The matrix's finding counts, kept up to date by every write (services.py), so that a
    # cell edit can answer with the counts without re-checking the whole matrix.
    errors = models.PositiveIntegerField(default=0)
    warnings = models.PositiveIntegerField(default=0)
    infos = models.PositiveIntegerField(default=0)
    # The template the matrix was made from and the template's version then: drift is
    # measured from that version (none: from the template's current one).
    template = models.ForeignKey("Template", null=True, blank=True, on_delete=models.SET_NULL, related_name="matrices")
    template_version = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workspace", "slug"], name="matrix_slug_unique_in_workspace")]
        ordering = ["name"]
        verbose_name_plural = "matrices"

    def __str__(self):
        return self.name

    @property
    def review_due_on(self):
        """When the owner should next review the matrix, if it has a cadence."""
        if not self.review_cadence_days:
            return None
        start = self.last_reviewed_on or (self.created_at.date() if self.created_at else None)
        return start + timedelta(days=self.review_cadence_days) if start else None

    def is_stale(self, today=None) -> bool:
        due = self.review_due_on
        return bool(due and (today or date.today()) > due)

    @property
    def counts(self) -> dict[str, int]:
        return {"error": self.errors, "warning": self.warnings, "info": self.infos}

    @property
    def rule_settings(self) -> RuleSettings:
        return RuleSettings(max_responsible=self.max_responsible, max_consulted=self.max_consulted,
                            overload_min_activities=self.overload_min_activities,
                            overload_share=self.overload_percent / 100)


class Column(models.Model):
    matrix = models.ForeignKey(Matrix, on_delete=models.CASCADE, related_name="columns")
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="columns")
    order = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["matrix", "role"], name="role_once_per_matrix")]
        ordering = ["order", "id"]


class Activity(models.Model):
    matrix = models.ForeignKey(Matrix, on_delete=models.CASCADE, related_name="activities")
    name = models.CharField(max_length=NAME_MAX)
    phase = models.CharField(max_length=20, choices=PHASES, blank=True)
    description = models.TextField(blank=True, max_length=2000)
    order = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=0)
    # Copied from the template the row came from: which of its activities it is (launch
    # readiness items find their owner through it) and where its letters come from.
    template_key = models.CharField(max_length=40, blank=True)
    source = models.TextField(blank=True, max_length=4000)

    class Meta:
        ordering = ["order", "id"]
        verbose_name_plural = "activities"

    def __str__(self):
        return self.name


class Cell(models.Model):
    VALUES = [("", "empty"), ("R", "R"), ("A", "A"), ("AR", "A/R"), ("C", "C"), ("I", "I")]

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="cells")
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="cells")
    value = models.CharField(max_length=2, choices=VALUES, blank=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["activity", "role"], name="one_cell_per_pair")]

    @property
    def display(self) -> str:
        return DISPLAY[self.value]


class ChangeEvent(models.Model):
    """Append-only: what changed in a matrix, by whom, before and after."""

    matrix = models.ForeignKey(Matrix, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveBigIntegerField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    kind = models.CharField(max_length=40)
    activity_id_ref = models.BigIntegerField(null=True, blank=True)
    role_id_ref = models.BigIntegerField(null=True, blank=True)
    target = models.CharField(max_length=500, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    # Changes made as one (a fix, an undo, a paste) share a group: the seq of its first
    # event, with the label people see in the history ("Fix: make PMM the single A").
    group = models.PositiveBigIntegerField(null=True, blank=True)
    group_label = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["matrix", "seq"], name="event_seq_unique_in_matrix")]
        indexes = [models.Index(fields=["matrix", "group"], name="event_group")]
        ordering = ["matrix", "seq"]


class Template(models.Model):
    """A reusable matrix; built-in ones are seeded, others saved from a workspace's matrix."""

    class Stage(models.TextChoices):
        STARTUP = "startup", "Startup"
        SCALEUP = "scaleup", "Scale-up"
        ENTERPRISE = "enterprise", "Enterprise"

    slug = models.SlugField(max_length=60)
    name = models.CharField(max_length=NAME_MAX)
    stage = models.CharField(max_length=12, choices=Stage.choices, default=Stage.SCALEUP)
    description = models.TextField(blank=True, max_length=2000)
    # Built-in templates belong to no workspace and are visible to all.
    workspace = models.ForeignKey(Workspace, null=True, blank=True, on_delete=models.CASCADE, related_name="templates")
    is_default = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # Goes up each time the template's roles, activities or letters change; each version's
    # content is kept (TemplateVersion) so a matrix can tell what changed since its copy.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "slug"], name="template_slug_unique_in_workspace"),
            models.UniqueConstraint(fields=["slug"], condition=models.Q(workspace__isnull=True), name="builtin_template_slug_unique"),
        ]
        ordering = ["-is_default", "name"]

    def __str__(self):
        return self.name


class TemplateRole(models.Model):
    template = models.ForeignKey(Template, on_delete=models.CASCADE, related_name="roles")
    code = models.CharField(max_length=CODE_MAX)
    name = models.CharField(max_length=NAME_MAX)
    description = models.TextField(blank=True, max_length=2000)
    held_by_creator = models.BooleanField(default=False, help_text="The person who creates a matrix from the template holds this role.")
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["template", "code"], name="template_role_code_unique")]

    def __str__(self):
        return self.code


class TemplateActivity(models.Model):
    template = models.ForeignKey(Template, on_delete=models.CASCADE, related_name="activities")
    name = models.CharField(max_length=NAME_MAX)
    phase = models.CharField(max_length=20, choices=PHASES, blank=True)
    description = models.TextField(blank=True, max_length=2000)
    order = models.PositiveIntegerField(default=0)
    # Role code -> "R", "A", "AR", "C" or "I".
    letters = models.JSONField(default=dict, blank=True)
    key = models.CharField(max_length=40, blank=True,
                           help_text="Stable name that launch readiness items use to find this activity.")
    # Role code -> where its letter comes from ("Seed 001: …" or "Our default: …").
    sources = models.JSONField(default=dict, blank=True)
    our_default = models.TextField(blank=True, max_length=2000,
                                   help_text="Why some letters are ours where the seeds give none; empty when the seeds give them all.")

    @property
    def source(self) -> str:
        """The row's sources as one text, as a matrix made from the template shows it on hover."""
        return "\n".join(f"{code} {DISPLAY.get(self.letters.get(code, ''), '')} ({text})"
                         for code, text in self.sources.items())

    class Meta:
        ordering = ["order", "id"]
        verbose_name_plural = "template activities"

    def __str__(self):
        return self.name


class TemplateVersion(models.Model):
    """A template's content at one version: {"roles": [{code, name}], "activities":
    [{name, phase, description, letters}]}."""

    template = models.ForeignKey(Template, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    content = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["template", "number"], name="template_version_once")]
        ordering = ["template", "number"]


class MatrixImport(models.Model):
    """An uploaded spreadsheet on its way into a matrix: parsed and previewed first, then
    saved whole in a background task, or not at all."""

    class Status(models.TextChoices):
        PARSING = "parsing", "Reading the file"
        INVALID = "invalid", "The file has errors"
        PREVIEW = "preview", "Ready to import"
        SAVING = "saving", "Importing"
        DONE = "done", "Imported"
        FAILED = "failed", "Failed"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="imports")
    # The matrix whose activities and letters the file replaces; none for a new matrix.
    matrix = models.ForeignKey(Matrix, null=True, blank=True, on_delete=models.CASCADE, related_name="imports")
    new_name = models.CharField(max_length=NAME_MAX, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    filename = models.CharField(max_length=255)
    data = models.BinaryField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PARSING)
    # What the preview shows: errors, findings, counts, the first rows, the roles to create.
    summary = models.JSONField(default=dict, blank=True)
    result = models.ForeignKey(Matrix, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    failure = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]


class Decision(models.Model):
    """A decision log entry (seed 001: "decision logs prevent re-litigation")."""

    matrix = models.ForeignKey(Matrix, on_delete=models.CASCADE, related_name="decisions")
    activity = models.ForeignKey(Activity, null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions")
    what = models.CharField(max_length=500)
    why = models.TextField(blank=True, max_length=4000)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_on = models.DateField()
    review_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_on", "-id"]

    def __str__(self):
        return self.what


# --- notifications ---------------------------------------------------------------------

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
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    in_app = models.BooleanField(default=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email = models.CharField(max_length=6, choices=EmailMode.choices, default=EmailMode.NOW)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # Set when sending kept failing after every retry: the sweep stops trying.
    email_failed_at = models.DateTimeField(null=True, blank=True)

    SHORT = {"letters": "Letters", "item_assigned": "Assigned to you", "item_due": "Due soon", "item_overdue": "Overdue",
             "launch_status": "Launch status", "launch_tier": "Tier", "go_decision": "Go/no-go",
             "decision_review": "Decision review", "matrix_review": "Matrix review", "ritual_soon": "Meeting tomorrow",
             "readout_due": "Day-30 readout"}

    class Meta:
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
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")]


class DigestSchedule(models.TextChoices):
    DAILY = "daily", "Daily, in the morning"
    WEEKLY = "weekly", "Weekly, on Monday morning"


class NotificationSettings(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings")
    digest = models.CharField(max_length=6, choices=DigestSchedule.choices, default=DigestSchedule.DAILY)


class DigestRun(models.Model):
    """One digest e-mail per person per period ("daily:2026-11-23", "weekly:2026-W48")."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=20)
    sent_at = models.DateTimeField(null=True, blank=True)
    items = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "period"], name="one_digest_per_period")]


def _webhook_secret() -> str:
    import secrets

    return secrets.token_urlsafe(32)


class Webhook(models.Model):
    """A workspace's outgoing webhook: every notification event, POSTed as JSON and signed
    with HMAC-SHA256 over the timestamp and the body."""

    workspace = models.OneToOneField(Workspace, on_delete=models.CASCADE, related_name="webhook")
    url = models.URLField(max_length=500)
    secret = models.CharField(max_length=64, default=_webhook_secret)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)


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

    class Meta:
        constraints = [models.UniqueConstraint(fields=["webhook", "key"], name="webhook_delivery_once_per_key")]
        ordering = ["-created_at", "-id"]


EMAIL_MAX = 254


class Invitation(models.Model):
    """An admin's invitation of an e-mail address into a workspace at an access level.

    The link carries the row's id and `nonce`, signed with the secret key; resending draws a
    new nonce, so only the latest link works, and once accepted or revoked none does. While
    an invitation is open (neither accepted nor revoked, expired or not) it is the address's
    only one in the workspace: inviting the address again renews it.
    """

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        EXPIRED = "expired", "Expired"
        ACCEPTED = "accepted", "Accepted"
        REVOKED = "revoked", "Revoked"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(max_length=EMAIL_MAX)
    access = models.CharField(max_length=10, choices=Access.choices, default=Access.EDITOR)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    nonce = models.CharField(max_length=32)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["workspace", "email"], condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
            name="one_open_invitation_per_address")]
        ordering = ["-sent_at", "-id"]

    def __str__(self):
        return f"{self.email} to {self.workspace}"

    @property
    def state(self) -> str:
        from django.utils import timezone

        if self.accepted_at:
            return self.State.ACCEPTED
        if self.revoked_at:
            return self.State.REVOKED
        if self.expires_at <= timezone.now():
            return self.State.EXPIRED
        return self.State.PENDING
