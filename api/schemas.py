"""What the API reads and writes, as typed schemas (the OpenAPI document is made from them)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from ninja import Field, Schema

Letter = Literal["R", "A", "A/R", "C", "I", ""]
NAME = Field(..., min_length=1, max_length=200)
# Ids and versions are the database's: larger numbers cannot name anything and are refused.
ID_MAX = 2**31 - 1
VERSION_MAX = 2**62
TEXT = Field("", max_length=2000)


class Counts(Schema):
    errors: int
    warnings: int
    infos: int


class Person(Schema):
    name: str


class Workspace(Schema):
    slug: str
    name: str
    time_zone: str
    access: Literal["viewer", "editor", "admin"]
    scope: Literal["read", "write"]


class Member(Schema):
    id: int
    name: str
    username: str
    email: str
    access: Literal["viewer", "editor", "admin"]


class Webhook(Schema):
    url: str
    active: bool


class WorkspaceSettings(Schema):
    name: str
    slug: str
    time_zone: str
    webhook: Webhook | None = Field(None, description="The outgoing webhook, without its secret.")


class Role(Schema):
    id: int
    code: str
    name: str
    description: str
    holders: list[Person]


class MatrixSummary(Schema):
    slug: str
    name: str
    description: str
    is_default: bool
    version: int = Field(..., description="The matrix's change sequence number: its ETag and history cursor.")
    counts: Counts
    url: str


class Settings(Schema):
    max_responsible: int
    max_consulted: int
    overload_min_activities: int
    overload_percent: int
    review_cadence_days: int | None


class Activity(Schema):
    id: int
    name: str
    phase: str
    phase_label: str
    description: str
    version: int


class Column(Schema):
    role_id: int
    code: str
    name: str
    holders: list[Person]


class Cell(Schema):
    activity_id: int
    role_id: int
    value: Letter
    version: int


class Finding(Schema):
    rule: str
    severity: Literal["error", "warning", "info"]
    message: str
    fix: str
    activity_id: int | None
    role_id: int | None


class Acknowledged(Schema):
    reason: str
    by: str
    on: date | None
    review_on: date | None = Field(None, description="From this day the finding counts again.")


class AcceptedFinding(Finding):
    acknowledged: Acknowledged


class Matrix(MatrixSummary):
    settings: Settings
    activities: list[Activity]
    columns: list[Column]
    cells: list[Cell]
    findings: list[Finding] = Field(..., description="The findings that count.")
    accepted: list[AcceptedFinding] = Field(
        ..., description="Warnings and infos the team accepted on purpose: out of the counts while they hold."
    )


class MatrixCreate(Schema):
    name: str = NAME
    description: str = TEXT
    template: str | None = Field(None, max_length=60, description="A template's slug; none for a blank matrix.")


class MatrixChange(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=2000)
    max_responsible: int | None = Field(None, ge=1, le=50)
    max_consulted: int | None = Field(None, ge=1, le=50)
    overload_min_activities: int | None = Field(None, ge=1, le=1000)
    overload_percent: int | None = Field(None, ge=1, le=100)
    review_cadence_days: int | None = Field(None, ge=1, le=3650)


class Template(Schema):
    slug: str
    name: str
    description: str
    builtin: bool


class ActivityCreate(Schema):
    name: str = NAME
    phase: str = Field("", max_length=60)
    description: str = TEXT


class ActivityChange(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    phase: str | None = Field(None, max_length=60)
    description: str | None = Field(None, max_length=2000)
    version: int | None = Field(None, ge=0, le=VERSION_MAX, description="The version you read; or send it as If-Match.")


class Move(Schema):
    direction: Literal["up", "down", "left", "right"]


class ColumnCreate(Schema):
    role_id: int | None = Field(None, ge=1, le=ID_MAX, description="An existing role of the workspace.")
    code: str = Field("", max_length=12, description="A new role's code, with its name.")
    name: str = Field("", max_length=200)


class ColumnChange(Schema):
    code: str | None = Field(None, min_length=1, max_length=12)
    name: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=2000)


class CellWrite(Schema):
    value: str = Field(..., max_length=10, description="R, A, A/R, C, I or empty, as the CSV spells them.")
    version: int | None = Field(None, ge=0, le=VERSION_MAX, description="The version you read; or send it as If-Match.")


class CellAnswer(Cell):
    changed: bool
    row_findings: list[Finding]
    counts: Counts


class FixOption(Schema):
    code: str
    label: str
    changes: int


class FindingWithFixes(Finding):
    fixes: list[FixOption]
    acknowledged: Acknowledged | None = Field(None, description="Set when the team accepted it on purpose.")


class FixApply(Schema):
    rule: str = Field(..., max_length=40)
    activity_id: int | None = Field(None, ge=1, le=ID_MAX)
    role_id: int | None = Field(None, ge=1, le=ID_MAX)
    code: str = Field(..., max_length=60, description="One of the finding's fixes.")
    since: int = Field(..., ge=0, le=VERSION_MAX, description="The matrix version you saw the finding at.")


class Group(Schema):
    group: int | None
    label: str
    changed: int


class Change(Schema):
    seq: int
    at: datetime
    actor: str | None
    kind: str
    target: str
    before: Any = None
    after: Any = None
    group: int | None
    group_label: str
    via: str


class History(Schema):
    changes: list[Change]
    next_after: int | None = Field(..., description="Pass as `after` for the next page; none at the end.")


class Decision(Schema):
    id: int
    what: str
    why: str
    activity_id: int | None
    decided_by: str | None
    decided_on: date
    review_on: date | None


class DecisionCreate(Schema):
    what: str = Field(..., min_length=1, max_length=500)
    why: str = Field("", max_length=4000)
    activity_id: int | None = Field(None, ge=1, le=ID_MAX)
    decided_on: date | None = None
    review_on: date | None = None


class RoleOwners(Schema):
    role_id: int
    code: str
    name: str
    people: list[str]


class ActivityRef(Schema):
    id: int
    name: str
    phase: str


class WhoOwns(Schema):
    query: str
    outcome: Literal["found", "ambiguous", "none", "empty"]
    activity: ActivityRef | None = None
    accountable: list[RoleOwners] = []
    responsible: list[RoleOwners] = []
    findings: list[Finding] = []
    candidates: list[ActivityRef] = []
    suggestions: list[ActivityRef] = []
    url: str | None = None
