"""Launch cycles (a quarter of a workspace), their launches with tier and readiness
checklist, the workspace's tiering rubric, and go/no-go decisions; the team's rituals
and their occurrences."""

import secrets

from django.conf import settings
from django.db import models

from raci.models import NAME_MAX, Decision, Matrix, Membership, Role, Workspace

from . import load, rituals, tiering


class TieringRubric(models.Model):
    """A workspace's tiering rubric; the defaults of seed 000 until an admin edits it."""

    workspace = models.OneToOneField(Workspace, on_delete=models.CASCADE, related_name="tiering_rubric")
    # [{"text": ..., "weight": 1}, ...]
    questions = models.JSONField(default=list)
    thresholds = models.JSONField(default=list)
    tier_names = models.JSONField(default=list)
    # Weeks of lead time per tier; empty: the defaults of issue 4.
    lead_weeks = models.JSONField(default=list, blank=True)
    # The quarter view flags a person, or a week, whose load passes these (see load.py).
    person_week_limit = models.PositiveSmallIntegerField(default=load.DEFAULT_PERSON_WEEK_LIMIT)
    week_limit = models.PositiveSmallIntegerField(default=load.DEFAULT_WEEK_LIMIT)
    updated_at = models.DateTimeField(auto_now=True)

    def as_rubric(self) -> tiering.Rubric:
        return tiering.Rubric(
            questions=tuple(tiering.Question(q["text"], int(q.get("weight", 1))) for q in self.questions),
            thresholds=tuple(int(t) for t in self.thresholds), tier_names=tuple(self.tier_names),
            lead_weeks=tuple(int(w) for w in self.lead_weeks or ()))


class LaunchCycle(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="launch_cycles")
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    slug = models.SlugField(max_length=10)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "year", "quarter"], name="one_cycle_per_quarter"),
            models.UniqueConstraint(fields=["workspace", "slug"], name="cycle_slug_unique_in_workspace"),
        ]
        ordering = ["-year", "-quarter"]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return f"{self.year}-Q{self.quarter}"


class Launch(models.Model):
    cycle = models.ForeignKey(LaunchCycle, on_delete=models.CASCADE, related_name="launches")
    name = models.CharField(max_length=NAME_MAX)
    summary = models.TextField(blank=True, max_length=2000)
    pm_owner = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    pmm_owner = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    matrix = models.ForeignKey(Matrix, null=True, blank=True, on_delete=models.SET_NULL, related_name="launches")
    ship_date = models.DateField(null=True, blank=True)
    launch_date = models.DateField(null=True, blank=True)
    # One score (1-3) per rubric question, in the rubric's order; empty until scored.
    scores = models.JSONField(default=list, blank=True)
    tier = models.PositiveSmallIntegerField(null=True, blank=True)
    tier_reason = models.TextField(blank=True, max_length=2000)
    tiered_by = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    tiered_at = models.DateTimeField(null=True, blank=True)
    pm_confirmed_by = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    pm_confirmed_at = models.DateTimeField(null=True, blank=True)
    pmm_confirmed_by = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    pmm_confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=[("on_track", "On track"), ("at_risk", "At risk"),
                                                      ("off_track", "Off track"), ("paused", "Paused")],
                              default="on_track")
    # After launch (seed 001): the day it was really announced, one day-30 metric, a decision.
    launched_on = models.DateField(null=True, blank=True)
    metric_name = models.CharField(max_length=NAME_MAX, blank=True)
    metric_target = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    metric_actual = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    outcome = models.CharField(max_length=8, blank=True,
                               choices=[("press_on", "Press on"), ("pivot", "Pivot"), ("pause", "Pause")])
    outcome_notes = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ["launch_date", "name", "id"]

    def __str__(self):
        return self.name

    @property
    def confirmed(self) -> bool:
        return not tiering.needs_confirmation(self.tier) or bool(self.pm_confirmed_by_id and self.pmm_confirmed_by_id)


class ReadinessItem(models.Model):
    class Status(models.TextChoices):
        TODO = "todo", "To do"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        WAIVED = "waived", "Waived"

    launch = models.ForeignKey(Launch, on_delete=models.CASCADE, related_name="items")
    key = models.SlugField(max_length=40)
    title = models.CharField(max_length=NAME_MAX)
    required = models.BooleanField(default=False)
    owner_role = models.ForeignKey(Role, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    owner = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.TODO)
    waive_reason = models.TextField(blank=True, max_length=2000)
    evidence_url = models.URLField(blank=True, max_length=500)
    order = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["launch", "key"], name="readiness_key_once_per_launch")]
        ordering = ["order", "id"]

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in tiering.OPEN


