"""The team's cadence: rituals, their meetings, and the workspace's calendar feed."""

from django.db import models

from core.text import NAME_MAX
from raci.models import Decision, Matrix
from rituals import cadence as rituals
from workspaces.models import Membership, Role, Workspace


class Ritual(models.Model):
    """A meeting the PM and PMM teams hold on a cadence ("The GTM Framework", docs/sources.md), with its agenda."""

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
        db_table = "launches_ritual"  # kept from before the app split
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "key"], condition=~models.Q(key=""), name="default_ritual_once_per_workspace"
            )
        ]
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
        db_table = "launches_occurrence"  # kept from before the app split
        constraints = [models.UniqueConstraint(fields=["ritual", "date"], name="one_occurrence_per_ritual_date")]
        ordering = ["date", "id"]


class OccurrenceDecision(models.Model):
    """A decision log entry taken at an occurrence. The entry lives in the matrix's decision
    log like any other; deleting it there removes this link."""

    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="decision_links")
    decision = models.OneToOneField(Decision, on_delete=models.CASCADE, related_name="occurrence_link")

    class Meta:
        db_table = "launches_occurrencedecision"  # kept from before the app split
