"""Making, revoking and counting share links, and the workspace's sharing setting.

A link's secret is 32 random bytes (URL-safe base64), shown once; only its SHA-256 is kept.
Who may make one is the workspace's `share_links_by` (nobody, admins, editors); turning it to
nobody revokes every link at once. A link expires (30 days unless asked, a year at most), and
may hide people's names (the default for the quarter and the pre-read).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import KW_ONLY, dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core.errors import Forbidden, InvalidInput, NotFound
from launches.models import Launch
from raci.models import Matrix
from sharing.models import Kind, ShareLink
from workspaces.handover import Holding
from workspaces.models import Access, Membership, ShareLinksBy, Workspace

DEFAULT_DAYS = 30
MAX_DAYS = 365
MAX_ORIGINS = 10
ORIGIN_MAX = 200
# Names are hidden unless asked otherwise where the page is made for people outside the team.
NAMES_HIDDEN_BY_DEFAULT = {Kind.MATRIX: False, Kind.LAUNCH: False, Kind.QUARTER: True, Kind.PREREAD: True}
# A link's views are counted to the minute of its last view: a page polling for changes is one viewer.
VIEW_PRECISION = timedelta(minutes=1)


def digest_of(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def may_create(membership: Membership) -> bool:
    policy = membership.workspace.share_links_by
    if policy == ShareLinksBy.ADMINS:
        return membership.access == Access.ADMIN
    if policy == ShareLinksBy.EDITORS:
        return membership.access in (Access.ADMIN, Access.EDITOR)
    return False


@dataclass(frozen=True, slots=True)
class NewLink:
    link: ShareLink
    secret: str  # shown once


@dataclass(frozen=True, slots=True)
class Target:
    """What a link shows: a matrix, a launch, or a quarter (for the quarter and the pre-read)."""

    kind: str
    _: KW_ONLY
    matrix: Matrix | None = None
    launch: Launch | None = None
    year: int | None = None
    quarter: int | None = None


@transaction.atomic
def link_create(
    *,
    membership: Membership,
    target: Target,
    days: int = DEFAULT_DAYS,
    hide_names: bool | None = None,
    allow_downloads: bool = False,
) -> NewLink:
    """A new link to `target` made by `membership`, if the workspace lets them make links."""
    workspace = membership.workspace
    if not may_create(membership):
        raise Forbidden("Your access to this workspace does not allow making share links.")
    if target.kind not in Kind.values:
        raise InvalidInput("Pick what the link shows.", "kind")
    if not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise InvalidInput(f"A link lasts from 1 to {MAX_DAYS} days.", "days")
    _check_target(workspace, target)
    secret = secrets.token_urlsafe(32)
    link = ShareLink.objects.create(
        workspace=workspace,
        kind=target.kind,
        matrix=target.matrix if target.kind == Kind.MATRIX else None,
        launch=target.launch if target.kind == Kind.LAUNCH else None,
        year=target.year if target.kind in (Kind.QUARTER, Kind.PREREAD) else None,
        quarter=target.quarter if target.kind in (Kind.QUARTER, Kind.PREREAD) else None,
        digest=digest_of(secret),
        created_by=membership.user,
        expires_at=timezone.now() + timedelta(days=days),
        hide_names=NAMES_HIDDEN_BY_DEFAULT[Kind(target.kind)] if hide_names is None else bool(hide_names),
        allow_downloads=bool(allow_downloads),
    )
    return NewLink(link, secret)


def _check_target(workspace: Workspace, target: Target) -> None:
    """The target is the workspace's own; a foreign one is as missing as a deleted one."""
    if target.kind == Kind.MATRIX:
        if target.matrix is None or target.matrix.workspace_id != workspace.pk:
            raise NotFound("No such matrix.")
    elif target.kind == Kind.LAUNCH:
        if target.launch is None or target.launch.cycle.workspace_id != workspace.pk:
            raise NotFound("No such launch.")
    elif target.year is None or target.quarter not in (1, 2, 3, 4) or not 2000 <= target.year <= 2100:
        raise InvalidInput("Pick a quarter between 2000 and 2100.", "quarter")


@transaction.atomic
def link_revoke(*, link_id: int, workspace: Workspace, actor) -> ShareLink:
    """Revoke a link: an admin any of the workspace's, anyone else their own."""
    link = ShareLink.objects.select_for_update().filter(pk=link_id, workspace=workspace).first()
    if link is None:
        raise NotFound("No such share link.")
    is_admin = Membership.objects.filter(workspace=workspace, user=actor, access=Access.ADMIN).exists()
    if link.created_by_id != actor.pk and not is_admin:
        raise Forbidden("Only an admin revokes another person's share link.")
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.revoked_by = actor
        link.save(update_fields=["revoked_at", "revoked_by"])
    return link


