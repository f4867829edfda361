"""Read-only share links: a secret address that shows one matrix, one quarter, one launch or
one quarter's pre-read to people who do not sign in."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from launches.models import Launch
from raci.models import Matrix
from workspaces.models import Workspace


class Kind(models.TextChoices):
    MATRIX = "matrix", "Matrix"
    QUARTER = "quarter", "Quarter"
    LAUNCH = "launch", "Launch"
    PREREAD = "preread", "Pre-read"


class ShareLink(models.Model):
    """One share link. Only the SHA-256 of its secret is kept; the address is shown once, when
    the link is made. What it shows is named by `kind` and one target: a matrix, a launch, or
    a quarter (`year`, `quarter`) for the quarter view and the pre-read."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="share_links")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    matrix = models.ForeignKey(Matrix, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    launch = models.ForeignKey(Launch, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    quarter = models.PositiveSmallIntegerField(null=True, blank=True)
    digest = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    # Roles only: no person's name anywhere in the page.
    hide_names = models.BooleanField(default=False)
    # Room for downloads of the shown page (a deck of the matrix or the quarter).
    allow_downloads = models.BooleanField(default=False)
    # Origins that may frame the page (a wiki), one per line; set by admins only.
    frame_origins = models.TextField(blank=True, default="")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_viewed_at = models.DateTimeField(null=True, blank=True)
    views = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["workspace", "created_by"], name="share_link_creator")]

    def is_live(self, now=None) -> bool:
        return self.revoked_at is None and self.expires_at > (now or timezone.now())

    @property
    def origins(self) -> list[str]:
        return [line for line in self.frame_origins.split() if line]
