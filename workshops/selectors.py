"""Reads of a workshop. Blindness lives here: before the reveal, the only proposals any read
returns are the asking participant's own (`proposal_grid`); everyone else, the facilitator
included, gets counts (`progress`). `reveal_board` refuses to read before the reveal."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q

from core.errors import Conflict
from raci import rules
from raci.models import Activity, Cell, Matrix
from raci.selectors import Grid, RoleColumn, matrix_grid
from workshops import reveal
from workshops.models import Proposal, RowNote, Settlement, Workshop
from workspaces.handover import Holding
from workspaces.models import Access, Membership


@dataclass(slots=True)
class WorkshopAccess:
    workshop: Workshop
    membership: Membership
    is_participant: bool

    @property
    def can_facilitate(self) -> bool:
        """The facilitator (while an editor) or a workspace admin reveals, settles and pauses."""
        m = self.membership
        return m.access == Access.ADMIN or (m.access == Access.EDITOR and m.user_id == self.workshop.facilitator_id)


def workshop_access(*, matrix: Matrix, user, workshop_id: int) -> WorkshopAccess | None:
    """The workshop of `matrix` with the user's membership and whether they were invited;
    None when there is no such workshop in the matrix or the user is not a member."""
    workshop = (
        Workshop.objects.filter(matrix_id=matrix.pk, pk=workshop_id)
        .annotate(invited=Count("participants", filter=Q(participants__user_id=user.pk)))
        .first()
    )
    membership = (
        Membership.objects.filter(workspace_id=matrix.workspace_id, user_id=user.pk).select_related("user").first()
    )
    if workshop is None or membership is None:
        return None
    workshop.matrix = matrix
    return WorkshopAccess(workshop, membership, bool(workshop.invited))


def workshop_version(*, matrix: Matrix, workshop_id: int) -> tuple[int, str] | None:
    """(version, status): what a poll compares, in one query."""
    return Workshop.objects.filter(matrix_id=matrix.pk, pk=workshop_id).values_list("version", "status").first()


def workshops_of(*, matrix: Matrix) -> list[Workshop]:
    return list(
        Workshop.objects.filter(matrix=matrix)
        .select_related("facilitator")
        .annotate(n_participants=Count("participants", distinct=True))
    )


def _scope(workshop: Workshop, grid: Grid) -> list:
    in_scope = set(workshop.activities.values_list("pk", flat=True))
    return [a for a in grid.activities if a.id in in_scope]


def proposal_grid(*, workshop: Workshop, participant_id: int) -> Grid:
    """The participant's own proposals on the grid of the activities in scope, checked by
    the rule engine: the same grid, keyboard and findings as the matrix."""
    grid = matrix_grid(matrix=workshop.matrix, check=False)
    grid.activities = _scope(workshop, grid)
    # A proposal is about letters, not about who wears which hat.
    grid.columns = [RoleColumn(c.role_id, c.code, c.name, c.description, c.order) for c in grid.columns]
    grid.people = {}
    grid.cells = {
        (a, r): (v, n)
        for a, r, v, n in Proposal.objects.filter(workshop=workshop, participant_id=participant_id).values_list(
            "activity_id", "role_id", "value", "version"
        )
    }
    grid.recheck()
    # A row left blank is not proposed yet, not an empty activity.
    grid.findings = [f for f in grid.findings if f.rule != "empty-activity"]
    return grid


@dataclass(slots=True)
class Progress:
    # (membership id, name, cells proposed, rows proposed in)
    people: list[tuple[int, str, int, int]]
    n_cells: int
    n_rows: int

    @property
    def proposed(self) -> int:
        return sum(1 for _, _, cells, _ in self.people if cells)

    @property
    def letters(self) -> int:
        return sum(cells for _, _, cells, _ in self.people)


def progress(*, workshop: Workshop, n_roles: int | None = None) -> Progress:
    """Who has proposed and how much: counts only, never values."""
    counts = dict.fromkeys(workshop.participants.values_list("pk", flat=True), (0, 0))
    for participant, cells, rows in (
        Proposal.objects.filter(workshop=workshop)
        .exclude(value="")
        .values_list("participant_id")
        .order_by()
        .annotate(cells=Count("id"), rows=Count("activity_id", distinct=True))
    ):
        counts[participant] = (cells, rows)
    names = {m.pk: m.display_name for m in Membership.objects.filter(pk__in=counts).select_related("user")}
    n_rows = workshop.activities.count()
    if n_roles is None:
        n_roles = workshop.matrix.columns.count()
    people = sorted(((pk, names.get(pk, "?"), c, r) for pk, (c, r) in counts.items()), key=lambda p: p[1].lower())
    return Progress(people, n_rows * n_roles, n_rows)


@dataclass(slots=True)
class Board:
    rows: list[reveal.RowReveal]
    columns: list[RoleColumn]
    # (activity id, role id) -> letter in the matrix now
    current: dict[tuple[int, int], str]
    # (activity id, role id) -> Settlement; (activity id, None) for a split row
    settled: dict[tuple[int, int | None], Settlement]
    notes: dict[int, list[str]] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        tiers: defaultdict[str, int] = defaultdict(int)
        for row in self.rows:
            tiers[row.tier] += 1
        return dict(tiers)


def reveal_board(*, workshop: Workshop) -> Board:
    """Every row's spread in the order to talk about it, with what is settled and what the
    matrix says now. Only after the reveal."""
    if workshop.revealed_at is None:
        raise Conflict("The proposals are not revealed yet.")
    grid = matrix_grid(matrix=workshop.matrix, check=False)
    activities = _scope(workshop, grid)
    data = [rules.ActivityData(a.id, a.name, a.phase) for a in activities]
    roles = [rules.RoleData(c.role_id, c.code, c.name) for c in grid.columns]
    participants = set(workshop.participants.values_list("pk", flat=True))
    proposals = {
        (p, a, r): v
        for p, a, r, v in Proposal.objects.filter(workshop=workshop, participant_id__in=participants)
        .exclude(value="")
        .values_list("participant_id", "activity_id", "role_id", "value")
    }
    rows = reveal.reveal(data, roles, proposals, workshop.matrix.rule_settings)
    current = {key: value for key, (value, _) in grid.cells.items() if value}
    settled = {(s.activity_id, s.role_id): s for s in Settlement.objects.filter(workshop=workshop)}
    notes = defaultdict(list)
    for activity_id, what in RowNote.objects.filter(workshop=workshop).values_list("activity_id", "decision__what"):
        notes[activity_id].append(what)
    return Board(rows, grid.columns, current, settled, dict(notes))


def matrix_letters(*, matrix: Matrix, activity_ids: list[int]) -> dict[tuple[int, int], str]:
    return {
        (a, r): v
        for a, r, v in Cell.objects.filter(activity__matrix=matrix, activity_id__in=activity_ids)
        .exclude(value="")
        .values_list("activity_id", "role_id", "value")
    }


def scope_names(*, workshop: Workshop) -> list[str]:
    return list(
        Activity.objects.filter(pk__in=workshop.activities.all()).order_by("order", "id").values_list("name", flat=True)
    )


def invitable(*, workshop: Workshop) -> list[Membership]:
    """Members of the workspace not invited yet."""
    return list(
        Membership.objects.filter(workspace_id=workshop.matrix.workspace_id)
        .exclude(pk__in=workshop.participants.values("pk"))
        .select_related("user")
        .order_by("user__username")
    )


def workshop_holdings(membership: Membership) -> list[Holding]:
    """The unfinished workshops the member facilitates: someone else (an editor) may take them
    over, or nobody, and the workspace's admins run them."""
    return [
        Holding(
            key=f"workshop:{w.pk}",
            group="Workshops facilitated",
            label=f"{w.title} · {w.matrix.name}",
            detail=w.get_status_display(),
            nobody_ok=True,
            editors_only=True,
        )
        for w in Workshop.objects.filter(
            matrix__workspace_id=membership.workspace_id, facilitator_id=membership.user_id
        )
        .exclude(status=Workshop.Status.CLOSED)
        .select_related("matrix")
        .order_by("created_at", "id")
    ]
