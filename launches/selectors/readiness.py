"""Reads of one launch: its checklist, readiness, go decisions, leads, updates and dependencies."""

from __future__ import annotations

from datetime import date

from launches import tiering
from launches.models import (
    Dependency,
    GoDecision,
    Launch,
    ReadinessItem,
    StatusUpdate,
)
from workspaces.models import Membership


def checklist_of(*, launch: Launch) -> list[ReadinessItem]:
    return list(launch.items.select_related("owner_role", "owner__user"))


def readiness_of(*, launch: Launch, items: list[ReadinessItem], today: date) -> tiering.Readiness:
    conditions = go_conditions(launch)
    if any(i.key == tiering.METRIC_KEY for i in items):
        # The checklist's own "metric and target agreed" item names that blocker already.
        conditions["metric_missing"] = False
    return tiering.readiness(item_states(items), today=today, tiered=launch.tier is not None, **conditions)


def item_owner_label(item: ReadinessItem) -> str:
    """The item's role and person, named as every page names them (`tiering.owner_label`);
    the item's `owner_role` and `owner__user` are loaded with it."""
    return tiering.owner_label(
        item.owner_role.code if item.owner_role_id else "", item.owner.display_name if item.owner_id else ""
    )


def item_states(items: list[ReadinessItem]) -> list[tiering.ItemState]:
    return [
        tiering.ItemState(i.required, i.status, i.due_date, item_owner_label(i), i.title, f"#item-{i.pk}")
        for i in items
    ]


def go_conditions(launch: Launch) -> dict:
    """What "go" asks of the launch besides its checklist: the leads' confirmation and the
    day-30 metric (read from the launch itself, no query)."""
    return {
        "awaiting": tiering.awaiting_leads(
            launch.tier, pm_confirmed=bool(launch.pm_confirmed_by_id), pmm_confirmed=bool(launch.pmm_confirmed_by_id)
        ),
        "metric_missing": tiering.metric_missing(
            launch.tier, has_metric=bool(launch.metric_name and launch.metric_target is not None)
        ),
    }


def go_decisions_of(*, launch: Launch) -> list[GoDecision]:
    return list(launch.go_decisions.select_related("decided_by"))


def lead_codes_of(*, membership: Membership, launch: Launch) -> tuple[str, ...]:
    """As which leads (PM, PMM) the member may confirm the launch's tier; none for viewers."""
    if not membership.can_edit:
        return ()
    return tiering.confirmable_as(
        member_id=membership.pk,
        is_admin=membership.is_admin,
        pm_owner_id=launch.pm_owner_id,
        pmm_owner_id=launch.pmm_owner_id,
    )


def leads_to_confirm_of(*, membership: Membership, launch: Launch) -> tuple[str, ...]:
    """The leads the member may still confirm as: a lead nobody has confirmed yet, and not
    when the member confirmed the other lead (two leads are two people)."""
    confirmed = {"PM": launch.pm_confirmed_by_id, "PMM": launch.pmm_confirmed_by_id}
    if membership.pk in confirmed.values():
        return ()
    return tuple(code for code in lead_codes_of(membership=membership, launch=launch) if not confirmed[code])


def status_updates_of(*, launch: Launch) -> list[StatusUpdate]:
    return list(launch.status_updates.select_related("author__user"))


def dependencies_of(*, launch: Launch) -> list[Dependency]:
    return list(launch.dependencies.select_related("before__cycle"))


def launches_for_choice(*, launch: Launch) -> list[Launch]:
    """Other launches of the workspace this one may wait for."""
    return list(
        Launch.objects.filter(cycle__workspace_id=launch.cycle.workspace_id)
        .exclude(pk=launch.pk)
        .select_related("cycle")
        .order_by("-cycle__year", "-cycle__quarter", "name")
    )
