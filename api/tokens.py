"""Making, finding and revoking API tokens.

A token is `lks_` and 32 random bytes (URL-safe base64), shown once; only its SHA-256 is
stored. It is bound to one person and one workspace, with the scope `read` or `write`, and
expires (90 days unless asked, a year at most). Each request re-reads the owner's current
membership, so a token never does more than its owner may do now: a member removed or
demoted loses that power through the API at once.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from api import tasks
from api.models import ApiToken, Scope
from core.errors import Forbidden, InvalidInput, NotFound
from core.prepared import Prepared, model_from_row
from core.text import clean_name
from workspaces.handover import Holding
from workspaces.models import Access, Membership, SsoSignIn, Workspace
from workspaces.sign_in import sso_vouches

PREFIX = "lks_"
DEFAULT_DAYS = 90
MAX_DAYS = 365
NAME_MAX = 80
# A token's last use is kept to the minute: writing it on every request would cost a write each.
LAST_USED_PRECISION = timedelta(minutes=1)


def digest_of(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True, slots=True)
class NewToken:
    token: ApiToken
    secret: str  # shown once


@transaction.atomic
def token_create(*, user, workspace: Workspace, name: str, scope: str, days: int = DEFAULT_DAYS) -> NewToken:
    """A new token for `user` in `workspace`; its owner is told by e-mail."""
    if not Membership.objects.filter(user=user, workspace=workspace).exists():
        raise NotFound("No such workspace.")
    if Membership.objects.filter(user=user, workspace=workspace, suspended_at__isnull=False).exists():
        raise Forbidden(f"Your access to {workspace.name} is suspended: no new tokens.")
    if scope not in Scope.values:
        raise InvalidInput("Pick a scope: read, or read and write.", "scope")
    if not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise InvalidInput(f"A token lasts from 1 to {MAX_DAYS} days.", "days")
    name = clean_name(name, "token")
    if len(name) > NAME_MAX:
        raise InvalidInput(f"A token's name is at most {NAME_MAX} characters.", "name")
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        workspace=workspace,
        name=name,
        scope=scope,
        digest=digest_of(secret),
        prefix=secret[: len(PREFIX) + 4],
        expires_at=timezone.now() + timedelta(days=days),
    )
    tasks.mail_token_created.delay_on_commit(token.pk)
    return NewToken(token, secret)


@transaction.atomic
def token_revoke(*, token_id: int, workspace: Workspace, actor) -> ApiToken:
    """Revoke a token: its owner may revoke their own, an admin any of the workspace's."""
    token = ApiToken.objects.select_for_update().filter(pk=token_id, workspace=workspace).first()
    if token is None:
        raise NotFound("No such token.")
    if token.user_id != actor.pk:
        if not Membership.objects.filter(user=actor, workspace=workspace, access=Access.ADMIN).exists():
            raise NotFound("No such token.")
    if token.revoked_at is None:
        token.revoked_at, token.revoked_by = timezone.now(), actor
        token.save(update_fields=["revoked_at", "revoked_by"])
    return token


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is calling through a token, with their access as it is now."""

    token: ApiToken
    membership: Membership
    workspace: Workspace

    @property
    def user(self):
        return self.membership.user

    @property
    def can_write(self) -> bool:
        return self.token.scope == Scope.WRITE and self.membership.access in (Access.EDITOR, Access.ADMIN)

    @property
    def is_admin(self) -> bool:
        return self.membership.access == Access.ADMIN

    @property
    def via(self) -> str:
        return f"API ({self.token.name})"

    def require_write_scope(self) -> None:
        """A write token, whatever the owner's access: for what viewers may do (a proposal)."""
        if self.token.scope != Scope.WRITE:
            raise Forbidden("This token may only read: make a token with the write scope.")

    def require_write(self) -> None:
        self.require_write_scope()
        if self.membership.access not in (Access.EDITOR, Access.ADMIN):
            raise Forbidden("Your access to this workspace does not allow changes.")

    def require_admin(self) -> None:
        if not self.is_admin:
            raise Forbidden("Only the workspace's admins may read this.")


def _caller_query(digest: str):
    member = Membership.objects.filter(user_id=OuterRef("user_id"), workspace_id=OuterRef("workspace_id"))
    return (
        ApiToken.objects.filter(digest=digest)
        .annotate(
            member_id=Subquery(member.values("pk")[:1]),
            member_access=Subquery(member.values("access")[:1]),
            member_suspended_at=Subquery(member.values("suspended_at")[:1]),
            sso_at=Subquery(SsoSignIn.objects.filter(user_id=OuterRef("user_id")).values("at")[:1]),
        )
        .values_list(
            *_TOKEN_FIELDS,
            *(f"workspace__{name}" for name in _WORKSPACE_FIELDS),
            *(f"user__{name}" for name in _USER_FIELDS),
            "member_suspended_at",
            "sso_at",
            "member_id",
            "member_access",
        )
    )


