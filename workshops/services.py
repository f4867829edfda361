"""Writes of a workshop: open it, propose, reveal, pause and resume, settle into the matrix.

Settling writes through the matrix's front door (`raci.services.cells_set`): one group per
settlement, labelled "From the workshop of 3 Dec, 7 of 9 agreed", refused with what
changed when the matrix changed after the facilitator looked (`since`), undoable from the
matrix's history. Errors are `core.errors`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core import push
from core.errors import Conflict, InvalidInput, NotFound
from core.text import clean_name
from raci import services as raci_services
from raci.models import Activity, Column, Matrix
from raci.rules import DISPLAY
from workshops import notices, reveal
from workshops.concerns import SHARED_CONCERNS, SHARED_ROLES
from workshops.models import Proposal, RowNote, Settlement, Workshop
from workspaces.models import Membership, Role, Workspace

MAX_PARTICIPANTS = 200
NOTE_MAX = 500

Status = Workshop.Status


def _bump(workshop: Workshop) -> None:
    Workshop.objects.filter(pk=workshop.pk).update(version=F("version") + 1, updated_at=timezone.now())
    workshop.version += 1
    # Open pages' streams hear the new version (never what changed: proposals are blind);
    # each page fetches its own view of it.
    push.publish_on_commit(push.channel("workshop", workshop.pk), lambda: {"kind": "changed", "seq": workshop.version})


def _locked(workshop: Workshop) -> Workshop:
    """The workshop's current row, locked until commit: status changes and settlements of one
    workshop happen one after another."""
    fresh = Workshop.objects.select_for_update().filter(pk=workshop.pk).first()
    if fresh is None:
        raise NotFound("The workshop was deleted.")
    workshop.status, workshop.resume_to, workshop.version = fresh.status, fresh.resume_to, fresh.version
    workshop.revealed_at = fresh.revealed_at
    return workshop


def _clean_title(title: str) -> str:
    if "\x00" in (title or ""):
        raise InvalidInput("The title cannot contain a NUL character.", "title")
    return clean_name(title, "workshop", "title")


def held_on_label(workshop: Workshop) -> str:
    """ "3 Dec": the day the workshop was opened, as settlements name it."""
    day = timezone.localdate(workshop.created_at) if workshop.created_at else timezone.localdate()
    return f"{day.day} {day:%b}"


@transaction.atomic
def workshop_open(
    *,
    matrix: Matrix,
    facilitator: Membership,
    title: str,
    activity_ids: Iterable[int] = (),
    participant_ids: Iterable[int] = (),
) -> Workshop:
    """Open a workshop on `matrix` for the activities in scope (all of them when none are
    given) with the invited members; the facilitator (an editor) takes part too. Viewers
    may be invited: a proposal is not an edit of the matrix."""
    if facilitator.workspace_id != matrix.workspace_id or not facilitator.can_edit:
        raise InvalidInput("Only an editor of the workspace can facilitate a workshop.", "facilitator")
    title = _clean_title(title)
    in_matrix = list(Activity.objects.filter(matrix=matrix).values_list("pk", flat=True))
    wanted = set(activity_ids)
    if wanted - set(in_matrix):
        raise InvalidInput("Pick the activities among the matrix's own.", "activities")
    scope = [pk for pk in in_matrix if pk in wanted] if wanted else in_matrix
    if not scope:
        raise InvalidInput(
            "The matrix has no activities yet: add some, or start from the shared concerns.", "activities"
        )
    invited = set(participant_ids) | {facilitator.pk}
    if len(invited) > MAX_PARTICIPANTS:
        raise InvalidInput(f"A workshop takes at most {MAX_PARTICIPANTS} people.", "participants")
    members = list(
        Membership.objects.filter(workspace_id=matrix.workspace_id, pk__in=invited).values_list("pk", flat=True)
    )
    if len(members) != len(invited):
        raise InvalidInput("Invite members of the workspace only.", "participants")
    workshop = Workshop.objects.create(matrix=matrix, facilitator=facilitator.user, title=title)
    workshop.activities.set(scope)
    workshop.participants.set(members)
    notices.invited(workshop, set(members) - {facilitator.pk}, actor=facilitator.user)
    return workshop


@transaction.atomic
def workshop_invite(*, workshop: Workshop, participant_ids: Iterable[int], actor=None) -> int:
    """Invite more members, who are told; returns how many joined."""
    _locked(workshop)
    if workshop.status == Status.CLOSED:
        raise Conflict("The workshop is closed.")
    wanted = set(participant_ids)
    members = set(
        Membership.objects.filter(workspace_id=workshop.matrix.workspace_id, pk__in=wanted).values_list("pk", flat=True)
    )
    if members != wanted:
        raise InvalidInput("Invite members of the workspace only.", "participants")
    already = set(workshop.participants.values_list("pk", flat=True))
    new = members - already
    if len(already) + len(new) > MAX_PARTICIPANTS:
        raise InvalidInput(f"A workshop takes at most {MAX_PARTICIPANTS} people.", "participants")
    workshop.participants.add(*new)
    if new:
        _bump(workshop)
        notices.invited(workshop, new, actor=actor)
    return len(new)


@transaction.atomic
def matrix_from_concerns(*, workspace: Workspace, name: str, actor) -> Matrix:
    """A new matrix whose rows are the concerns PM and PMM share (workshops.concerns) and whose
    columns are PM and PMM, with no letters: the workshop proposes them."""
    matrix = raci_services.matrix_create(
        workspace=workspace,
        name=name,
        actor=actor,
        description="The concerns Product Management and Product Marketing share.",
    )
    roles = {r.code.upper(): r for r in Role.objects.filter(workspace=workspace)}
    for code, role_name in SHARED_ROLES:
        role = roles.get(code)
        if role is None:
            raci_services.column_add(matrix=matrix, name=role_name, code=code, actor=actor)
        else:
            raci_services.column_add(matrix=matrix, role_id=role.pk, actor=actor)
    for concern, phase, description in SHARED_CONCERNS:
        raci_services.activity_add(matrix=matrix, name=concern, phase=phase, description=description, actor=actor)
    return matrix


# --- proposals ----------------------------------------------------------------------------


@dataclass(slots=True)
class ProposalResult:
    activity_id: int
    role_id: int
    value: str
    version: int
    changed: bool


def _scope_ids(workshop: Workshop) -> set[int]:
    return set(workshop.activities.values_list("pk", flat=True))


@transaction.atomic
def proposal_set(
    *, workshop: Workshop, participant: Membership, activity_id: int, role_id: int, value: str
) -> ProposalResult:
    """Set the participant's own letter for one cell (blank clears it). Only while the
    workshop takes proposals, only for invited members, only in the activities in scope."""
    value = raci_services.parse_value(value)
    _locked(workshop)
    if workshop.status != Status.OPEN:
        raise Conflict(_not_taking(workshop))
    if not workshop.participants.filter(pk=participant.pk).exists():
        raise InvalidInput("You are not invited to this workshop.", "participant")
    if (
        activity_id not in _scope_ids(workshop)
        or not Column.objects.filter(matrix_id=workshop.matrix_id, role_id=role_id).exists()
    ):
        raise NotFound("That cell is not in the workshop.")
    proposal, created = Proposal.objects.get_or_create(
        workshop=workshop,
        participant=participant,
        activity_id=activity_id,
        role_id=role_id,
        defaults={"value": value, "version": 1},
    )
    changed = created and value != ""
    if not created and proposal.value != value:
        proposal.value, proposal.version = value, proposal.version + 1
        proposal.save(update_fields=["value", "version"])
        changed = True
    if changed:
        _bump(workshop)
    return ProposalResult(activity_id, role_id, proposal.value, proposal.version, changed)


def _not_taking(workshop: Workshop) -> str:
    if workshop.status == Status.PAUSED:
        return "The workshop is paused: proposals wait until the facilitator resumes it."
    if workshop.status == Status.CLOSED:
        return "The workshop is closed."
    return "The proposals were revealed: they can no longer change."


# --- the facilitator's steps ----------------------------------------------------------------


@transaction.atomic
def workshop_reveal(*, workshop: Workshop, actor=None) -> Workshop:
    """Reveal every proposal at once; the participants are told."""
    _locked(workshop)
    if workshop.status != Status.OPEN:
        raise Conflict(
            "Only a workshop taking proposals can be revealed."
            if workshop.status != Status.REVEALED
            else "The proposals were revealed already."
        )
    workshop.status, workshop.revealed_at = Status.REVEALED, timezone.now()
    workshop.save(update_fields=["status", "revealed_at", "updated_at"])
    _bump(workshop)
    notices.revealed(workshop, actor=actor)
    return workshop


@transaction.atomic
def workshop_pause(*, workshop: Workshop) -> Workshop:
    _locked(workshop)
    if workshop.status not in (Status.OPEN, Status.REVEALED):
        raise Conflict("Only a running workshop can be paused.")
    workshop.resume_to, workshop.status = workshop.status, Status.PAUSED
    workshop.save(update_fields=["status", "resume_to", "updated_at"])
    _bump(workshop)
    return workshop


@transaction.atomic
def workshop_resume(*, workshop: Workshop) -> Workshop:
    _locked(workshop)
    if workshop.status != Status.PAUSED:
        raise Conflict("The workshop is not paused.")
    workshop.status, workshop.resume_to = workshop.resume_to or Status.OPEN, ""
    workshop.save(update_fields=["status", "resume_to", "updated_at"])
    _bump(workshop)
    return workshop


@transaction.atomic
def workshop_close(*, workshop: Workshop) -> Workshop:
    _locked(workshop)
    if workshop.status == Status.CLOSED:
        raise Conflict("The workshop is closed already.")
    workshop.status, workshop.resume_to = Status.CLOSED, ""
    workshop.save(update_fields=["status", "resume_to", "updated_at"])
    _bump(workshop)
    return workshop


def _require_revealed(workshop: Workshop, what: str) -> None:
    if workshop.status != Status.REVEALED:
        states: dict[str, str] = {
            Status.OPEN: "the proposals are not revealed yet",
            Status.PAUSED: "the workshop is paused",
            Status.CLOSED: "the workshop is closed",
        }
        state = states[workshop.status]
        raise Conflict(f"{what} waits: {state}.")


def _proposals(workshop: Workshop) -> reveal.Proposals:
    return {
        (p, a, r): v
        for p, a, r, v in Proposal.objects.filter(workshop=workshop)
        .exclude(value="")
        .values_list("participant_id", "activity_id", "role_id", "value")
    }


@dataclass(slots=True)
class SettleResult:
    label: str
    group: int | None
    changed: int
    agreed: int
    total: int


@transaction.atomic
def settle(*, workshop: Workshop, activity_id: int, letters: dict[int, str], actor, since: int | None) -> SettleResult:
    """Settle one cell (one entry in `letters`) or a whole row (every role's letter) into the
    matrix, as one recorded change labelled with how many agreed. `since` is the matrix's
    sequence number when the facilitator looked: if the cells (or, for a row, anything in
    the row) changed after it, nothing is saved (`StaleChanges`, saying what changed).

    Each cell's settlement counts who proposed its letter (a blank proposal counts for an
    empty cell). Where the facilitator settles a letter other than the room's answer (its
    majority, or any letter where the room was split), the label says so and the matrix's
    decision log gets a note naming each change and what the room proposed."""
    _locked(workshop)
    # A row deleted meanwhile is not found (404), whatever state the workshop is in.
    if activity_id not in _scope_ids(workshop):
        raise NotFound("That activity is not in the workshop.")
    _require_revealed(workshop, "Settling")
    if not letters:
        raise InvalidInput("Pick the letters to settle.", "value")
    codes = dict(Column.objects.filter(matrix_id=workshop.matrix_id).values_list("role_id", "role__code"))
    if set(letters) - set(codes):
        raise NotFound("That role is no longer a column of the matrix.")
    clean = {role_id: raci_services.parse_value(value) for role_id, value in letters.items()}
    whole_row = set(clean) == set(codes) and len(codes) > 1
    participants = set(workshop.participants.values_list("pk", flat=True))
    proposals = _proposals(workshop)
    agreed, total = reveal.agreement(proposals, participants, activity_id, clean)
    per_cell = {r: reveal.cell_agreement(proposals, participants, activity_id, r, v) for r, v in clean.items()}
    if not whole_row:
        agreed, total = per_cell[next(iter(clean))]
    spreads = reveal.row_spreads(proposals, participants, activity_id, list(clean))
    departures = [
        (role_id, value, spreads[role_id])
        for role_id, value in clean.items()
        if spreads[role_id].total and reveal.room_answer(spreads[role_id]) != value
    ]
    held_on = held_on_label(workshop)
    label = f"From the workshop of {held_on}{' (whole row)' if whole_row else ''}, {agreed} of {total} agreed"
    if departures:
        label += ", the facilitator changed " + ", ".join(codes[r] for r, _, _ in departures)
    result = raci_services.cells_set(
        matrix=workshop.matrix,
        changes=[raci_services.CellChange(activity_id, r, v) for r, v in clean.items()],
        actor=actor,
        label=label,
        since=since,
        scope_activities=[activity_id] if whole_row else (),
    )
    for role_id, value in clean.items():
        Settlement.objects.update_or_create(
            workshop=workshop,
            activity_id=activity_id,
            role_id=role_id,
            defaults={
                "value": value,
                "agreed": per_cell[role_id][0],
                "total": per_cell[role_id][1],
                "group": result.group,
                "label": label,
                "settled_by": actor,
            },
        )
    if departures:
        _departures_note(workshop, activity_id, departures, codes, actor)
    _bump(workshop)
    return SettleResult(label, result.group, result.changed, agreed, total)


def _departures_note(workshop: Workshop, activity_id: int, departures, codes: dict[int, str], actor) -> None:
    """The decision log's note of the facilitator's change from the room's answer."""

    def shown(value: str) -> str:
        return DISPLAY[value] or "empty"

    def room(cell: reveal.CellSpread) -> str:
        answer = reveal.room_answer(cell)
        if answer is None:
            return f"the room was split: {cell.spread_text()}"
        return f"the room proposed {shown(answer)}, {cell.agreed_on(answer)} of {cell.total}"

    name = Activity.objects.filter(pk=activity_id).values_list("name", flat=True).first() or ""
    changes = "; ".join(f"{codes[r]} {shown(v)} ({room(cell)})" for r, v, cell in departures)
    what = f"Settled “{name}” other than the room's answer: {changes}"
    if len(what) > 500:
        what = what[:499] + "…"
    raci_services.decision_add(
        matrix=workshop.matrix,
        actor=actor,
        what=what,
        why=f"The facilitator's change from the room's answer at the workshop “{workshop.title}” of "
        f"{held_on_label(workshop)}.",
        activity_id=activity_id,
        decided_by_id=actor.pk,
        decided_on=timezone.localdate(),
        review_on=None,
    )