def parse_origins(text: str) -> list[str]:
    """Origins that may frame a page, one per line: `https://host` with an optional port and
    an optional `*.` before the host (every subdomain), as a CSP `frame-ancestors` source."""
    if "\x00" in text:
        raise InvalidInput("An origin cannot hold a NUL character.", "frame_origins")
    lines = [line.strip() for line in text.split() if line.strip()]
    if len(lines) > MAX_ORIGINS:
        raise InvalidInput(f"At most {MAX_ORIGINS} origins.", "frame_origins")
    origins = []
    for line in lines:
        if len(line) > ORIGIN_MAX:
            raise InvalidInput(f"An origin is at most {ORIGIN_MAX} characters.", "frame_origins")
        try:
            parts = urlsplit(line)
            port = parts.port
        except ValueError:
            raise InvalidInput(
                f"“{line[:60]}” is not an origin such as https://wiki.example.com.", "frame_origins"
            ) from None
        host = parts.hostname or ""
        bare = host[2:] if host.startswith("*.") else host
        valid = (
            parts.scheme == "https"
            and not parts.username
            and parts.path in ("", "/")
            and not parts.query
            and not parts.fragment
            and bare.isascii()
            and "." in bare
            and all(label and label.replace("-", "").isalnum() for label in bare.split("."))
        )
        if not valid:
            raise InvalidInput(
                f"“{line[:60]}” is not an origin such as https://wiki.example.com (https only, no path).",
                "frame_origins",
            )
        origin = f"https://{host}" + (f":{port}" if port else "")
        if origin not in origins:
            origins.append(origin)
    return origins


@transaction.atomic
def link_origins_set(*, link_id: int, workspace: Workspace, origins: str) -> ShareLink:
    """The origins that may frame the link's page (admins only; the view checks the access)."""
    link = ShareLink.objects.select_for_update().filter(pk=link_id, workspace=workspace).first()
    if link is None:
        raise NotFound("No such share link.")
    link.frame_origins = "\n".join(parse_origins(origins))
    link.save(update_fields=["frame_origins"])
    return link


@transaction.atomic
def sharing_policy_set(*, workspace: Workspace, who: str, actor) -> int:
    """Who may make share links; "nobody" also revokes every live link. Returns how many
    links were revoked."""
    if who not in ShareLinksBy.values:
        raise InvalidInput("Pick who may make share links.", "share_links_by")
    Workspace.objects.filter(pk=workspace.pk).update(share_links_by=who)
    workspace.share_links_by = who
    if who != ShareLinksBy.NOBODY:
        return 0
    return ShareLink.objects.filter(workspace=workspace, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=actor
    )


def link_viewed(*, link: ShareLink) -> None:
    """Count a view: at most once a minute per link, so a page that polls is one view, and a
    busy link costs one write a minute."""
    now = timezone.now()
    if link.last_viewed_at is not None and now - link.last_viewed_at < VIEW_PRECISION:
        return
    ShareLink.objects.filter(pk=link.pk).update(views=F("views") + 1, last_viewed_at=now)


# Removing a member: the links they made are one holding. Handed to someone, they keep
# working and are listed as that person's; to nobody, they are revoked.


def _live_links(membership: Membership):
    return ShareLink.objects.filter(
        workspace_id=membership.workspace_id,
        created_by_id=membership.user_id,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    )


def link_holdings(membership: Membership) -> list[Holding]:
    count = _live_links(membership).count()
    if not count:
        return []
    return [
        Holding(
            key="share-links",
            group="Share links",
            label=f"{count} live share link{'s' if count != 1 else ''} they made",
            detail="Nobody: the links stop working now. Someone: the links keep working, listed as theirs.",
            nobody_ok=True,
        )
    ]


def links_hand_over(*, membership: Membership, to, actor) -> None:
    if "share-links" not in to:
        return
    heir = to["share-links"]
    links = ShareLink.objects.filter(
        workspace_id=membership.workspace_id, created_by_id=membership.user_id, revoked_at__isnull=True
    )
    if heir is None:
        links.update(revoked_at=timezone.now(), revoked_by=actor)
    else:
        links.update(created_by_id=heir.user_id)
