"""What the chat door keeps: each workspace's set-up (the secrets Slack and Teams sign
with, which channels may ask) and how often each activity was asked about."""

from django.db import models

from raci.models import Matrix
from workspaces.models import Workspace

SLACK_SECRET_MAX = 100
TEAMS_TOKEN_MAX = 200
CHANNELS_MAX = 50
CHANNEL_MAX = 80


class ChatSetup(models.Model):
    """A workspace's Slack command and Teams outgoing webhook. The secrets are the ones the
    services show when the app or the webhook is made; they are kept as the outgoing
    webhook's secret is (in the row, readable by the server alone) and never shown again."""

    workspace = models.OneToOneField(Workspace, on_delete=models.CASCADE, related_name="chat_setup")
    slack_signing_secret = models.CharField(max_length=SLACK_SECRET_MAX, blank=True)
    # Base64, as Teams shows it when the outgoing webhook is made.
    teams_security_token = models.CharField(max_length=TEAMS_TOKEN_MAX, blank=True)
    # The channels that may ask, one per line (ids or names, folded); none listed: every channel.
    channels = models.TextField(blank=True, max_length=CHANNELS_MAX * (CHANNEL_MAX + 1))
    # Bumped by every change, so that two admins saving at once never overwrite each other unseen.
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    @property
    def channel_list(self) -> list[str]:
        return [line for line in self.channels.splitlines() if line]


class AskedCount(models.Model):
    """How many questions found an activity of a matrix. No asker is kept. The activity is
    named by its id and not by a key: a count never stands in the way of deleting the row,
    and a count of a row that is gone is simply never shown."""

    matrix = models.ForeignKey(Matrix, on_delete=models.CASCADE, related_name="+")
    activity_id = models.PositiveBigIntegerField()
    count = models.PositiveIntegerField(default=0)
    last_asked_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["matrix", "activity_id"], name="asked_once_per_activity")]
        indexes = [models.Index(fields=["matrix", "-count"], name="asked_most")]
