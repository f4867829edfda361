"""Workspaces, their members with an access level, and the roles members hold."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo, available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from core.text import CODE_MAX, EMAIL_MAX, NAME_MAX
from workspaces.phases import LIFECYCLE_LABELS, PHASE_NAME_MAX, SHARED, relay_label


class Access(models.TextChoices):
    VIEWER = "viewer", "Viewer"
    EDITOR = "editor", "Editor"
    ADMIN = "admin", "Admin"


class DomainAccess(models.TextChoices):
    """What a person signing in by SSO from a claimed domain gets: nothing, or a membership."""

    OFF = "off", "Off"
    VIEWER = "viewer", "Viewer"
    EDITOR = "editor", "Editor"


TIME_ZONE_MAX = 64


def validate_time_zone(value: str) -> None:
    if value not in available_timezones():
        raise ValidationError(f"“{value}” is not a time zone; pick one such as Europe/Paris.", code="time_zone")


class ShareLinksBy(models.TextChoices):
    NOBODY = "nobody", "Nobody (sharing is off)"
    ADMINS = "admins", "Admins"
    EDITORS = "editors", "Editors and admins"


class Workspace(models.Model):
    name = models.CharField(max_length=NAME_MAX)
    slug = models.SlugField(max_length=60, unique=True)
    # The zone ritual times are given in ("10:00" is 10:00 in Paris); IANA names only.
    time_zone = models.CharField(max_length=TIME_ZONE_MAX, default="UTC", validators=[validate_time_zone])
    # The People page marks whoever carries more than this many times the team's median
    # workload, and at least `workload_floor` points more (see workspaces/workload.py).
    workload_multiple = models.DecimalField(max_digits=3, decimal_places=1, default=Decimal("1.5"))
    workload_floor = models.PositiveSmallIntegerField(default=5)
    # Who may make read-only share links (the sharing app); "nobody" turns sharing off.
    share_links_by = models.CharField(max_length=10, choices=ShareLinksBy.choices, default=ShareLinksBy.ADMINS)
    # Sign-in rules (workspaces/sign_in.py). On the workspace row itself, so the one query
    # that loads a matrix or a token with its workspace also brings them: checking them
    # costs the cell edit and the API nothing.
    require_sso = models.BooleanField(default=False)
    require_two_factor = models.BooleanField(default=False)
    domain_access = models.CharField(max_length=10, choices=DomainAccess.choices, default=DomainAccess.OFF)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.name

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def today(self, now: datetime | None = None) -> date:
        """The date where the team is (now, or at `now`): what is due, past or coming is
        counted from it, on pages and in the ticks alike (see workspaces.clock)."""
        return timezone.localdate(now, timezone=self.zone)

    class Meta:
        db_table = "raci_workspace"  # kept from before the app split


class Membership(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    access = models.CharField(max_length=10, choices=Access.choices, default=Access.EDITOR)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when an SSO sign-in carried none of the workspace's mapped groups: the member keeps
    # what they hold (an admin hands it over) but reaches no page, API or feed of the
    # workspace. A mapped group at a later sign-in, or an admin setting their access, lifts it.
    suspended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "raci_membership"  # kept from before the app split
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
        db_table = "raci_role"  # kept from before the app split
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
        db_table = "raci_roleholder"  # kept from before the app split
        constraints = [models.UniqueConstraint(fields=["role", "membership"], name="hold_role_once")]


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
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    nonce = models.CharField(max_length=32)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "raci_invitation"  # kept from before the app split
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "email"],
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="one_open_invitation_per_address",
            )
        ]
        ordering = ["-sent_at", "-id"]

    def __str__(self):
        return f"{self.email} to {self.workspace}"

    @property
    def state(self) -> str:
        if self.accepted_at:
            return self.State.ACCEPTED
        if self.revoked_at:
            return self.State.REVOKED
        if self.expires_at <= timezone.now():
            return self.State.EXPIRED
        return self.State.PENDING


class Phase(models.Model):
    """One of a workspace's phases, in its order (see `workspaces.phases`).

    `key` is what activities store: a lifecycle key ("launch") or a team key ("t-…"); it
    never changes, so renaming a phase moves no activity. A workspace without rows has the
    five lifecycle phases; the first change writes them out.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="phases")
    key = models.CharField(max_length=20)
    name = models.CharField(max_length=PHASE_NAME_MAX)
    position = models.PositiveIntegerField(default=0)
    # Who drives the phase and who navigates (`workspaces.phases.SHARED` and the rest).
    driver = models.CharField(max_length=CODE_MAX, default=SHARED)
    navigator = models.CharField(max_length=CODE_MAX, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "key"], name="phase_key_unique_in_workspace"),
            models.UniqueConstraint(Lower("name"), "workspace", name="phase_name_unique_in_workspace"),
        ]
        ordering = ["position", "id"]

    def __str__(self):
        return self.name

    @property
    def lifecycle_label(self) -> str:
        """The lifecycle phase it stands for ("Launch"), or "" for a team's own phase."""
        return LIFECYCLE_LABELS.get(self.key, "")

    @property
    def kind_label(self) -> str:
        """What the settings say the phase is: "lifecycle", "lifecycle: Launch" once renamed, or "team phase"."""
        if not self.lifecycle_label:
            return "team phase"
        return "lifecycle" if self.lifecycle_label == self.name else f"lifecycle: {self.lifecycle_label}"

    @property
    def relay_label(self) -> str:
        return relay_label(self.driver, self.navigator)


DOMAIN_MAX = 253
GROUP_MAX = 256


class ClaimedDomain(models.Model):
    """An e-mail domain the workspace vouches for: people whose identity provider confirms an
    address at it are the workspace's own, whose groups count (see `workspaces.sign_in`). Only
    an admin with a confirmed address at the domain claims it."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="claimed_domains")
    domain = models.CharField(max_length=DOMAIN_MAX)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    claimed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workspace", "domain"], name="claim_domain_once")]
        ordering = ["domain"]

    def __str__(self):
        return self.domain


class GroupMapping(models.Model):
    """An identity-provider group and what its members get in the workspace: an access level
    and, optionally, roles they hold."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="group_mappings")
    group = models.CharField(max_length=GROUP_MAX)
    access = models.CharField(max_length=10, choices=Access.choices, default=Access.VIEWER)
    roles = models.ManyToManyField(Role, blank=True, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(Lower("group"), "workspace", name="map_group_once")]
        ordering = ["group"]

    def __str__(self):
        return self.group


class SsoSignIn(models.Model):
    """When a person last signed in through an identity provider: in a workspace that
    requires SSO, their API tokens and the calendar feed they made work only for
    `SSO_REVALIDATE_DAYS` after it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="sso_sign_in"
    )
    at = models.DateTimeField()
    provider = models.CharField(max_length=200, blank=True)
