"""Workspaces, roles and the RACI matrix, with templates and the change log.

A cell is one row per (activity, role) pair that has ever held letters: clearing it sets
the value empty and keeps the row, so its version keeps counting.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.text import CODE_MAX, NAME_MAX
from raci import acknowledgments
from raci.rules import DISPLAY, RuleSettings
from workspaces.models import Role, Workspace


class Matrix(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="matrices")
    name = models.CharField(max_length=NAME_MAX)
    slug = models.SlugField(max_length=60)
    description = models.TextField(blank=True, max_length=2000)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
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
    # in a matrix of at least `overload_min_activities` activities (the defaults of
    # docs/contracts.md, the same as raci.rules.DEFAULT_SETTINGS).
    overload_min_activities = models.PositiveSmallIntegerField(default=8)
    overload_percent = models.PositiveSmallIntegerField(default=75)
    review_cadence_days = models.PositiveSmallIntegerField(null=True, blank=True)
    last_reviewed_on = models.DateField(null=True, blank=True)
    # The matrix's finding counts, kept up to date by every write (raci.services), so that a
    # cell edit can answer with the counts without re-checking the whole matrix.
    errors = models.PositiveIntegerField(default=0)
    warnings = models.PositiveIntegerField(default=0)
    infos = models.PositiveIntegerField(default=0)
    # How many findings are accepted on purpose now (not in the counts above), kept alike.
    acknowledged_count = models.PositiveIntegerField(default=0)
    # The findings accepted on purpose (raci.acknowledgments: `Acknowledgment.as_json` each),
    # read with the matrix so that neither the page nor a cell edit needs a query for them.
    # The decision log records each; `raci.services.acknowledgments` writes both.
    acknowledgments = models.JSONField(default=list, blank=True)
    # The template the matrix was made from and the template's version then: drift is
    # measured from that version (none: from the template's current one).
    template = models.ForeignKey("Template", null=True, blank=True, on_delete=models.SET_NULL, related_name="matrices")
    template_version = models.PositiveIntegerField(null=True, blank=True)
    # The workspace's default matrix (at most one): launches without a matrix of their own
    # find the owners of their readiness items in it. The first matrix made is the default.
    is_default = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "slug"], name="matrix_slug_unique_in_workspace"),
            models.UniqueConstraint(
                fields=["workspace"], condition=models.Q(is_default=True), name="one_default_matrix_per_workspace"
            ),
        ]
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
        return bool(due and (today or self.workspace.today()) > due)

    @property
    def counts(self) -> dict[str, int]:
        return {"error": self.errors, "warning": self.warnings, "info": self.infos}

    @property
    def acknowledged(self) -> dict:
        """The stored acknowledgments by finding (`raci.acknowledgments.Key`)."""
        return acknowledgments.loaded(self.acknowledgments)

    @property
    def rule_settings(self) -> RuleSettings:
        return RuleSettings(
            max_responsible=self.max_responsible,
            max_consulted=self.max_consulted,
            overload_min_activities=self.overload_min_activities,
            overload_share=self.overload_percent / 100,
        )


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
    phase = models.CharField(max_length=20, blank=True)  # a phase key (workspaces.phases)
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
    # How the change came in when not through the pages: "API (token name)".
    via = models.CharField(max_length=200, blank=True, default="", db_default="")

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
    # Findings a matrix made from the template accepts from the start, each
    # {"rule", "role" (a role code) or "activity" (an activity name), "reason"}.
    acknowledgments = models.JSONField(default=list, blank=True)
    # Goes up each time the template's roles, activities or letters change; each version's
    # content is kept (TemplateVersion) so a matrix can tell what changed since its copy.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "slug"], name="template_slug_unique_in_workspace"),
            models.UniqueConstraint(
                fields=["slug"], condition=models.Q(workspace__isnull=True), name="builtin_template_slug_unique"
            ),
        ]
        ordering = ["-is_default", "name"]

    def __str__(self):
        return self.name


class TemplateRole(models.Model):
    template = models.ForeignKey(Template, on_delete=models.CASCADE, related_name="roles")
    code = models.CharField(max_length=CODE_MAX)
    name = models.CharField(max_length=NAME_MAX)
    description = models.TextField(blank=True, max_length=2000)
    held_by_creator = models.BooleanField(
        default=False, help_text="The person who creates a matrix from the template holds this role."
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["template", "code"], name="template_role_code_unique")]

    def __str__(self):
        return self.code


class TemplateActivity(models.Model):
    template = models.ForeignKey(Template, on_delete=models.CASCADE, related_name="activities")
    name = models.CharField(max_length=NAME_MAX)
    phase = models.CharField(max_length=20, blank=True)  # a phase key (workspaces.phases)
    description = models.TextField(blank=True, max_length=2000)
    order = models.PositiveIntegerField(default=0)
    # Role code -> "R", "A", "AR", "C" or "I".
    letters = models.JSONField(default=dict, blank=True)
    key = models.CharField(
        max_length=40, blank=True, help_text="Stable name that launch readiness items use to find this activity."
    )
    # Role code -> where its letter comes from (the article, docs/sources.md, and what it says; or
    # "Our default: …" with the reason).
    sources = models.JSONField(default=dict, blank=True)
    our_default = models.TextField(
        blank=True,
        max_length=2000,
        help_text="Why some letters are ours where the seeds give none; empty when the seeds give them all.",
    )

    @property
    def source(self) -> str:
        """The row's sources as one text, as a matrix made from the template shows it on hover."""
        return "\n".join(
            f"{code} {DISPLAY.get(self.letters.get(code, ''), '')} ({text})" for code, text in self.sources.items()
        )

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
    # When the job entered its status: a job still reading or saving long after its task's
    # hard time limit was killed with it (`raci.importing.imports_stalled_fail`).
    status_since = models.DateTimeField(default=timezone.now)
    # What the preview shows: errors, findings, counts, the first rows, the roles to create.
    summary = models.JSONField(default=dict, blank=True)
    result = models.ForeignKey(Matrix, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    failure = models.TextField(blank=True)
    # Where the upload came from when not the page ("API (token name)"): the saving task,
    # which runs later, records its changes with it, as a change made at once would be.
    via = models.CharField(max_length=200, blank=True)

    # The statuses in which a background task is working on the job.
    RUNNING = (Status.PARSING, Status.SAVING)

    class Meta:
        ordering = ["-created_at"]

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING


class Decision(models.Model):
    """A decision log entry ("Key Differences", docs/sources.md: a decision log prevents re-litigation)."""

    matrix = models.ForeignKey(Matrix, on_delete=models.CASCADE, related_name="decisions")
    activity = models.ForeignKey(Activity, null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions")
    what = models.CharField(max_length=500)
    why = models.TextField(blank=True, max_length=4000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_on = models.DateField()
    review_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_on", "-id"]

    def __str__(self):
        return self.what


# --- notifications ---------------------------------------------------------------------
