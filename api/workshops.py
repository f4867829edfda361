"""Workshops through the API, under the same blindness as their pages: before the reveal no
read returns another participant's letters, the facilitator's neither; everyone reads counts.

Proposing is a participant's (viewers too: a proposal is not an edit of the matrix), so it
needs a write token but not an editor; revealing and settling are the facilitator's (or an
admin's), as on the workshop page. Settling writes the matrix through the same service, so
the matrix's history records it with the token.
"""

from __future__ import annotations

from typing import Literal

from django.urls import reverse
from ninja import Field, Router, Schema

from api.common import READS, WRITES, Id, caller, person_name, writer
from api.endpoints import matrix_of
from api.idempotency import idempotent
from api.schemas import ID_MAX, NAME, VERSION_MAX, Letter
from api.tokens import Caller
from core.errors import Forbidden, NotFound
from core.links import absolute
from raci import changelog
from raci.rules import DISPLAY
from workshops import reveal, selectors, services
from workshops.models import Proposal

router = Router()

K = "/w/{ws}/matrices/{m}/workshops"
S = K + "/{workshop_id}"


class Count(Schema):
    member_id: int
    name: str
    cells: int = Field(..., description="How many letters they proposed: counts, never values.")
    rows: int


class Progress(Schema):
    proposed: int = Field(..., description="How many participants proposed anything.")
    letters: int
    cells: int = Field(..., description="Cells in scope: activities × roles.")
    people: list[Count]


class OwnProposal(Schema):
    activity_id: int
    role_id: int
    value: Letter
    version: int


class Spread(Schema):
    value: Letter
    count: int


class BoardCell(Schema):
    role_id: int
    code: str
    spread: list[Spread]
    room_answer: Letter | None = Field(..., description="The majority; none where the room was split.")
    now: Letter = Field(..., description="The matrix's letter now.")
    settled: Letter | None


class BoardRow(Schema):
    activity_id: int
    name: str
    tier: str = Field(..., description="disputed, would-have-a-finding, agreed or empty: the order to talk in.")
    cells: list[BoardCell]


class WorkshopSummary(Schema):
    id: int
    title: str
    status: Literal["open", "revealed", "paused", "closed"]
    facilitator: str | None
    version: int
    url: str


class Workshop(WorkshopSummary):
    activity_ids: list[int]
    participant: bool = Field(..., description="Whether you are invited.")
    facilitating: bool = Field(..., description="Whether you may reveal and settle.")
    since: int = Field(..., description="The matrix's version now: send it as `since` when you settle.")
    progress: Progress
    mine: list[OwnProposal] = Field(..., description="Your own proposals: before the reveal, the only letters shown.")
    board: list[BoardRow] | None = Field(..., description="Everyone's proposals, after the reveal only.")


class WorkshopCreate(Schema):
    title: str = NAME
    activity_ids: list[Id] = Field([], max_length=2000, description="The activities in scope; none: all of them.")
    participant_ids: list[Id] = Field([], max_length=200, description="Membership ids of the people invited.")


class ProposalWrite(Schema):
    value: str = Field(..., max_length=10, description="R, A, A/R, C, I, or empty to take it back.")


class SettleLetter(Schema):
    role_id: int = Field(..., ge=1, le=ID_MAX)
    value: str = Field(..., max_length=10)


class Settle(Schema):
    letters: list[SettleLetter] = Field(..., min_length=1, max_length=60, description="One cell, or the whole row.")
    since: int = Field(..., ge=0, le=VERSION_MAX, description="The matrix's version when you read the board.")


class Settled(Schema):
    label: str
    group: int | None
    changed: int
    agreed: int
    total: int


def _access(caller_: Caller, m: str, workshop_id: int) -> selectors.WorkshopAccess:
    matrix = matrix_of(caller_, m)
    found = selectors.workshop_access(matrix=matrix, user=caller_.user, workshop_id=workshop_id)
    if found is None:
        raise NotFound("No such workshop.")
    return found


def _facilitating(request, m: str, workshop_id: int) -> selectors.WorkshopAccess:
    caller_ = caller(request)
    caller_.require_write()
    found = _access(caller_, m, workshop_id)
    if not found.can_facilitate:
        raise Forbidden("Only the facilitator or an admin can do that.")
    return found


def _url(workshop) -> str:
    matrix = workshop.matrix
    return absolute(reverse("workshops:workshop", args=[matrix.workspace.slug, matrix.slug, workshop.pk]))


def _summary(workshop) -> dict:
    return {
        "id": workshop.pk,
        "title": workshop.title,
        "status": workshop.status,
        "facilitator": person_name(workshop.facilitator),
        "version": workshop.version,
        "url": _url(workshop),
    }


