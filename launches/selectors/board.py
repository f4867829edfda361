"""The board of a cycle: its launches in one query whatever their number."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q

from launches import tiering
from launches.models import (
    Launch,
    LaunchCycle,
)
from launches.selectors.quarter import plan_warnings_of
from launches.selectors.readiness import go_conditions


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
    warnings: list = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return self.launch.tier is not None and self.open_required == 0 and not any(go_conditions(self.launch).values())

    @property
    def metric_missing(self) -> bool:
        return go_conditions(self.launch)["metric_missing"]


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

    @property
    def warning_count(self) -> int:
        return sum(len(card.warnings) for column in self.columns for card in column.cards)


def board_of(*, cycle: LaunchCycle, rubric: tiering.Rubric, today: date) -> Board:
    """The cycle's launches by tier: Untiered first, then each tier of the rubric."""
    open_q = Q(items__required=True, items__status__in=tiering.OPEN)
    launches = (
        Launch.objects.filter(cycle=cycle)
        .select_related("pm_owner__user", "pmm_owner__user", "pm_confirmed_by__user", "pmm_confirmed_by__user")
        .annotate(
            open_required=Count("items", filter=open_q),
            overdue=Count("items", filter=open_q & Q(items__due_date__lt=today)),
        )
    )
    columns = [BoardColumn(None, "Untiered")] + [BoardColumn(t, rubric.tier_name(t)) for t in rubric.tiers]
    by_tier = {c.tier: c for c in columns}
    for launch in launches:
        launch.cycle = cycle
        suggested = tiering.suggest_tier(rubric, launch.scores)
        total = tiering.score_total(rubric, launch.scores) if suggested is not None else None
        column = by_tier.get(launch.tier, columns[-1])  # a tier the rubric dropped shows in the last one
        column.cards.append(
            Card(
                launch,
                suggested,
                rubric.tier_name(suggested) if suggested else "",
                total,
                launch.open_required,
                launch.overdue,
            )
        )
    cards = [card for column in columns for card in column.cards]
    found = plan_warnings_of(cycle=cycle, rubric=rubric, today=today, launches=[card.launch for card in cards])
    for card in cards:
        card.warnings = found.get(card.launch.pk, [])
    return Board(rubric, columns)
