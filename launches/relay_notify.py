"""Who hears about a launch's relay: the next driver of a hand-over (and whoever handed it
when it is accepted), both people when it is dropped, and the other owner when one
answers the joint checkpoint. Through `notifications.notify.emit`, like every other event,
so the webhook and the chat destinations carry them too."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from launches import relay
from launches.models import CheckpointAnswer, Handover, Launch, TieringRubric
from launches.reminders import reminder_event
from notifications.models import NotificationKind
from notifications.notify import emit_many, seen
from workspaces.models import Membership
from workspaces.team_phases import phase_list

Kind = NotificationKind


def _users(*member_ids: int | None) -> set[int]:
    ids = [i for i in member_ids if i]
    return set(Membership.objects.filter(pk__in=ids).values_list("user_id", flat=True)) if ids else set()


def _phase(launch: Launch, key: str) -> str:
    return phase_list(workspace_id=launch.cycle.workspace_id).label(key)


def _data(handover: Handover, launch: Launch) -> dict:
    return {
        "handover": handover.pk,
        "from_phase": handover.from_phase,
        "to_phase": handover.to_phase,
        "from": handover.from_member.display_name if handover.from_member else "",
        "to": handover.to_member.display_name if handover.to_member else "",
        "note": handover.note,
    }


def handed_over(handover: Handover, launch: Launch, *, actor) -> None:
    if handover.accepted_at is not None:
        return  # handed to oneself: nobody else to tell
    title = f"{launch.name} is handed to you for {_phase(launch, handover.to_phase)}: accept it to drive"
    emit_many(
        [
            (
                reminder_event(
                    launch,
                    kind=Kind.HANDOVER,
                    key=f"handover:{handover.pk}",
                    title=title,
                    body=handover.note,
                    actor=actor,
                    anchor="#relay",
                    data=_data(handover, launch),
                ),
                _users(handover.to_member_id),
            )
        ]
    )


def accepted(handover: Handover, launch: Launch, *, actor) -> None:
    told = _users(handover.from_member_id, launch.pm_owner_id, launch.pmm_owner_id) - {actor.pk}
    who = handover.to_member.display_name if handover.to_member else "The next driver"
    emit_many(
        [
            (
                reminder_event(
                    launch,
                    kind=Kind.HANDOVER,
                    key=f"handover_accepted:{handover.pk}",
                    title=f"{who} took the baton: drives {launch.name} in {_phase(launch, handover.to_phase)}",
                    actor=actor,
                    anchor="#relay",
                    data=_data(handover, launch) | {"accepted": True},
                ),
                told,
            )
        ]
    )


def checkpoint_answered(answer: CheckpointAnswer, launch: Launch, *, actor) -> None:
    code = relay.SIDE_CODES[answer.side]
    said = "yes" if answer.answer else "no"
    body = answer.must_change and f"What must change: {answer.must_change}"
    emit_many(
        [
            (
                reminder_event(
                    launch,
                    kind=Kind.CHECKPOINT,
                    key=f"checkpoint:{answer.pk}",
                    title=f"The {code} owner of {launch.name} says {said} at the joint checkpoint",
                    body=body or answer.note,
                    actor=actor,
                    anchor="#checkpoint",
                    data={
                        "side": answer.side,
                        "answer": answer.answer,
                        "note": answer.note,
                        "must_change": answer.must_change,
                    },
                ),
                _users(launch.pm_owner_id, launch.pmm_owner_id) - {actor.pk},
            )
        ]
    )


def dropped_batons_tick(now: datetime | None = None) -> int:
    """Tell both people of each hand-over not accepted within its workspace's days, once."""
    now = now or timezone.now()
    days = dict(TieringRubric.objects.values_list("workspace_id", "handover_days"))
    waiting = Handover.objects.filter(accepted_at__isnull=True, created_at__lte=now - relay.min_wait()).select_related(
        "launch__cycle__workspace", "from_member__user", "to_member__user"
    )
    dropped = [
        h
        for h in waiting
        if relay.is_dropped(
            handed_at=h.created_at,
            accepted_at=h.accepted_at,
            now=now,
            days=days.get(h.launch.cycle.workspace_id, relay.DEFAULT_HANDOVER_DAYS),
        )
    ]
    told_before = seen(f"baton_dropped:{h.pk}" for h in dropped)
    batch = []
    for h in dropped:
        key = f"baton_dropped:{h.pk}"
        if key in told_before:
            continue
        launch = h.launch
        who = h.to_member.display_name if h.to_member else "the next driver"
        batch.append(
            (
                reminder_event(
                    launch,
                    kind=Kind.BATON_DROPPED,
                    key=key,
                    title=f"Dropped baton: {who} has not accepted {launch.name} for {_phase(launch, h.to_phase)}",
                    body=h.note,
                    anchor="#relay",
                    data=_data(h, launch),
                ),
                _users(h.from_member_id, h.to_member_id) | ({h.created_by_id} if h.created_by_id else set()),
            )
        )
    if batch:
        emit_many(batch)
    return len(batch)