def _board(workshop) -> list[dict]:
    board = selectors.reveal_board(workshop=workshop)
    codes = {c.role_id: c.code for c in board.columns}
    rows = []
    for row in board.rows:
        a = row.activity.key
        cells = []
        for cell in row.cells:
            settled = board.settled.get((a, cell.role))
            answer = reveal.room_answer(cell)
            cells.append(
                {
                    "role_id": cell.role,
                    "code": codes[cell.role],
                    "spread": [{"value": DISPLAY[v], "count": n} for v, n in cell.counts.items()],
                    "room_answer": DISPLAY[answer] if answer is not None else None,
                    "now": DISPLAY[board.current.get((a, cell.role), "")],
                    "settled": DISPLAY[settled.value] if settled else None,
                }
            )
        rows.append({"activity_id": a, "name": row.activity.name, "tier": row.tier, "cells": cells})
    return rows


def _body(found: selectors.WorkshopAccess) -> dict:
    """The workshop as its page shows the caller: counts for everyone, their own letters
    while it takes proposals, everyone's only once revealed (`selectors.reveal_board`)."""
    workshop = found.workshop
    progress = selectors.progress(workshop=workshop)
    mine = (
        Proposal.objects.filter(workshop=workshop, participant_id=found.membership.pk)
        .exclude(value="")
        .values_list("activity_id", "role_id", "value", "version")
        if found.is_participant
        else []
    )
    return {
        **_summary(workshop),
        "activity_ids": list(workshop.activities.values_list("pk", flat=True)),
        "participant": found.is_participant,
        "facilitating": found.can_facilitate,
        "since": workshop.matrix.last_seq,
        "progress": {
            "proposed": progress.proposed,
            "letters": progress.letters,
            "cells": progress.n_cells,
            "people": [{"member_id": p, "name": n, "cells": c, "rows": r} for p, n, c, r in progress.people],
        },
        "mine": [{"activity_id": a, "role_id": r, "value": DISPLAY[v], "version": n} for a, r, v, n in mine],
        "board": _board(workshop) if workshop.revealed_at is not None else None,
    }


@router.get(K, response={200: list[WorkshopSummary], **READS}, summary="The matrix's workshops")
def workshops_list(request, ws: str, m: str):
    matrix = matrix_of(caller(request), m)
    return [_summary(w) for w in selectors.workshops_of(matrix=matrix)]


@router.post(
    K,
    response={201: Workshop, **WRITES},
    summary="Open a workshop on the matrix, with you as its facilitator",
    description="Invitees (viewers too) are told. Send an `Idempotency-Key` header to retry safely.",
)
def workshop_create(request, ws: str, m: str, body: WorkshopCreate):
    caller_ = writer(request)
    matrix = matrix_of(caller_, m)

    def create():
        workshop = services.workshop_open(
            matrix=matrix,
            facilitator=caller_.membership,
            title=body.title,
            activity_ids=body.activity_ids,
            participant_ids=body.participant_ids,
        )
        found = _access(caller_, m, workshop.pk)
        return 201, Workshop.model_validate(_body(found)).model_dump(mode="json")

    return idempotent(request, caller_, create)


@router.get(
    S, response={200: Workshop, **READS}, summary="A workshop: counts, your own letters, the board once revealed"
)
def workshop_read(request, ws: str, m: str, workshop_id: Id):
    return _body(_access(caller(request), m, workshop_id))


@router.put(
    S + "/proposals/{activity_id}/{role_id}",
    response={200: OwnProposal, **WRITES},
    summary="Propose your letter for one cell (participants, viewers too)",
)
def proposal_write(request, ws: str, m: str, workshop_id: Id, activity_id: Id, role_id: Id, body: ProposalWrite):
    caller_ = caller(request)
    caller_.require_write_scope()
    found = _access(caller_, m, workshop_id)
    if not found.is_participant:
        raise Forbidden("You are not invited to this workshop.")
    result = services.proposal_set(
        workshop=found.workshop,
        participant=found.membership,
        activity_id=activity_id,
        role_id=role_id,
        value=body.value,
    )
    return {"activity_id": activity_id, "role_id": role_id, "value": DISPLAY[result.value], "version": result.version}


@router.post(S + "/reveal", response={200: Workshop, **WRITES}, summary="Reveal every proposal at once (facilitator)")
def workshop_reveal(request, ws: str, m: str, workshop_id: Id):
    found = _facilitating(request, m, workshop_id)
    services.workshop_reveal(workshop=found.workshop, actor=found.membership.user)
    return _body(_access(caller(request), m, workshop_id))


@router.post(
    S + "/settle/{activity_id}",
    response={200: Settled, **WRITES},
    summary="Settle one cell or a whole row into the matrix (facilitator)",
    description="Recorded in the matrix's history as one change group, labelled with how many agreed; a letter "
    "other than the room's answer is noted in the decision log. Refused (409) when the cells changed after `since`.",
)
def workshop_settle(request, ws: str, m: str, workshop_id: Id, activity_id: Id, body: Settle):
    found = _facilitating(request, m, workshop_id)
    caller_ = caller(request)
    with changelog.via(caller_.via):
        result = services.settle(
            workshop=found.workshop,
            activity_id=activity_id,
            letters={letter.role_id: letter.value for letter in body.letters},
            actor=caller_.user,
            since=body.since,
        )
    return {
        "label": result.label,
        "group": result.group,
        "changed": result.changed,
        "agreed": result.agreed,
        "total": result.total,
    }
