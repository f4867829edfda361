"""Launch cycles (a quarter of a workspace), their launches with tier and readiness
checklist, the workspace's tiering rubric, and go/no-go decisions; the team's rituals
and their occurrences."""

import secrets

from django.conf import settings
from django.db import models

from core.text import NAME_MAX
from launches import load, relay, tiering
from raci.models import Matrix
from workspaces.models import Membership, Role, Workspace


class TieringRubric(models.Model):
    """A workspace's tiering rubric; the defaults of "The GTM Framework" (docs/sources.md) until an admin edits it."""

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
    # A hand-over the next driver has not accepted in this many days is a dropped baton.
    handover_days = models.PositiveSmallIntegerField(default=relay.DEFAULT_HANDOVER_DAYS)
    updated_at = models.DateTimeField(auto_now=True)

    def as_rubric(self) -> tiering.Rubric:
        return tiering.Rubric(
            questions=tuple(tiering.Question(q["text"], int(q.get("weight", 1))) for q in self.questions),
            thresholds=tuple(int(t) for t in self.thresholds),
            tier_names=tuple(self.tier_names),
            lead_weeks=tuple(int(w) for w in self.lead_weeks or ()),
        )


class LaunchCycle(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="launch_cycles")
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    slug = models.SlugField(max_length=10)
    created_at = models.DateTimeField(auto_now_add=True)
    # Counts the changes to what the cycle's board and its quarter page show (launches.live):
    # an open page polls with the number it was drawn at, and hears the next one pushed.
    version = models.PositiveBigIntegerField(default=0)

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


CONFIRMED_AS = [(tiering.OWNER, "owner"), (tiering.ADMIN, "admin")]


class Launch(models.Model):
    cycle = models.ForeignKey(LaunchCycle, on_delete=models.CASCADE, related_name="launches")
    name = models.CharField(max_length=NAME_MAX)
    summary = models.TextField(blank=True, max_length=2000)
    pm_owner = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    pmm_owner = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    matrix = models.ForeignKey(Matrix, null=True, blank=True, on_delete=models.SET_NULL, related_name="launches")
    # The launch's own Slack or Teams channel: its events go there whatever the routing says.
    channel = models.ForeignKey(
        "notifications.Webhook", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
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
    # As what they confirmed: the launch's PM owner, or an admin standing in.
    pm_confirmed_as = models.CharField(max_length=5, blank=True, choices=CONFIRMED_AS)
    pmm_confirmed_by = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    pmm_confirmed_at = models.DateTimeField(null=True, blank=True)
    pmm_confirmed_as = models.CharField(max_length=5, blank=True, choices=CONFIRMED_AS)
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        max_length=10,
        choices=[("on_track", "On track"), ("at_risk", "At risk"), ("off_track", "Off track"), ("paused", "Paused")],
        default="on_track",
    )
    # After launch ("Key Differences"): the day it was really announced, one day-30 metric, a decision.
    launched_on = models.DateField(null=True, blank=True)
    metric_name = models.CharField(max_length=NAME_MAX, blank=True)
    metric_target = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    metric_actual = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    outcome = models.CharField(
        max_length=8, blank=True, choices=[("press_on", "Press on"), ("pivot", "Pivot"), ("pause", "Pause")]
    )
    outcome_notes = models.TextField(blank=True, max_length=2000)
    # The sequence number of the matrix the checklist's owners were last taken from: when
    # the matrix moves past it, the open items follow its owners (no re-plan needed).
    owners_seq = models.PositiveBigIntegerField(default=0)
    # The relay (launches.relay): the phase the launch is in (a key of the workspace's
    # phases), who drives it now, and a count of its relay's writes (hand-overs, checkpoint
    # answers) so that an answer given on a stale page is refused.
    phase = models.CharField(max_length=20, default=relay.FIRST_PHASE)
    driver = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    relay_version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["launch_date", "name", "id"]

    def __str__(self):
        return self.name

    @property
    def confirmed(self) -> bool:
        return not tiering.needs_confirmation(self.tier) or bool(self.pm_confirmed_by_id and self.pmm_confirmed_by_id)

    @property
    def needs_confirmation(self) -> bool:
        return tiering.needs_confirmation(self.tier)

    @property
    def confirmations(self) -> list[tuple[str, Membership | None, str]]:
        """(lead, who confirmed, as what) for the PM and PMM leads."""
        return [
            ("PM", self.pm_confirmed_by, self.pm_confirmed_as),
            ("PMM", self.pmm_confirmed_by, self.pmm_confirmed_as),
        ]


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
    # When several roles are R on the item's activity, the one a person chose among them.
    chosen_role = models.ForeignKey(Role, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
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

    @property
    def activity_key(self) -> str:
        """The template activity the item belongs to; its owner comes from it."""
        return tiering.ACTIVITY_OF.get(self.key, "")

    @property
    def is_metric(self) -> bool:
        """Done by recording the launch's day-30 metric and target, not by hand."""
        return self.key == tiering.METRIC_KEY


class GoDecision(models.Model):
    class Decision(models.TextChoices):
        GO = "go", "Go"
        NO_GO = "no_go", "No go"

    launch = models.ForeignKey(Launch, on_delete=models.CASCADE, related_name="go_decisions")
    decision = models.CharField(max_length=6, choices=Decision.choices)
    notes = models.TextField(blank=True, max_length=2000)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)
    # Where it was recorded from when not the page, as the matrix's history says it: "API (token name)".
    via = models.CharField(max_length=200, blank=True)

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
    """A date range a workspace launches nothing on: industry events, holidays, freezes ("The GTM Framework")."""

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
    # Who made the link (an admin): in a workspace that requires single sign-on the feed
    # works while their own last SSO sign-in vouches for it (workspaces.sign_in.feed_refusal).
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )


class Handover(models.Model):
    """One pass of the baton: the launch moved from one phase to the next, from one driver
    to the next, with a note of what was handed over. Until the next driver accepts it the
    baton is in the air; past the workspace's days it is dropped (launches.relay)."""

    launch = models.ForeignKey(Launch, on_delete=models.CASCADE, related_name="handovers")
    from_phase = models.CharField(max_length=20)
    to_phase = models.CharField(max_length=20)
    from_member = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    to_member = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.TextField(blank=True, max_length=relay.NOTE_MAX)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]


class CheckpointAnswer(models.Model):
    """One owner's answer to the joint checkpoint ("Key Differences": does the product
    choice prove the market promise, and vice versa?). Append-only: the newest answer of
    each side counts; a "no" says what must change."""

    class Side(models.TextChoices):
        PM = "pm", "PM"
        PMM = "pmm", "PMM"

    launch = models.ForeignKey(Launch, on_delete=models.CASCADE, related_name="checkpoint_answers")
    side = models.CharField(max_length=3, choices=Side.choices)
    member = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    answer = models.BooleanField()
    note = models.TextField(blank=True, max_length=relay.NOTE_MAX)
    must_change = models.TextField(blank=True, max_length=relay.NOTE_MAX)
    answered_at = models.DateTimeField()
    decision = models.ForeignKey("raci.Decision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["answered_at", "id"]
