"""Writes of a launch's relay (launches.relay): moving it to the next phase with a
hand-over, accepting a hand-over, answering the joint checkpoint, the workspace's days
before a hand-over is a dropped baton. Each locks the launch's row, so two people moving
the same launch queue; a write made on a stale page (`expected_version`) is refused."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from core.errors import Conflict, Forbidden, InvalidInput, NotFound
from core.text import NAME_MAX
from launches import relay, relay_notify
from launches.models import CheckpointAnswer, Handover, Launch, TieringRubric
from launches.services.rubric import rubric_row_locked
from raci import services as raci_services
from raci.selectors import default_matrix_of
from workspaces.models import Membership, RoleHolder, Workspace
from workspaces.phases import PAIR, PhaseList
from workspaces.team_phases import phase_list


def _locked(launch: Launch, expected_version: int | None) -> Launch:
    locked = Launch.objects.select_for_update().select_related("cycle__workspace").get(pk=launch.pk)
    if expected_version is not None and expected_version != locked.relay_version:
        raise Conflict(
            "Someone moved this launch along, or answered its checkpoint, while you were looking at it; "
            "nothing was saved. Look at the launch again and redo it if it still applies."
        )
    return locked


def codes_driving(phases: PhaseList, phase: str) -> tuple[str, ...]:
    """The role codes that may drive a launch in `phase`: its driver, or the pair for a
    shared or split phase."""
    info = phases.info(phase)
    return (info.drivers if info else ()) or PAIR


def driving_codes(*, workspace_id: int, phase: str) -> tuple[str, ...]:
    return codes_driving(phase_list(workspace_id=workspace_id), phase)


def owns_the_side(launch: Launch, member_id: int, codes: tuple[str, ...]) -> bool:
    """Whether the person owns the launch on a side that drives (its PM owner for a PM-driven phase)."""
    owners = {"PM": launch.pm_owner_id, "PMM": launch.pmm_owner_id}
    return any(owners.get(code) == member_id for code in codes)


def may_drive(launch: Launch, member: Membership, phase: str) -> bool:
    """A person may drive the phase when they hold one of its driving roles, or own the
    launch on that side."""
    codes = driving_codes(workspace_id=launch.cycle.workspace_id, phase=phase)
    if owns_the_side(launch, member.pk, codes):
        return True
    return RoleHolder.objects.filter(membership=member, role__code__in=codes).exists()


def _member(launch: Launch, member_id: int | None) -> Membership | None:
    """A member of the launch's workspace by id (another workspace's id finds nobody)."""
    if member_id is None:
        return None
    return Membership.objects.filter(workspace_id=launch.cycle.workspace_id, pk=member_id).first()


def _may_move(launch: Launch, member: Membership) -> bool:
    return member.is_admin or member.pk in (launch.pm_owner_id, launch.pmm_owner_id, launch.driver_id)


@transaction.atomic
def launch_advance(
    *, launch: Launch, actor: Membership, to_member_id: int | None, note: str, expected_version: int | None
) -> Handover:
    """Move the launch to its next phase and hand it to that phase's driver. Leaving
    Strategy needs the joint checkpoint signed (both owners said yes)."""
    launch = _locked(launch, expected_version)
    if not _may_move(launch, actor):
        raise Forbidden("Only the launch's owners, its driver or an admin move it to the next phase.")
    order = [p.key for p in phase_list(workspace_id=launch.cycle.workspace_id)]
    to_phase = relay.next_phase(order, launch.phase)
    if to_phase is None:
        raise InvalidInput("The launch is in the last phase already.")
    if launch.phase == relay.CHECKPOINT_PHASE and not checkpoint_for(launch=launch).signed:
        raise InvalidInput(
            "Build cannot start before the joint checkpoint is signed: the PM owner and the PMM owner "
            "each answer yes first."
        )
    try:
        note = relay.clean_note(note, "what is handed over", required=True)
    except ValueError as error:
        raise InvalidInput(str(error), "note") from None
    to_member = _member(launch, to_member_id)
    if to_member is None:
        raise InvalidInput("Choose who drives the next phase.", "to_member")
    if not may_drive(launch, to_member, to_phase):
        codes = " or ".join(driving_codes(workspace_id=launch.cycle.workspace_id, phase=to_phase))
        raise InvalidInput(f"{to_member.display_name} holds no role that drives the next phase ({codes}).", "to_member")
    now = timezone.now()
    handover = Handover.objects.create(
        launch=launch,
        from_phase=launch.phase,
        to_phase=to_phase,
        from_member_id=launch.driver_id,
        to_member=to_member,
        note=note,
        created_by=actor.user,
        created_at=now,
        # Handing to oneself needs no acceptance.
        accepted_at=now if to_member.pk == actor.pk else None,
    )
    launch.phase = to_phase
    launch.driver = to_member if handover.accepted_at else None
    launch.relay_version += 1
    launch.save(update_fields=["phase", "driver", "relay_version"])
    relay_notify.handed_over(handover, launch, actor=actor.user)
    return handover


@transaction.atomic
def handover_accept(*, launch: Launch, handover_id: int, member: Membership) -> Handover:
    """The next driver takes the baton: they drive the launch from now."""
    launch = _locked(launch, None)
    handover = Handover.objects.select_for_update().filter(launch=launch, pk=handover_id).first()
    if handover is None:
        raise NotFound("That hand-over no longer exists.")
    if handover.to_member_id != member.pk:
        raise Forbidden("Only the person the launch is handed to accepts it.")
    if handover.accepted_at is not None:
        return handover
    handover.accepted_at = timezone.now()
    handover.save(update_fields=["accepted_at"])
    if launch.phase == handover.to_phase:
        launch.driver = member
        launch.relay_version += 1
        launch.save(update_fields=["driver", "relay_version"])
    relay_notify.accepted(handover, launch, actor=member.user)
    return handover


@transaction.atomic
def driver_set(*, launch: Launch, actor: Membership, member_id: int | None) -> Launch:
    """Name who drives the launch's current phase (a launch starts without a driver)."""
    launch = _locked(launch, None)
    if not _may_move(launch, actor):
        raise Forbidden("Only the launch's owners, its driver or an admin name its driver.")
    member = _member(launch, member_id)
    if member is None or not may_drive(launch, member, launch.phase):
        raise InvalidInput("Choose someone who holds a role that drives this phase.", "driver")
    launch.driver = member
    launch.relay_version += 1
    launch.save(update_fields=["driver", "relay_version"])
    return launch


