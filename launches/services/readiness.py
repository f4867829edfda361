"""Readiness items and the go/no-go decision."""

from __future__ import annotations

from types import EllipsisType

from django.db import transaction

from core.errors import InvalidInput, NotFound
from launches import reminders, selectors
from launches.models import (
    GoDecision,
    Launch,
    ReadinessItem,
)
from launches.services.launch import member_of
from raci import changelog


@transaction.atomic
def item_update(
    *,
    launch: Launch,
    item_id: int,
    status: str,
    waive_reason: str = "",
    evidence_url: str | None = None,
    owner_id: int | None | EllipsisType = ...,
    actor=None,
) -> ReadinessItem:
    """Set an item's status (a waiver needs its reason), its evidence link and, when
    `owner_id` is given, the person it belongs to, who is told it is theirs."""
    # Read through the launch, which the item then knows: numbering the change (launches.live)
    # needs no query for the launch's cycle.
    item = launch.items.select_for_update().filter(pk=item_id).first()
    if item is None:
        raise NotFound("No such checklist item.")
    if status not in ReadinessItem.Status.values:
        raise InvalidInput("Pick a status: to do, in progress, done or waived.", "status")
    if item.is_metric and status != item.status:
        raise InvalidInput(
            f"“{item.title}” is done when the launch's primary day-30 metric and its target are "
            "recorded under After launch, and open again when they are cleared.",
            "status",
        )
    waive_reason = (waive_reason or "").strip()
    if status == ReadinessItem.Status.WAIVED and not waive_reason:
        raise InvalidInput(f"Say why “{item.title}” is waived.", "waive_reason")
    if evidence_url is not None:
        evidence_url = evidence_url.strip()
        if evidence_url and not evidence_url.lower().startswith(("https://", "http://")):
            raise InvalidInput("The evidence link must be a web address (https://…).", "evidence_url")
        item.evidence_url = evidence_url[:500]
    reassigned = not isinstance(owner_id, EllipsisType) and owner_id != item.owner_id
    if reassigned and not isinstance(owner_id, EllipsisType):
        item.owner = member_of(launch.cycle.workspace, owner_id, "owner")
        if item.owner is not None and not item.owner.can_edit:
            raise InvalidInput(
                f"{item.owner.display_name} is a viewer and could not mark the item done: pick an "
                "editor, or ask an admin to make them one.",
                "owner",
            )
    item.status = status
    item.waive_reason = waive_reason if status == ReadinessItem.Status.WAIVED else ""
    item.save(update_fields=["status", "waive_reason", "evidence_url", "owner", "updated_at"])
    if reassigned:
        reminders.items_assigned(launch, [item], actor=actor)
    return item


class GoRefused(InvalidInput):
    """ "Go" while something stands in its way: every blocker at once, each with where it is fixed."""

    def __init__(self, blockers):
        count = len(blockers)
        super().__init__(
            f"Not ready for go: {count} thing{'s' if count != 1 else ''} to settle first: "
            + "; ".join(b.text for b in blockers)
            + ".",
            "decision",
        )
        self.blockers = tuple(blockers)


@transaction.atomic
def go_record(*, launch: Launch, decision: str, notes: str = "", actor) -> GoDecision:
    """Record a go/no-go. "Go" is refused (GoRefused, naming every blocker at once) while the
    launch is untiered, unconfirmed (Tier 1 and 2) or has a required item that is neither
    done nor waived: on Tier 1 and 2 that includes "Primary metric and target agreed", done
    once the day-30 metric and its target are recorded ("Key Differences", docs/sources.md: agreed before launch, so the
    readout has something to measure). The blockers are the launch page's own
    (`selectors.readiness_of`), so the page and the refusal never disagree."""
    launch = Launch.objects.select_for_update().select_related("cycle__workspace").get(pk=launch.pk)
    if decision not in GoDecision.Decision.values:
        raise InvalidInput("Decide go or no go.", "decision")
    items = list(launch.items.filter(required=True).select_related("owner_role", "owner__user"))
    readiness = selectors.readiness_of(launch=launch, items=items, today=launch.cycle.workspace.today())
    if decision == GoDecision.Decision.GO and readiness.each:
        raise GoRefused(readiness.each)
    go = GoDecision.objects.create(
        launch=launch, decision=decision, notes=(notes or "").strip(), decided_by=actor, via=changelog.current_via()
    )
    # The channels read the decision beside the readiness it was taken on.
    reminders.go_recorded(go, launch, actor=actor, readiness_line=readiness.line)
    return go