class GoDecision(models.Model):
    class Decision(models.TextChoices):
        GO = "go", "Go"
        NO_GO = "no_go", "No go"

    launch = models.ForeignKey(Launch, on_delete=models.CASCADE, related_name="go_decisions")
    decision = models.CharField(max_length=6, choices=Decision.choices)
    notes = models.TextField(blank=True, max_length=2000)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_at", "-id"]


class StatusUpdate(models.Model):
    """Append-only: every status an owner or editor set, with their short note."""

    launch = models.ForeignKey(Launch, on_delete=models.CASCADE, related_name="status_updates")
    status = models.CharField(max_length=10, choices=Launch._meta.get_field("status").choices)
    note = models.CharField(max_length=280, blank=True)
    author = models.ForeignKey(Membership, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]


class Dependency(models.Model):
    """`launch` cannot launch before `before` (B after A)."""

    launch = models.ForeignKey(Launch, on_delete=models.CASCADE, related_name="dependencies")
    before = models.ForeignKey(Launch, on_delete=models.CASCADE, related_name="dependents")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["launch", "before"], name="dependency_once")]


class AvoidDate(models.Model):
    """A date range a workspace launches nothing on: industry events, holidays, freezes (seed 000)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="avoid_dates")
    name = models.CharField(max_length=NAME_MAX)
    start = models.DateField()
    end = models.DateField()

    class Meta:
        ordering = ["start", "end", "id"]


def _new_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """The secret token of a workspace's iCalendar feed; regenerating it revokes the old URL."""

    workspace = models.OneToOneField(Workspace, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=_new_token)
    created_at = models.DateTimeField(auto_now=True)


class Ritual(models.Model):
    """A meeting the PM and PMM teams hold on a cadence (seed 000), with its agenda."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="rituals")
    # The default rituals' keys ("roadmap-review"...), so seeding them twice adds nothing; empty for the team's own.
    key = models.SlugField(max_length=40, blank=True)
    name = models.CharField(max_length=NAME_MAX)
    description = models.TextField(blank=True, max_length=2000)
    cadence = models.CharField(max_length=10, choices=rituals.CADENCES)
    # The series' first date: every date is counted from it (see rituals.py).
    starts_on = models.DateField()
    # Monthly and quarterly: on the same weekday of the month as starts_on (the first Tuesday), not the same date.
    by_weekday = models.BooleanField(default=False)
    time_of_day = models.TimeField(null=True, blank=True)
    owner_role = models.ForeignKey(Role, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    attendee_roles = models.ManyToManyField(Role, blank=True, related_name="+")
    attendee_members = models.ManyToManyField(Membership, blank=True, related_name="+")
    # [{"title": ..., "minutes": 10}, ...]
    agenda = models.JSONField(default=list, blank=True)
    # Where the decisions taken at its occurrences go, unless the occurrence picks another matrix.
    default_matrix = models.ForeignKey(Matrix, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    opens_next_cycle = models.BooleanField(default=False)
    paused = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workspace", "key"], condition=~models.Q(key=""),
                                               name="default_ritual_once_per_workspace")]
        ordering = ["name", "id"]

    def __str__(self):
        return self.name

    @property
    def sections(self) -> list[rituals.Section]:
        return rituals.sections_from_json(self.agenda)

    @property
    def attendee_labels(self) -> list[str]:
        """Attending roles by code, then people by name (prefetch both: see selectors)."""
        return [r.code for r in self.attendee_roles.all()] + [m.display_name for m in self.attendee_members.all()]

    @property
    def series(self) -> rituals.Series:
        return rituals.Series(self.cadence, self.starts_on, self.by_weekday)

    @property
    def cadence_label(self) -> str:
        return rituals.describe(self.series)

    def next_date(self, today):
        return self.series.next_on_or_after(today)


class Occurrence(models.Model):
    """One meeting of a ritual: its notes per agenda section. A row exists once the tick
    reaches the date or someone writes in it; the dates themselves come from the cadence."""

    ritual = models.ForeignKey(Ritual, on_delete=models.CASCADE, related_name="occurrences")
    date = models.DateField()
    # [{"title": ..., "minutes": ..., "text": ...}], the agenda it was held under; empty until notes are taken.
    notes = models.JSONField(default=list, blank=True)
    # The matrix whose decision log its decisions went to last: the next one goes there too.
    matrix = models.ForeignKey(Matrix, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # The tick has looked at it once it came due (a tiering opens the next launch cycle then, once).
    due_handled = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ritual", "date"], name="one_occurrence_per_ritual_date")]
        ordering = ["date", "id"]


class OccurrenceDecision(models.Model):
    """A decision log entry taken at an occurrence. The entry lives in the matrix's decision
    log like any other; deleting it there removes this link."""

    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="decision_links")
    decision = models.OneToOneField(Decision, on_delete=models.CASCADE, related_name="occurrence_link")
