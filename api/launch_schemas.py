"""What the launch operations read and write: cycles, launches, readiness items, go/no-go,
the quarter's plan warnings and workload."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema

from api.schemas import ID_MAX, NAME, TEXT, VERSION_MAX
from core.bounds import DATE_MAX, DATE_MIN

# Every date a person gives is within the window the pages accept.
Day = Annotated[date, Field(ge=DATE_MIN, le=DATE_MAX)]
Amount = Annotated[Decimal, Field(max_digits=14, decimal_places=2, ge=-(10**12), le=10**12)]
MemberId = Annotated[int, Field(ge=1, le=ID_MAX)]
Version = Field(None, ge=0, le=VERSION_MAX, description="The version you read (its ETag); or send it as If-Match.")
Status = Literal["todo", "in_progress", "done", "waived"]


class MemberRef(Schema):
    id: int = Field(..., description="The membership's id: what `pm_owner_id`, `owner_id` and the like name.")
    name: str


class PersonEntry(MemberRef):
    username: str
    roles: list[str] = Field(..., description="The codes of the roles they hold.")


class Cycle(Schema):
    slug: str = Field(..., description="Like 2027-q1: the cycle's address.")
    name: str
    year: int
    quarter: int
    launches: int
    tiered: int
    url: str


class CycleCreate(Schema):
    quarter: str = Field(..., max_length=20, description="Like 2027-Q1.")


class Warning(Schema):
    launch_id: int
    code: str = Field(..., description="One of the plan warning codes (see the API guide).")
    message: str
    move_to: str | None = Field(None, description="For `outside-cycle`: the quarter its launch date is in.")


class LaunchSummary(Schema):
    id: int
    name: str
    cycle: str
    tier: int | None
    tier_name: str
    suggested_tier: int | None
    suggested_tier_name: str
    score_total: int | None
    pm_owner: MemberRef | None
    pmm_owner: MemberRef | None
    ship_date: date | None
    launch_date: date | None
    status: Literal["on_track", "at_risk", "off_track", "paused"]
    ready: bool
    warnings: list[Warning]
    url: str


class CycleBoard(Cycle):
    tiers: list[str] = Field(..., description="The rubric's tier names, best first.")
    questions: list[str] = Field(..., description="The rubric's questions, in the order `scores` follows.")
    launch_list: list[LaunchSummary]


class Blocker(Schema):
    text: str
    url: str = Field(..., description="Where on the launch page it is fixed.")


class Readiness(Schema):
    ready: bool
    line: str
    open_required: int
    overdue: int
    blockers: list[Blocker]


class RoleChoice(Schema):
    role_id: int
    code: str
    letter: str


class Ownership(Schema):
    state: str = Field(
        ...,
        description="owned, choose (several roles are R: pick one), missing (the matrix lacks the activity), "
        "unowned, no_matrix, changed (the matrix now gives it to another role), or empty.",
    )
    activity: str
    candidates: list[RoleChoice]


class RoleRef(Schema):
    id: int
    code: str


class Item(Schema):
    id: int
    key: str
    title: str
    required: bool
    status: Status
    due_date: date | None
    owner_role: RoleRef | None
    owner: MemberRef | None
    owner_label: str
    chosen_role_id: int | None
    waive_reason: str
    evidence_url: str
    ownership: Ownership
    version: int


class ItemChange(Schema):
    status: Status | None = None
    waive_reason: str | None = Field(None, max_length=2000)
    evidence_url: str | None = Field(None, max_length=500)
    owner_id: MemberId | None = Field(None, description="The member who does it; send `owner_cleared` to clear.")
    owner_cleared: bool = False
    version: int | None = Version


class RoleChoose(Schema):
    role_id: int | None = Field(..., ge=1, le=ID_MAX, description="One of the item's candidates; none to undo.")


class Confirmation(Schema):
    by: MemberRef
    confirmed_as: Literal["owner", "admin"]
    at: datetime | None


class Dependency(Schema):
    id: int
    before_id: int
    before_name: str
    before_cycle: str


class GoDecision(Schema):
    id: int
    decision: Literal["go", "no_go"]
    notes: str
    decided_by: str | None
    decided_at: datetime
    via: str = Field(..., description="“API (token name)” when recorded through the API.")


class Readout(Schema):
    launched_on: date | None
    metric_name: str
    metric_target: Decimal | None
    metric_actual: Decimal | None
    outcome: Literal["press_on", "pivot", "pause", ""]
    notes: str


class Launch(LaunchSummary):
    summary: str
    matrix: str | None = Field(..., description="The slug of the matrix its checklist takes owners from.")
    scores: list[int]
    tier_reason: str
    needs_confirmation: bool
    confirmations: dict[str, Confirmation | None] = Field(..., description="Keyed PM and PMM.")
    readiness: Readiness
    items: list[Item]
    dependencies: list[Dependency]
    go_decisions: list[GoDecision]
    readout: Readout
    version: int


class LaunchCreate(Schema):
    name: str = NAME
    summary: str = TEXT
    pm_owner_id: MemberId | None = None
    pmm_owner_id: MemberId | None = None
    matrix: str | None = Field(None, max_length=60, description="A matrix's slug.")
    ship_date: Day | None = None
    launch_date: Day | None = None


class LaunchChange(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    summary: str | None = Field(None, max_length=2000)
    pm_owner_id: MemberId | None = None
    pmm_owner_id: MemberId | None = None
    matrix: str | None = Field(None, max_length=60)
    ship_date: Day | None = None
    launch_date: Day | None = None
    clear: list[Literal["pm_owner_id", "pmm_owner_id", "matrix", "ship_date", "launch_date"]] = Field(
        [], max_length=5, description="Fields to empty (a field left out is kept as it is)."
    )
    version: int | None = Version


class Scores(Schema):
    scores: list[Annotated[int, Field(ge=-1000, le=1000)]] = Field(
        ..., max_length=50, description="One score per rubric question: 1, 2 or 3."
    )


class TierSet(Schema):
    tier: int | None = Field(..., ge=1, le=9, description="None: back to untiered.")
    reason: str = Field("", max_length=2000, description="Needed when the tier is not the rubric's suggestion.")


class TierConfirm(Schema):
    lead: Literal["PM", "PMM"] = Field(..., description="Confirm as the PM lead or as the PMM lead.")


class StatusSet(Schema):
    status: Literal["on_track", "at_risk", "off_track", "paused"]
    note: str = Field("", max_length=280)


class DependencyCreate(Schema):
    before_id: int = Field(..., ge=1, le=ID_MAX, description="The launch this one cannot launch before.")


class GoCreate(Schema):
    decision: Literal["go", "no_go"]
    notes: str = Field("", max_length=2000)


class ReadoutSet(Schema):
    launched_on: Day | None = None
    metric_name: str = Field("", max_length=200)
    metric_target: Amount | None = None
    metric_actual: Amount | None = None
    outcome: Literal["press_on", "pivot", "pause", ""] = ""
    notes: str = Field("", max_length=2000)


class Quarter(Schema):
    name: str
    cycle: str | None
    start: date
    end: date
    warnings: list[Warning]


class WorkCounts(Schema):
    letters: int
    items: int
    launches: int
    rituals: int


class PersonWork(Schema):
    member: MemberRef
    roles: list[str]
    counts: WorkCounts
    total: int
    marked: bool
    reason: str


class RoleWork(Schema):
    role: RoleRef
    holders: list[str]
    counts: WorkCounts
    total: int


class Workload(Schema):
    quarter: str
    median: float
    threshold: float
    people: list[PersonWork]
    roles: list[RoleWork]
