"""Templates through the API: each with its activities, letters and where each letter comes
from; a matrix against its template (the drift, and what the template changed since the
matrix's copy); a row reset to the template's letters. The same selectors and services as
the template compare page."""

from __future__ import annotations

from typing import Literal

from ninja import Field, Router, Schema

from api.common import READS, WRITES, Id, caller, writer
from api.endpoints import matrix_of
from api.schemas import VERSION_MAX, Group
from core.errors import NotFound
from raci import changelog, selectors, services
from raci.rules import DISPLAY
from workspaces.team_phases import phase_list

router = Router()

W = "/w/{ws}"
M = W + "/matrices/{m}"


class TemplateActivity(Schema):
    name: str
    phase: str
    phase_label: str
    description: str
    key: str = Field(..., description="What launch readiness items find the activity by; empty for most rows.")
    letters: dict[str, str] = Field(..., description="Role code → R, A, A/R, C or I.")
    sources: dict[str, str] = Field(..., description="Role code → where its letter comes from.")
    our_default: str = Field(..., description="Why some letters are the product's own choice, when they are.")


class TemplateRole(Schema):
    code: str
    name: str


class TemplateDetail(Schema):
    slug: str
    name: str
    stage: Literal["startup", "scaleup", "enterprise"]
    description: str
    builtin: bool
    version: int
    roles: list[TemplateRole]
    activities: list[TemplateActivity]


class DriftCell(Schema):
    code: str
    matrix: str
    template: str
    differs: bool


class DriftRow(Schema):
    kind: Literal["same", "changed", "added", "removed"] = Field(
        ..., description="added: in the template only; removed: in the matrix only."
    )
    name: str
    activity_id: int | None
    cells: list[DriftCell]


class TemplateUpdate(Schema):
    kind: Literal["added", "removed", "changed"]
    name: str
    key: str
    text: str


class Drift(Schema):
    template: str
    template_name: str
    template_version: int
    copied_from_version: int | None
    differing: int
    since: int = Field(..., description="The matrix's version now: send it as `since` to reset a row.")
    rows: list[DriftRow]
    updates: list[TemplateUpdate] = Field(..., description="What the template changed since the matrix's copy.")


class Reset(Schema):
    since: int = Field(..., ge=0, le=VERSION_MAX, description="The matrix's version you compared at.")


@router.get(
    W + "/templates/{template}",
    response={200: TemplateDetail, **READS},
    summary="A template with its activities, letters and sources",
)
def template_read(request, ws: str, template: str):
    caller_ = caller(request)
    found = next((t for t in selectors.templates_for(workspace=caller_.workspace) if t.slug == template[:60]), None)
    if found is None:
        raise NotFound("No such template.")
    phases = phase_list(workspace_id=caller_.workspace.pk)
    return {
        "slug": found.slug,
        "name": found.name,
        "stage": found.stage,
        "description": found.description,
        "builtin": found.workspace_id is None,
        "version": found.version,
        "roles": [{"code": r.code, "name": r.name} for r in found.roles.all()],
        "activities": [
            {
                "name": a.name,
                "phase": a.phase,
                "phase_label": phases.label(a.phase) if a.phase else "",
                "description": a.description,
                "key": a.key,
                "letters": {str(code).upper(): DISPLAY[v] for code, v in (a.letters or {}).items() if v},
                "sources": {str(code).upper(): str(text) for code, text in (a.sources or {}).items()},
                "our_default": a.our_default,
            }
            for a in found.activities.all()
        ],
    }


@router.get(
    M + "/template",
    response={200: Drift, **READS},
    summary="The matrix against its template: rows side by side, and the template's changes since its copy",
)
def template_compare(request, ws: str, m: str):
    matrix = matrix_of(caller(request), m)
    found = selectors.template_drift(matrix=matrix)
    if found is None:
        raise NotFound("The matrix was not made from a template, or its template was removed.")
    return {
        "template": found.template.slug,
        "template_name": found.template.name,
        "template_version": found.template.version,
        "copied_from_version": found.basis_version,
        "differing": found.differing,
        "since": matrix.last_seq,
        "rows": [
            {
                "kind": d.kind,
                "name": d.name,
                "activity_id": d.matrix.activity_id if d.matrix else None,
                "cells": [
                    {"code": c, "matrix": mine, "template": theirs, "differs": differs}
                    for c, mine, theirs, differs in d.cells()
                ],
            }
            for d in found.diffs
        ],
        "updates": [{"kind": u.kind, "name": u.name, "key": u.key, "text": u.describe()} for u in found.updates],
    }


@router.post(
    M + "/template/rows/{activity_id}/reset",
    response={200: Group, **WRITES},
    summary="Reset a row's letters to the template's",
    description="One change group in the history, undoable; refused (409) when the row changed after `since`.",
)
def template_row_reset(request, ws: str, m: str, activity_id: Id, body: Reset):
    caller_ = writer(request)
    matrix = matrix_of(caller_, m)
    with changelog.via(caller_.via):
        result = services.row_reset_to_template(
            matrix=matrix, activity_id=activity_id, since=body.since, actor=caller_.user
        )
    return {"group": result.group, "label": result.label, "changed": result.changed}
