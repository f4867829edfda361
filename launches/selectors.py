"""Reads for launches. The board reads its launches in one query whatever their number."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q

from raci.models import Matrix, Membership, Workspace

from . import tiering
from .models import GoDecision, Launch, LaunchCycle, ReadinessItem, TieringRubric


def rubric_of(*, workspace_id: int) -> tiering.Rubric:
    """The workspace's rubric, or the default one while nobody has edited it."""
    row = TieringRubric.objects.filter(workspace_id=workspace_id).first()
    return row.as_rubric() if row else tiering.DEFAULT_RUBRIC


def cycles_of(*, workspace: Workspace) -> list[LaunchCycle]:
    return list(LaunchCycle.objects.filter(workspace=workspace)
                .annotate(launch_count=Count("launches"),
                          tiered_count=Count("launches", filter=Q(launches__tier__isnull=False))))


def cycle_get(*, workspace: Workspace, slug: str) -> LaunchCycle | None:
    cycle = LaunchCycle.objects.filter(workspace=workspace, slug=slug).first()
    if cycle is not None:
        cycle.workspace = workspace
    return cycle


def launch_get(*, cycle: LaunchCycle, launch_id: int) -> Launch | None:
    launch = (Launch.objects.filter(cycle=cycle, pk=launch_id)
              .select_related("pm_owner__user", "pmm_owner__user", "matrix", "tiered_by__user",
                              "pm_confirmed_by__user", "pmm_confirmed_by__user").first())
    if launch is not None:
        launch.cycle = cycle
    return launch


def members_for_choice(*, workspace: Workspace) -> list[Membership]:
    return list(Membership.objects.filter(workspace=workspace).select_related("user").order_by("user__username"))


def matrices_for_choice(*, workspace: Workspace) -> list[Matrix]:
    return list(Matrix.objects.filter(workspace=workspace).only("id", "name").order_by("name"))


@dataclass(slots=True)
class Card:
    launch: Launch
    suggested: int | None
    suggested_name: str
    total: int | None
    open_required: int
    overdue: int
    # A refused move, shown on the card with what was typed.
    error: str = ""
    reason: str = ""

    @property
    def ready(self) -> bool:
        return self.launch.tier is not None and self.open_required == 0


@dataclass(slots=True)
class BoardColumn:
    tier: int | None
    name: str
    cards: list[Card] = field(default_factory=list)

    @property
    def key(self) -> str:
        return "untiered" if self.tier is None else str(self.tier)


@dataclass(slots=True)
class Board:
    rubric: tiering.Rubric
    columns: list[BoardColumn]

    @property
    def count(self) -> int:
        return sum(len(c.cards) for c in self.columns)

    def card(self, launch_id: int) -> Card | None:
        return next((card for column in self.columns for card in column.cards if card.launch.pk == launch_id), None)


def board_of(*, cycle: LaunchCycle, rubric: tiering.Rubric, today: date) -> Board:
    """The cycle's launches by tier: Untiered first, then each tier of the rubric."""
    open_q = Q(items__required=True, items__status__in=tiering.OPEN)
    launches = (Launch.objects.filter(cycle=cycle)
                .select_related("pm_owner__user", "pmm_owner__user")
                .annotate(open_required=Count("items", filter=open_q),
                          overdue=Count("items", filter=open_q & Q(items__due_date__lt=today))))
    columns = [BoardColumn(None, "Untiered")] + [BoardColumn(t, rubric.tier_name(t)) for t in rubric.tiers]
    by_tier = {c.tier: c for c in columns}
    for launch in launches:
        launch.cycle = cycle
        suggested = tiering.suggest_tier(rubric, launch.scores)
        total = tiering.score_total(rubric, launch.scores) if suggested is not None else None
        column = by_tier.get(launch.tier, columns[-1])  # a tier the rubric dropped shows in the last one
        column.cards.append(Card(launch, suggested, rubric.tier_name(suggested) if suggested else "", total,
                                 launch.open_required, launch.overdue))
    return Board(rubric, columns)


def checklist_of(*, launch: Launch) -> list[ReadinessItem]:
    return list(launch.items.select_related("owner_role", "owner__user"))


def readiness_of(*, launch: Launch, items: list[ReadinessItem], today: date) -> tiering.Readiness:
    return tiering.readiness(
        [tiering.ItemState(i.required, i.status, i.due_date,
                           i.owner.display_name if i.owner_id else (i.owner_role.code if i.owner_role_id else ""))
         for i in items], today=today, tiered=launch.tier is not None)


def go_decisions_of(*, launch: Launch) -> list[GoDecision]:
    return list(launch.go_decisions.select_related("decided_by"))


def lead_codes_of(*, membership: Membership) -> set[str]:
    """Which of PM and PMM the member holds, i.e. as which lead they can confirm a tier."""
    return set(membership.held_roles.filter(role__code__in=("PM", "PMM")).values_list("role__code", flat=True))
