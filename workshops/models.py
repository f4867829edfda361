"""A Roles & Responsibilities workshop on a matrix ("The driver-navigator post", docs/sources.md): blind proposals, the reveal,
and the facilitator's settlements, which go into the matrix through its change log."""

from django.conf import settings
from django.db import models

from core.text import NAME_MAX
from raci.models import Activity, Decision, Matrix
from workspaces.models import Membership, Role


class Workshop(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Taking proposals"
        REVEALED = "revealed", "Revealed"
        PAUSED = "paused", "Paused"
        CLOSED = "closed", "Closed"

    matrix = models.ForeignKey(Matrix, on_delete=models.CASCADE, related_name="workshops")
    facilitator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    title = models.CharField(max_length=NAME_MAX)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    # What a paused workshop goes back to: taking proposals, or the reveal.
    resume_to = models.CharField(max_length=10, choices=Status.choices, blank=True)
    activities = models.ManyToManyField(Activity, related_name="+")
    participants = models.ManyToManyField(Membership, related_name="workshops")
    # Goes up with every proposal, settlement and change of status: open pages poll for it.
    version = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    revealed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title

    @property
    def taking_proposals(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def revealed(self) -> bool:
        return self.status == self.Status.REVEALED or (self.status != self.Status.OPEN and self.revealed_at is not None)


class Proposal(models.Model):
    """One participant's letter for one cell; blank proposals are not stored."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="proposals")
    participant = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="+")
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="+")
    value = models.CharField(max_length=2, blank=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "participant", "activity", "role"], name="one_proposal_per_participant_cell"
            )
        ]


class Settlement(models.Model):
    """What the facilitator settled for one cell (or a split of the row), and how many agreed.
    The letters themselves are in the matrix, recorded as the change-log group `group`."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="settlements")
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="+")
    role = models.ForeignKey(Role, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    value = models.CharField(max_length=8, blank=True)
    agreed = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    group = models.PositiveBigIntegerField(null=True, blank=True)
    label = models.CharField(max_length=200, blank=True)
    settled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    settled_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workshop", "activity", "role"], name="one_settlement_per_cell")]
        ordering = ["settled_at", "id"]


class RowNote(models.Model):
    """A note the facilitator took on a row, kept in the matrix's decision log."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="notes")
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="+")
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
