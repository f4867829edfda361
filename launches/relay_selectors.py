"""Reads of launches' relay (launches.relay): a launch page's relay panel, and the flags
the board, the quarter view and the tiering pre-read show for many launches at once."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from launches import relay
from launches.models import CheckpointAnswer, Handover, Launch, TieringRubric
from launches.services.relay import checkpoint_for, codes_driving, owns_the_side, sides_of
from workspaces.models import Membership, RoleHolder
from workspaces.phases import PhaseList
from workspaces.team_phases import phase_list


def handover_days_of(*, workspace_id: int) -> int:
    found = TieringRubric.objects.filter(workspace_id=workspace_id).values_list("handover_days", flat=True).first()
    return found or relay.DEFAULT_HANDOVER_DAYS


@dataclass(slots=True)
class PhaseStep:
    key: str
    name: str
    relay_label: str
    state: str  # "done", "current" or "ahead"


@dataclass(slots=True)
class RelayPanel:
    launch: Launch
    steps: list[PhaseStep]
    phase_label: str
    driver: Membership | None
    driving: str  # who may drive the current phase: "PM", "PM or PMM"
    handovers: list[Handover]
    pending: Handover | None
    dropped: bool
    checkpoint: relay.Checkpoint
    gate_closed: bool  # in Strategy without a signed checkpoint: Build cannot start
    unsigned_past: bool  # past Strategy without a signed checkpoint (made before the relay)
    next_key: str | None
    next_label: str
    candidates: list[Membership] = field(default_factory=list)
    driver_candidates: list[Membership] = field(default_factory=list)
    can_move: bool = False
    can_accept: bool = False
    needs_driver: bool = False  # nobody drives and no hand-over waits for someone still here
    my_sides: list[str] = field(default_factory=list)
    handover_days: int = relay.DEFAULT_HANDOVER_DAYS
    question: str = relay.CHECKPOINT_QUESTION
    source: str = relay.CHECKPOINT_SOURCE


def _dropped(handover: Handover, now: datetime, days: int) -> bool:
    return relay.is_dropped(handed_at=handover.created_at, accepted_at=handover.accepted_at, now=now, days=days)


def relay_panel(*, launch: Launch, membership: Membership, now: datetime | None = None) -> RelayPanel:
    now = now or timezone.now()
    workspace_id = launch.cycle.workspace_id
    phases = phase_list(workspace_id=workspace_id)
    order = [p.key for p in phases]
    current = order.index(launch.phase) if launch.phase in order else -1
    steps = [
        PhaseStep(p.key, p.name, p.relay_label, "current" if i == current else "done" if i < current else "ahead")
        for i, p in enumerate(phases)
    ]
    days = handover_days_of(workspace_id=workspace_id)
    handovers = list(
        Handover.objects.filter(launch=launch)
        .select_related("from_member__user", "to_member__user")
        .order_by("created_at", "id")
    )
    for h in handovers:
        h.dropped = _dropped(h, now, days)  # type: ignore[attr-defined]
        h.due = relay.baton_due(h.created_at, days)  # type: ignore[attr-defined]
        h.from_label = phases.label(h.from_phase)  # type: ignore[attr-defined]
        h.to_label = phases.label(h.to_phase)  # type: ignore[attr-defined]
    pending = next((h for h in reversed(handovers) if h.accepted_at is None and h.to_phase == launch.phase), None)
    checkpoint = checkpoint_for(launch=launch)
    next_key = relay.next_phase(order, launch.phase)
    members = list(
        Membership.objects.filter(workspace_id=workspace_id).select_related("user").order_by("user__username")
    )
    can_move = membership.is_admin or membership.pk in (launch.pm_owner_id, launch.pmm_owner_id, launch.driver_id)
    here_codes = codes_driving(phases, launch.phase)
    next_codes = codes_driving(phases, next_key) if next_key else ()
    # Who holds a driving role of this phase or the next: one query for every member.
    held: dict[int, set[str]] = defaultdict(set)
    if can_move:
        for member_id, code in RoleHolder.objects.filter(
            membership__workspace_id=workspace_id, role__code__in={*here_codes, *next_codes}
        ).values_list("membership_id", "role__code"):
            held[member_id].add(code)

    def may_drive_with(member: Membership, codes: tuple[str, ...]) -> bool:  # as services.relay.may_drive
        return owns_the_side(launch, member.pk, codes) or bool(held[member.pk] & set(codes))

    return RelayPanel(
        launch=launch,
        steps=steps,
        phase_label=phases.label(launch.phase),
        driver=launch.driver,
        driving=" or ".join(here_codes),
        handovers=handovers,
        pending=pending,
        dropped=bool(pending and pending.dropped),  # type: ignore[attr-defined]
        checkpoint=checkpoint,
        gate_closed=launch.phase == relay.CHECKPOINT_PHASE and not checkpoint.signed,
        unsigned_past=relay.past_checkpoint(order, launch.phase) and not checkpoint.signed,
        next_key=next_key,
        next_label=phases.label(next_key) if next_key else "",
        candidates=[m for m in members if may_drive_with(m, next_codes)] if next_key and can_move else [],
        driver_candidates=[m for m in members if may_drive_with(m, here_codes)] if can_move else [],
        can_move=can_move and membership.can_edit,
        can_accept=bool(pending and pending.to_member_id == membership.pk),
        needs_driver=launch.driver_id is None and (pending is None or pending.to_member_id is None),
        my_sides=sides_of(launch, membership) if membership.can_edit else [],
        handover_days=days,
    )


@dataclass(frozen=True, slots=True)
class RelayFlags:
    phase_label: str
    dropped: bool
    unsigned_past: bool


def relay_flags(*, launches: Iterable[Launch], workspace_id: int, now: datetime | None = None) -> dict[int, RelayFlags]:
    """Per launch: its phase's name, whether a hand-over of it is a dropped baton, and
    whether it is past Strategy without a signed checkpoint. Two queries for any number
    of launches (the phases, the hand-overs waiting), one more when a hand-over waits (the
    workspace's days) and one when a launch is past Strategy (the checkpoint's answers)."""
    launches = list(launches)
    if not launches:
        return {}
    now = now or timezone.now()
    phases: PhaseList = phase_list(workspace_id=workspace_id)
    order = [p.key for p in phases]
    ids = [launch.pk for launch in launches]
    waiting = list(
        Handover.objects.filter(launch_id__in=ids, accepted_at__isnull=True).only(
            "launch_id", "created_at", "accepted_at"
        )
    )
    days = handover_days_of(workspace_id=workspace_id) if waiting else relay.DEFAULT_HANDOVER_DAYS
    dropped = {h.launch_id for h in waiting if _dropped(h, now, days)}
    past = [launch.pk for launch in launches if relay.past_checkpoint(order, launch.phase)]
    answers: dict[int, list[relay.Answer]] = {}
    if past:
        rows = CheckpointAnswer.objects.filter(launch_id__in=past).order_by("answered_at", "id")
        for launch_id, side, answer in rows.values_list("launch_id", "side", "answer"):
            answers.setdefault(launch_id, []).append(relay.Answer(side, answer))
    return {
        launch.pk: RelayFlags(
            phases.label(launch.phase),
            launch.pk in dropped,
            launch.pk in past and not relay.checkpoint_of(answers.get(launch.pk, [])).signed,
        )
        for launch in launches
    }


def unsigned_past_strategy(*, launches: Iterable[Launch], workspace_id: int) -> list[Launch]:
    """The launches past Strategy without a signed checkpoint, for the pre-read and the quarter view."""
    launches = list(launches)
    flags = relay_flags(launches=launches, workspace_id=workspace_id)
    return [launch for launch in launches if flags[launch.pk].unsigned_past]


def mark_relay(*, launches: list[Launch]) -> None:
    """Give each launch its `relay` flags (`RelayFlags`), for a page listing many."""
    if not launches:
        return
    flags = relay_flags(launches=launches, workspace_id=launches[0].cycle.workspace_id)
    for launch in launches:
        launch.relay = flags[launch.pk]  # type: ignore[attr-defined]


@dataclass(slots=True)
class OpenCheckpoint:
    launch: Launch
    phase_label: str
    checkpoint: relay.Checkpoint
    my_sides: list[str]


CHECKPOINTS_SHOWN = 50


def open_checkpoints(*, membership: Membership) -> list[OpenCheckpoint]:
    """The workspace's launches at Strategy or past it, not launched yet, whose joint
    checkpoint is not signed: what a meeting can answer (the person's own sides)."""
    workspace_id = membership.workspace_id
    phases = phase_list(workspace_id=workspace_id)
    order = [p.key for p in phases]
    if relay.CHECKPOINT_PHASE not in order:
        return []
    at_or_past = order[order.index(relay.CHECKPOINT_PHASE) :]
    launches = list(
        Launch.objects.filter(cycle__workspace_id=workspace_id, phase__in=at_or_past, launched_on__isnull=True)
        .select_related("cycle", "pm_owner__user", "pmm_owner__user")
        .order_by("launch_date", "name", "id")[: CHECKPOINTS_SHOWN * 2]
    )
    answers: dict[int, list[relay.Answer]] = {}
    rows = (
        CheckpointAnswer.objects.filter(launch__in=launches)
        .select_related("member__user")
        .order_by("answered_at", "id")
    )
    for a in rows:
        by = a.member.display_name if a.member else ""
        answers.setdefault(a.launch_id, []).append(
            relay.Answer(a.side, a.answer, a.note, a.must_change, by, a.answered_at)
        )
    found = []
    for launch in launches:
        checkpoint = relay.checkpoint_of(answers.get(launch.pk, []))
        if checkpoint.signed:
            continue
        mine = sides_of(launch, membership) if membership.can_edit else []
        found.append(OpenCheckpoint(launch, phases.label(launch.phase), checkpoint, mine))
    return found[:CHECKPOINTS_SHOWN]