_TOKEN_FIELDS = [f.attname for f in ApiToken._meta.concrete_fields]
_WORKSPACE_FIELDS = [f.attname for f in Workspace._meta.concrete_fields]
User = get_user_model()
_USER_FIELDS = [f.attname for f in User._meta.concrete_fields]
# Every API request starts here: compiled once per process (see core.prepared).
_CALLER = Prepared(_caller_query, digest="\u2063digest-marker")


def caller_for(secret: str) -> Caller | None:
    """The caller a secret stands for, if the token is live and its owner still a member;
    records the token's use (to the minute). One query: the token, its owner, its workspace
    and the owner's membership now.

    A suspended owner's token, and in a workspace that requires single sign-on the token of
    an owner whose last SSO sign-in is older than SSO_REVALIDATE_DAYS, is refused
    (`Forbidden`, saying why): someone disabled at the identity provider is out within that
    many days even if they never sign in again."""
    if not secret.startswith(PREFIX) or len(secret) > 100:
        return None
    rows = _CALLER.rows(digest=digest_of(secret))
    if not rows:
        return None
    *values, suspended_at, sso_at, member_id, member_access = rows[0]
    ends = len(_TOKEN_FIELDS), len(_TOKEN_FIELDS) + len(_WORKSPACE_FIELDS)
    token = model_from_row(ApiToken, _TOKEN_FIELDS, values[: ends[0]])
    workspace = model_from_row(Workspace, _WORKSPACE_FIELDS, values[ends[0] : ends[1]])
    user = model_from_row(User, _USER_FIELDS, values[ends[1] :])
    token.workspace, token.user = workspace, user
    now = timezone.now()
    if token.revoked_at is not None or token.expires_at <= now:
        return None
    if member_id is None or not user.is_active:
        return None
    if suspended_at is not None:
        raise Forbidden(f"Your access to {workspace.name} is suspended, and your tokens with it.")
    if workspace.require_sso:
        if isinstance(sso_at, str):  # SQLite's text in UTC; the prepared row skips the converters
            sso_at = parse_datetime(sso_at)
        if sso_at is not None and timezone.is_naive(sso_at):
            sso_at = timezone.make_aware(sso_at, UTC)
        if not sso_vouches(user=user, at=sso_at):
            raise Forbidden(
                f"{workspace.name} requires single sign-on: tokens work for {settings.SSO_REVALIDATE_DAYS} days "
                "after your last SSO sign-in. Sign in with single sign-on on the site, then try again."
            )
    membership = Membership(pk=member_id, user=user, workspace=workspace, access=member_access)
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        token.last_used_at = now.replace(second=0, microsecond=0)
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=token.last_used_at)
    return Caller(token, membership, workspace)


def tokens_of(*, user, workspace: Workspace | None = None) -> list[ApiToken]:
    tokens = ApiToken.objects.filter(user=user).select_related("workspace")
    if workspace is not None:
        tokens = tokens.filter(workspace=workspace)
    return list(tokens)


def workspace_tokens(*, workspace: Workspace) -> list[ApiToken]:
    return list(ApiToken.objects.filter(workspace=workspace).select_related("user", "revoked_by"))


def token_holdings(membership: Membership) -> list[Holding]:
    # Tokens are nobody else's to take over: the removal page says they stop (see tokens_note).
    return []


def tokens_note(membership: Membership) -> list[str]:
    live = ApiToken.objects.filter(
        user_id=membership.user_id,
        workspace_id=membership.workspace_id,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).values_list("name", flat=True)
    names = list(live)
    if not names:
        return []
    listed = ", ".join(f"“{n}”" for n in names)
    return [f"Their API token{'s' if len(names) > 1 else ''} {listed} stop{'' if len(names) > 1 else 's'} working."]


def tokens_by_member(workspace: Workspace) -> dict[int, list[str]]:
    """The live tokens of each member of the workspace, named with their scope. A token acts
    with its owner's access of the moment, so a demoted member's tokens are shown where the
    demotion is made."""
    live = (
        ApiToken.objects.filter(workspace=workspace, revoked_at__isnull=True, expires_at__gt=timezone.now())
        .annotate(
            membership_id=Subquery(
                Membership.objects.filter(workspace_id=OuterRef("workspace_id"), user_id=OuterRef("user_id")).values(
                    "pk"
                )[:1]
            )
        )
        .values_list("membership_id", "name", "scope")
        .order_by("name", "id")
    )
    found: dict[int, list[str]] = {}
    for membership_id, name, scope in live:
        if membership_id is not None:
            found.setdefault(membership_id, []).append(f"API token “{name}” ({scope})")
    return found


def tokens_hand_over(*, membership: Membership, to, actor) -> None:
    ApiToken.objects.filter(
        user_id=membership.user_id, workspace_id=membership.workspace_id, revoked_at__isnull=True
    ).update(revoked_at=timezone.now(), revoked_by=actor)