def checkpoint_for(*, launch: Launch) -> relay.Checkpoint:
    return relay.checkpoint_of(
        relay.Answer(a.side, a.answer, a.note, a.must_change, a.member.display_name if a.member else "", a.answered_at)
        for a in CheckpointAnswer.objects.filter(launch=launch).select_related("member__user")
    )


def sides_of(launch: Launch, member: Membership) -> list[str]:
    """The checkpoint sides a person answers: their side as the launch's PM or PMM owner."""
    return [
        side for side, owner in ((relay.PM, launch.pm_owner_id), (relay.PMM, launch.pmm_owner_id)) if owner == member.pk
    ]


@transaction.atomic
def checkpoint_answer(
    *,
    launch: Launch,
    member: Membership,
    side: str,
    answer: bool,
    note: str,
    must_change: str = "",
    expected_version: int | None,
) -> CheckpointAnswer:
    """One owner's answer to the joint checkpoint, recorded in the decision log (of the
    launch's matrix, else the workspace's default one). A "no" says what must change."""
    launch = _locked(launch, expected_version)
    if side not in relay.SIDE_CODES:
        raise InvalidInput("Answer as the PM owner or the PMM owner.", "side")
    if side not in sides_of(launch, member):
        raise Forbidden(f"Only the launch's {relay.SIDE_CODES[side]} owner answers the checkpoint for that side.")
    try:
        note = relay.clean_note(note, "the note")
        must_change = relay.clean_note(must_change, "what must change", required=not answer) if not answer else ""
    except ValueError as error:
        raise InvalidInput(str(error), "must_change" if "change" in str(error) else "note") from None
    now = timezone.now()
    code = relay.SIDE_CODES[side]
    matrix = launch.matrix or default_matrix_of(workspace_id=launch.cycle.workspace_id)
    decision = None
    if matrix is not None:
        what = f"{launch.name}: joint checkpoint, {code} owner says {'yes' if answer else 'no'}"
        why = f"{relay.CHECKPOINT_QUESTION} ({relay.CHECKPOINT_SOURCE})"
        if note:
            why += f"\n\n{note}"
        if must_change:
            why += f"\n\nWhat must change: {must_change}"
        decision = raci_services.decision_add(
            matrix=matrix,
            actor=member.user,
            what=what[:NAME_MAX],
            why=why,
            activity_id=None,
            decided_by_id=member.user_id,
            decided_on=launch.cycle.workspace.today(),
            review_on=None,
        )
    given = CheckpointAnswer.objects.create(
        launch=launch,
        side=side,
        member=member,
        answer=answer,
        note=note,
        must_change=must_change,
        answered_at=now,
        decision=decision,
    )
    launch.relay_version += 1
    launch.save(update_fields=["relay_version"])
    relay_notify.checkpoint_answered(given, launch, actor=member.user)
    return given


@transaction.atomic
def handover_days_set(*, workspace: Workspace, days: int) -> TieringRubric:
    """How many days a hand-over may wait for its acceptance before it is a dropped baton."""
    if not 1 <= days <= relay.HANDOVER_DAYS_MAX:
        raise InvalidInput(f"Between 1 and {relay.HANDOVER_DAYS_MAX} days.", "handover_days")
    row = rubric_row_locked(workspace=workspace)
    row.handover_days = days
    row.save(update_fields=["handover_days", "updated_at"])
    return row
