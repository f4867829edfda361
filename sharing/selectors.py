"""Reads for share links: the live link behind a secret, the links an admin or a member
sees, what each kind of link shows (through the pages' own selectors and renderers, read
only), its version for "changed since N", and the names a page must not show."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from html import escape

from django.db.models import Count, Max, Q, Sum
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from launches import selectors as launch_selectors
from launches import tiering
from launches.models import Dependency, GoDecision, Launch, ReadinessItem, StatusUpdate
from raci import selectors as raci_selectors
from raci.grid_render import matrix_table_html
from raci.models import Matrix
from raci.panel_render import findings_html
from raci.views.page import grid_context
from sharing.models import Kind, ShareLink
from sharing.services import digest_of
from workspaces.models import Membership, ShareLinksBy, Workspace

# secrets.token_urlsafe(32) is 43 characters: anything else was never a link.
SECRET_LENGTH = 43
_SECRET = re.compile(r"[A-Za-z0-9_-]{43}")


def live_link(secret: str) -> ShareLink | None:
    """The link whose secret this is, if it still works: not expired, not revoked, and the
    workspace still shares. A made-up secret costs no query."""
    if not isinstance(secret, str) or not _SECRET.fullmatch(secret):
        return None
    link = (
        ShareLink.objects.select_related("workspace", "matrix__workspace", "launch__cycle__workspace")
        .filter(digest=digest_of(secret))
        .first()
    )
    if link is None or not link.is_live() or link.workspace.share_links_by == ShareLinksBy.NOBODY:
        return None
    return link


def links_of(*, workspace: Workspace, user=None) -> list[ShareLink]:
    """The workspace's links, newest first (only `user`'s own when given), with what they show."""
    links = ShareLink.objects.filter(workspace=workspace).select_related(
        "created_by", "revoked_by", "matrix", "launch__cycle"
    )
    if user is not None:
        links = links.filter(created_by=user)
    return list(links)


def live_count(*, workspace: Workspace) -> int:
    return ShareLink.objects.filter(workspace=workspace, revoked_at__isnull=True, expires_at__gt=timezone.now()).count()


def what_of(link: ShareLink) -> str:
    """What the link shows, in a few words, as the links list and the page's title say it."""
    if link.kind == Kind.MATRIX and link.matrix is not None:
        return f"Matrix “{link.matrix.name}”"
    if link.kind == Kind.LAUNCH and link.launch is not None:
        return f"Launch “{link.launch.name}” ({link.launch.cycle.name})"
    if link.kind == Kind.QUARTER:
        return f"{link.year}-Q{link.quarter} at a glance"
    return f"{link.year}-Q{link.quarter} pre-read"


def targets_of(*, workspace: Workspace) -> dict:
    """What a new link may show: the workspace's matrices and launches, newest cycles first."""
    return {
        "matrices": list(Matrix.objects.filter(workspace=workspace).order_by("name", "id").only("id", "name", "slug")),
        "launches": list(
            Launch.objects.filter(cycle__workspace=workspace)
            .select_related("cycle")
            .order_by("-cycle__year", "-cycle__quarter", "name", "id")
        ),
    }


# What a page must not show when names are hidden: every member's name, username and e-mail
# address, removed from the page's text as a last guard after the page left them out.
MIN_NAME = 2


def names_of(*, workspace: Workspace) -> list[str]:
    people = Membership.objects.filter(workspace=workspace).values_list(
        "user__first_name", "user__last_name", "user__username", "user__email"
    )
    found: set[str] = set()
    for first, last, username, email in people:
        full = f"{first} {last}".strip()
        found.update(n for n in (full, username, email) if n and len(n.strip()) >= MIN_NAME)
    return sorted(found, key=len, reverse=True)


def names_pattern(names: list[str], *, escaped: bool) -> re.Pattern[str]:
    """Any of `names` as a whole word (not inside an address or a longer name); `escaped`
    matches them as HTML prints them. `names` is longest first, so a full name wins."""
    alternatives = "|".join(re.escape(escape(n) if escaped else n) for n in names)
    return re.compile(rf"(?<![\w@./-])(?:{alternatives})(?![\w@/-]|\.\w)")


_TAG = re.compile(r"(<[^>]*>)")
# Attributes whose values people read: a name in them is as visible as in the text.
_READ_ATTRIBUTE = re.compile(r'(\b(?:title|aria-label|alt|content)=")([^"]*)(")')


def hide_names(html: str, names: list[str]) -> str:
    """`html` with each whole-word occurrence of a name in its text (and in the attributes
    people read: titles, labels) replaced by "someone". Tags themselves, addresses and class
    names are left alone, so a username that is also a word of the markup breaks nothing.
    Names are matched escaped, as the templates print them."""
    if not names:
        return html
    name = names_pattern(names, escaped=True)

    def text(part: str) -> str:
        return name.sub("someone", part)

    parts = _TAG.split(html)
    for i, part in enumerate(parts):
        if i % 2:  # a tag
            parts[i] = _READ_ATTRIBUTE.sub(lambda m: m.group(1) + text(m.group(2)) + m.group(3), part)
        else:
            parts[i] = text(part)
    return "".join(parts)


def role_only(label: str) -> str:
    """An owner label ("PMM · Sam Lee", `tiering.owner_label`) as its role alone."""
    code, sep, _person = label.partition(" · ")
    if sep:
        return code
    return label if label == "no owner" else "someone without a role"


# What each kind of link shows.


@dataclass(frozen=True)
class MatrixView:
    matrix: Matrix
    table: SafeString
    findings: SafeString
    counts: dict
    pager: dict | None
    sourced: list
    columns: list