@transaction.atomic
def row_split(
    *, workshop: Workshop, activity_id: int, input_role_id: int, outcome_role_id: int, actor, since: int | None
) -> tuple[Activity, Activity]:
    """The boundary script of "The GTM Framework" (docs/sources.md) for a disputed row: split it into input and outcome (one
    owner each) in the matrix; the outcome row joins the workshop."""
    _locked(workshop)
    # A row deleted meanwhile is not found (404), whatever state the workshop is in.
    if activity_id not in _scope_ids(workshop):
        raise NotFound("That activity is not in the workshop.")
    _require_revealed(workshop, "Splitting")
    activity, outcome = raci_services.activity_split(
        matrix=workshop.matrix,
        activity_id=activity_id,
        input_role_id=input_role_id,
        outcome_role_id=outcome_role_id,
        actor=actor,
        since=since,
    )
    workshop.activities.add(outcome)
    Settlement.objects.update_or_create(
        workshop=workshop,
        activity_id=activity_id,
        role=None,
        defaults={
            "value": "split",
            "label": f"Split into input and outcome at the workshop of {held_on_label(workshop)}",
            "settled_by": actor,
        },
    )
    _bump(workshop)
    return activity, outcome


@transaction.atomic
def row_note(*, workshop: Workshop, activity_id: int, text: str, actor) -> RowNote:
    """A note on a row, kept in the matrix's decision log with the row's activity."""
    _locked(workshop)
    if workshop.status == Status.CLOSED:
        raise Conflict("The workshop is closed.")
    if activity_id not in _scope_ids(workshop):
        raise NotFound("That activity is not in the workshop.")
    if "\x00" in (text or ""):
        raise InvalidInput("The note cannot contain a NUL character.", "note")
    text = " ".join((text or "").split())
    if len(text) > NOTE_MAX:
        raise InvalidInput(f"Keep the note under {NOTE_MAX} characters (it has {len(text)}).", "note")
    decision = raci_services.decision_add(
        matrix=workshop.matrix,
        actor=actor,
        what=text,
        why=f"Noted at the workshop “{workshop.title}” of {held_on_label(workshop)}.",
        activity_id=activity_id,
        decided_by_id=actor.pk,
        decided_on=timezone.localdate(),
        review_on=None,
    )
    note = RowNote.objects.create(workshop=workshop, activity_id=activity_id, decision=decision)
    _bump(workshop)
    return note


def hand_over_workshops(*, membership: Membership, to: dict, actor) -> None:
    """The unfinished workshops the member facilitates go to their new facilitator, or to
    nobody (the admins run them); a closed workshop keeps its facilitator as its record."""
    workshops = Workshop.objects.filter(
        matrix__workspace_id=membership.workspace_id, facilitator_id=membership.user_id
    ).exclude(status=Status.CLOSED)
    for workshop in workshops:
        target = to[f"workshop:{workshop.pk}"]
        Workshop.objects.filter(pk=workshop.pk).update(facilitator_id=target.user_id if target else None)
