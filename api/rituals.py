"""The team's rituals and their meetings through the API: read them, and write a meeting's
notes as its page does, one text per section of the agenda it is held under."""

from __future__ import annotations

from datetime import date

from django.http import HttpResponse
from django.urls import reverse
from ninja import Field, Router, Schema

from api.common import READS, WRITES, Id, caller, check_version, content_version, person_name, writer
from api.launch_schemas import Day
from api.tokens import Caller
from api.versions import etag
from core.errors import NotFound
from core.links import absolute
from rituals import cadence, selectors, services
from rituals.models import Ritual

router = Router()

R = "/w/{ws}/rituals"
RI = R + "/{ritual_id}"
MEETING = RI + "/meetings/{day}"


class RitualSummary(Schema):
    id: int
    name: str
    description: str
    cadence: str
    time_of_day: str | None = Field(..., description="HH:MM, wall-clock time in the workspace's time zone.")
    owner_role: str = Field(..., description="The code of the role that runs it; empty when none.")
    attendees: list[str]
    paused: bool
    next_on: date | None
    url: str


class MeetingRef(Schema):
    date: date
    has_notes: bool
    decisions: int


class Section(Schema):
    title: str
    minutes: int | None


class RitualDetail(RitualSummary):
    agenda: list[Section]
    coming: list[MeetingRef]
    past: list[MeetingRef]


class Note(Schema):
    title: str
    minutes: int | None
    text: str


class MeetingDecision(Schema):
    id: int
    what: str
    why: str
    matrix: str
    decided_by: str | None


class Meeting(Schema):
    ritual_id: int
    ritual: str
    date: date
    notes: list[Note]
    decisions: list[MeetingDecision]
    version: int
    url: str


class NotesWrite(Schema):
    texts: list[str] = Field(
        ...,
        max_length=50,
        description="One text per section of the meeting's notes, in order (10,000 characters each).",
    )
    version: int | None = Field(None, ge=0, description="The meeting's version you read; or send it as If-Match.")


def _ritual(caller_: Caller, ritual_id: int) -> Ritual:
    ritual = selectors.ritual_get(workspace=caller_.workspace, ritual_id=ritual_id)
    if ritual is None:
        raise NotFound("No such ritual.")
    return ritual


def _summary(ritual: Ritual, today: date) -> dict:
    return {
        "id": ritual.pk,
        "name": ritual.name,
        "description": ritual.description,
        "cadence": ritual.cadence,
        "time_of_day": ritual.time_of_day.strftime("%H:%M") if ritual.time_of_day else None,
        "owner_role": ritual.owner_role.code if ritual.owner_role else "",
        "attendees": ritual.attendee_labels,
        "paused": ritual.paused,
        "next_on": None if ritual.paused else ritual.next_date(today),
        "url": absolute(reverse("rituals:ritual", args=[ritual.workspace.slug, ritual.pk])),
    }


def _meeting(ritual: Ritual, day: date):
    """The meeting of `ritual` on `day` (its saved row, if any), as its page finds it."""
    occurrence = selectors.occurrence_of(ritual=ritual, day=day)
    if occurrence is None and not ritual.series.is_on(day):
        raise NotFound(f"{ritual.name} does not meet on {day.isoformat()}.")
    return occurrence


def _meeting_body(ritual: Ritual, day: date, occurrence) -> dict:
    notes = cadence.notes_for(ritual.sections, occurrence.notes if occurrence else [])
    return {
        "ritual_id": ritual.pk,
        "ritual": ritual.name,
        "date": day,
        "notes": [{"title": n.title, "minutes": n.minutes, "text": n.text} for n in notes],
        "decisions": [
            {
                "id": d.pk,
                "what": d.what,
                "why": d.why,
                "matrix": d.matrix.slug,
                "decided_by": person_name(d.decided_by),
            }
            for d in selectors.occurrence_decisions_of(occurrence=occurrence)
        ],
        "version": content_version([n.text for n in notes]),
        "url": absolute(reverse("rituals:occurrence", args=[ritual.workspace.slug, ritual.pk, day.isoformat()])),
    }


@router.get(R, response={200: list[RitualSummary], **READS}, summary="The team's rituals, the soonest meeting first")
def rituals_list(request, ws: str):
    caller_ = caller(request)
    today = caller_.workspace.today()
    return [_summary(r, today) for r in selectors.rituals_of(workspace=caller_.workspace, today=today)]


@router.get(RI, response={200: RitualDetail, **READS}, summary="A ritual with its agenda and meetings")
def ritual_read(request, ws: str, ritual_id: Id):
    caller_ = caller(request)
    ritual = _ritual(caller_, ritual_id)
    today = caller_.workspace.today()
    coming, past = selectors.meetings_of(ritual=ritual, today=today)

    def ref(m) -> dict:
        return {"date": m.date, "has_notes": m.has_notes, "decisions": m.decision_count}

    return {
        **_summary(ritual, today),
        "agenda": [{"title": s.title, "minutes": s.minutes} for s in ritual.sections],
        "coming": [ref(m) for m in coming],
        "past": [ref(m) for m in past],
    }


@router.get(MEETING, response={200: Meeting, **READS}, summary="One meeting: its notes and decisions")
def meeting_read(request, ws: str, ritual_id: Id, day: Day, response: HttpResponse):
    ritual = _ritual(caller(request), ritual_id)
    body = _meeting_body(ritual, day, _meeting(ritual, day))
    response["ETag"] = etag(body["version"])
    return body


@router.put(
    MEETING + "/notes",
    response={200: Meeting, **WRITES},
    summary="Write a meeting's notes, one text per section",
    description="Send the version you read (`If-Match` with the meeting's ETag): notes someone else saved since "
    "answer 412, so nobody's minutes are overwritten unseen.",
)
def meeting_notes(request, ws: str, ritual_id: Id, day: Day, body: NotesWrite, response: HttpResponse):
    caller_ = writer(request)
    ritual = _ritual(caller_, ritual_id)
    before = _meeting_body(ritual, day, _meeting(ritual, day))
    check_version(request, body.version, before["version"], what="meeting's notes", state={"notes": before["notes"]})
    occurrence = services.occurrence_notes_save(ritual=ritual, day=day, texts=body.texts)
    answer = _meeting_body(ritual, day, occurrence)
    response["ETag"] = etag(answer["version"])
    return answer