def matrix_view(*, link: ShareLink, page: int | None) -> MatrixView:
    """The matrix's grid, findings and where its letters come from, as its page draws them,
    read only and with no link into the workspace."""
    matrix = link.matrix
    assert matrix is not None
    grid = raci_selectors.matrix_grid(matrix=matrix)
    context = grid_context(grid, editable=False, page=page)
    table = matrix_table_html(
        name=matrix.name, columns=context["columns"], groups=context["groups"], editable=False, links=None
    )

    def in_page(item: dict) -> dict:
        # A finding on a row of another page of a big matrix links into the workspace: not here.
        return item if item["href"].startswith("#") else {**item, "href": ""}

    panel = [in_page(item) for item in context["panel"]]
    accepted = [in_page(item) for item in context["accepted"]]
    return MatrixView(
        matrix=matrix,
        table=mark_safe(table),  # the renderer escapes every piece of user text
        findings=mark_safe(findings_html(panel, accepted, editable=False, links=False)),
        counts=context["counts"],
        pager=context["pager"],
        sourced=context["sourced"],
        columns=context["columns"],
    )


def quarter_view(*, link: ShareLink, names: bool) -> dict:
    """The quarter at a glance (tier board with readiness, load by week, plan warnings) and,
    for the pre-read, its summary and rows. Without names, owners are their roles alone."""
    workspace = link.workspace
    rubric = launch_selectors.rubric_of(workspace_id=workspace.pk)
    today = workspace.today()
    assert link.year is not None and link.quarter is not None
    plan = launch_selectors.quarter_plan_of(
        workspace=workspace, year=link.year, quarter=link.quarter, rubric=rubric, today=today
    )
    rows, summary = launch_selectors.preread_of(plan=plan, rubric=rubric) if link.kind == Kind.PREREAD else ([], None)
    by_owner = plan.by_owner
    if not names:
        grouped: dict[str, list] = {}
        for owner, found in by_owner:
            grouped.setdefault(role_only(owner), []).extend(found)
        by_owner = sorted(grouped.items(), key=lambda kv: kv[0].lower())
        rows = [
            replace(
                r,
                pm_owner="assigned" if r.pm_owner else "",
                pmm_owner="assigned" if r.pmm_owner else "",
                waiting_on=tuple(dict.fromkeys(role_only(w) for w in r.waiting_on)),
            )
            for r in rows
        ]
    return {
        "plan": plan,
        "today": today,
        "by_owner": by_owner,
        "by_week": [
            (week, [(r, r.owner if names else role_only(r.owner)) for r in found]) for week, found in plan.by_week
        ],
        "load_rows": plan.load_rows if names else [],
        "rows": rows,
        "summary": summary,
    }


def launch_view(*, link: ShareLink, names: bool) -> dict:
    """One launch: its readiness checklist with owners and dates, and where go/no-go stands."""
    launch = link.launch
    assert launch is not None
    rubric = launch_selectors.rubric_of(workspace_id=link.workspace_id)
    today = link.workspace.today()
    items = launch_selectors.checklist_of(launch=launch)
    lines = [(item, launch_selectors.item_owner_label(item)) for item in items]
    if not names:
        lines = [(item, role_only(label)) for item, label in lines]
    return {
        "launch": launch,
        "cycle": launch.cycle,
        "today": today,
        "tier_name": rubric.tier_name(launch.tier) if launch.tier else "Untiered",
        "lines": lines,
        "readiness": launch_selectors.readiness_of(launch=launch, items=items, today=today),
        "decisions": launch_selectors.go_decisions_of(launch=launch),
        "plan_warnings": launch_selectors.plan_warnings_of(cycle=launch.cycle, rubric=rubric, today=today).get(
            launch.pk, []
        ),
        "lead_days": tiering.lead_days(launch.tier, rubric),
    }


def version_of(link: ShareLink) -> int:
    """A number that changes whenever what the link shows changes: the matrix's change
    sequence, or a fingerprint of the launches' and their items' state (two or three
    aggregate queries, no page drawn)."""
    if link.kind == Kind.MATRIX:
        return Matrix.objects.filter(pk=link.matrix_id or 0).values_list("last_seq", flat=True).first() or 0
    if link.kind == Kind.LAUNCH:
        launches = Launch.objects.filter(pk=link.launch_id or 0)
        scope = Q(launch_id=link.launch_id)
    else:
        year, quarter = link.year or 0, link.quarter or 0
        launches = Launch.objects.filter(
            cycle__workspace_id=link.workspace_id, cycle__year=year, cycle__quarter=quarter
        )
        scope = Q(launch__cycle__workspace_id=link.workspace_id, launch__cycle__year=year) & Q(
            launch__cycle__quarter=quarter
        )
    state = list(
        launches.order_by("pk").values_list(
            "pk",
            "name",
            "tier",
            "status",
            "launch_date",
            "ship_date",
            "relay_version",
            "pm_owner_id",
            "pmm_owner_id",
            "pm_confirmed_by_id",
            "pmm_confirmed_by_id",
            "outcome",
            "metric_name",
        )
    )
    items = ReadinessItem.objects.filter(scope).aggregate(n=Count("id"), at=Max("updated_at"), owners=Sum("owner_id"))
    extra = [
        GoDecision.objects.filter(scope).aggregate(n=Count("id"))["n"],
        StatusUpdate.objects.filter(scope).aggregate(n=Count("id"))["n"],
        Dependency.objects.filter(scope).aggregate(n=Count("id"))["n"],
    ]
    digest = hashlib.sha256(repr((state, items, extra)).encode()).digest()
    return int.from_bytes(digest[:6], "big")
