"""The operations of version 1: the workspace, its roles and matrices, cells, findings,
history and decisions, and "who owns …".

Each reads as a page's view does: who is calling (`request.auth`, a `tokens.Caller`), what
they may do, one service or selector, the answer. Every write goes through the service the
page uses, inside `changelog.via`, so the history says it came through the API and which
token made it.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import reverse
from ninja import Query, Router, Status

from api import schemas
from api.common import READS, WRITES, Id
from api.common import caller as _caller
from api.common import person_name as _name
from api.common import writer as _writer
from api.idempotency import idempotent
from api.tokens import Caller
from api.versions import Stale, etag, expected_version
from core.errors import InvalidInput, NotFound, StaleEdit
from core.links import absolute
from core.prepared import Prepared, model_from_row
from notifications.models import Webhook
from raci import changelog, fixes, lookup, selectors, services
from raci.models import ChangeEvent, Matrix
from raci.rules import DISPLAY
from workspaces import selectors as workspace_selectors
from workspaces import services as workspace_services
from workspaces.models import Role

router = Router()

W = "/w/{ws}"
M = W + "/matrices/{m}"
HISTORY_PAGE = 500


_MATRIX_FIELDS = [f.attname for f in Matrix._meta.concrete_fields]
# Nearly every operation reads its matrix first: compiled once per process (see core.prepared).
_MATRIX = Prepared(
    lambda workspace_id, slug: Matrix.objects.filter(workspace_id=workspace_id, slug=slug).values_list(*_MATRIX_FIELDS),
    workspace_id=-2_000_000_040,
    slug="\u2063matrix-marker",
)


def matrix_of(caller: Caller, slug: str) -> Matrix:
    """The caller's workspace's matrix by its slug (404 when there is none); one prepared query."""
    rows = _MATRIX.rows(workspace_id=caller.workspace.pk, slug=slug[:60])
    if not rows:
        raise NotFound("No such matrix.")
    matrix = model_from_row(Matrix, _MATRIX_FIELDS, rows[0])
    matrix.workspace = caller.workspace
    return matrix


_matrix = matrix_of


def _page(matrix: Matrix, activity_id: int | None = None) -> str:
    url = absolute(reverse("raci:matrix", args=[matrix.workspace.slug, matrix.slug]))
    return f"{url}#row-{activity_id}" if activity_id else url


def _finding(f) -> dict:
    return {
        "rule": f.rule,
        "severity": f.severity,
        "message": f.message,
        "fix": f.fix,
        "activity_id": f.activity,
        "role_id": f.role,
    }


def _counts(matrix: Matrix) -> dict:
    return {"errors": matrix.errors, "warnings": matrix.warnings, "infos": matrix.infos}


def _summary(matrix: Matrix) -> dict:
    return {
        "slug": matrix.slug,
        "name": matrix.name,
        "description": matrix.description,
        "is_default": matrix.is_default,
        "version": matrix.last_seq,
        "counts": _counts(matrix),
        "url": _page(matrix),
    }


def _matrix_body(matrix: Matrix) -> dict:
    grid = selectors.matrix_grid(matrix=matrix)
    people = grid.people
    return {
        **_summary(matrix),
        "counts": {"errors": grid.counts["error"], "warnings": grid.counts["warning"], "infos": grid.counts["info"]},
        "settings": {
            "max_responsible": matrix.max_responsible,
            "max_consulted": matrix.max_consulted,
            "overload_min_activities": matrix.overload_min_activities,
            "overload_percent": matrix.overload_percent,
            "review_cadence_days": matrix.review_cadence_days,
        },
        "activities": [
            {
                "id": a.id,
                "name": a.name,
                "phase": a.phase,
                "phase_label": a.phase_label,
                "description": a.description,
                "version": versions.get(a.id, 0),
            }
            for versions in [_activity_versions(matrix)]
            for a in grid.activities
        ],
        "columns": [
            {
                "role_id": c.role_id,
                "code": c.code,
                "name": c.name,
                "holders": [{"name": people[m]} for m in c.holder_ids if m in people],
            }
            for c in grid.columns
        ],
        "cells": [
            {"activity_id": a, "role_id": r, "value": DISPLAY[value], "version": version}
            for (a, r), (value, version) in grid.cells.items()
            if value
        ],
        "findings": [_finding(f) for f in grid.findings],
        "accepted": [{**_finding(f), "acknowledged": _acknowledged(a)} for f, a in grid.accepted],
    }


def _acknowledged(a) -> dict:
    return {"reason": a.reason, "by": a.by, "on": a.on, "review_on": a.review_on}


def _activity_versions(matrix: Matrix) -> dict[int, int]:
    return dict(matrix.activities.values_list("id", "version"))


# --- the workspace -------------------------------------------------------------------------


@router.get(W, response={200: schemas.Workspace, **READS}, summary="The workspace, and your access to it")
def workspace_read(request, ws: str):
    caller = _caller(request)
    return {
        "slug": caller.workspace.slug,
        "name": caller.workspace.name,
        "time_zone": caller.workspace.time_zone,
        "access": caller.membership.access,
        "scope": caller.token.scope,
    }


@router.get(W + "/roles", response={200: list[schemas.Role], **READS}, summary="Roles and who holds them")
def roles_list(request, ws: str):
    caller = _caller(request)
    roles = Role.objects.filter(workspace=caller.workspace).prefetch_related("holders__membership__user")
    return [
        {
            "id": role.pk,
            "code": role.code,
            "name": role.name,
            "description": role.description,
            "holders": [{"name": _name(h.membership.user)} for h in role.holders.all()],
        }
        for role in roles.order_by("code")
    ]


@router.get(W + "/members", response={200: list[schemas.Member], **READS}, summary="Members (admins only)")
def members_list(request, ws: str):
    caller = _caller(request)
    caller.require_admin()
    return [
        {
            "id": m.pk,
            "name": _name(m.user),
            "username": m.user.username,
            "email": m.user.email,
            "access": m.access,
        }
        for m in workspace_selectors.members_of(workspace=caller.workspace)
    ]


@router.get(
    W + "/settings", response={200: schemas.WorkspaceSettings, **READS}, summary="Workspace settings (admins only)"
)
def settings_read(request, ws: str):
    caller = _caller(request)
    caller.require_admin()
    hook = Webhook.objects.filter(workspace=caller.workspace, kind=Webhook.Kind.JSON).first()
    return {
        "name": caller.workspace.name,
        "slug": caller.workspace.slug,
        "time_zone": caller.workspace.time_zone,
        "webhook": {"url": hook.url, "active": hook.active} if hook else None,
    }


@router.get(W + "/templates", response={200: list[schemas.Template], **READS}, summary="Templates to start from")
def templates_list(request, ws: str):
    caller = _caller(request)
    return [
        {"slug": t.slug, "name": t.name, "description": t.description, "builtin": t.workspace_id is None}
        for t in selectors.templates_for(workspace=caller.workspace)
    ]


# --- matrices ------------------------------------------------------------------------------


@router.get(W + "/matrices", response={200: list[schemas.MatrixSummary], **READS}, summary="The matrices")
def matrices_list(request, ws: str):
    caller = _caller(request)
    return [_summary(m) for m in Matrix.objects.filter(workspace=caller.workspace).order_by("name")]


@router.post(
    W + "/matrices",
    response={201: schemas.Matrix, **WRITES},
    summary="Make a matrix, blank or from a template",
    description="Send an `Idempotency-Key` header to retry safely: the first answer is kept for 24 hours.",
)
def matrix_create(request, ws: str, body: schemas.MatrixCreate):
    caller = _writer(request)

    def create():
        template = None
        if body.template:
            template = next(
                (t for t in selectors.templates_for(workspace=caller.workspace) if t.slug == body.template), None
            )
            if template is None:
                raise InvalidInput(f"No template “{body.template}”: see the templates list.", "template")
        with changelog.via(caller.via):
            matrix = services.matrix_create(
                workspace=caller.workspace,
                name=body.name,
                description=body.description,
                template=template,
                actor=caller.user,
            )
        matrix.workspace = caller.workspace
        return 201, _matrix_body(matrix)

    return idempotent(request, caller, create)


@router.get(M, response={200: schemas.Matrix, **READS}, summary="A matrix with its cells, findings and counts")
def matrix_read(request, ws: str, m: str, response: HttpResponse):
    matrix = _matrix(_caller(request), m)
    response["ETag"] = etag(matrix.last_seq)
    return _matrix_body(matrix)


@router.patch(M, response={200: schemas.Matrix, **WRITES}, summary="Rename a matrix or change its settings")
def matrix_change(request, ws: str, m: str, body: schemas.MatrixChange, response: HttpResponse):
    caller = _writer(request)
    matrix = _matrix(caller, m)
    expected = expected_version(request, None, required=False, what="matrix")
    if expected is not None and expected != matrix.last_seq:
        raise Stale(
            "The matrix changed since you read it: read it again.",
            current={"version": matrix.last_seq},
        )
    fields = body.dict(exclude_none=True)
    with changelog.via(caller.via):
        matrix = services.matrix_update(
            matrix=matrix,
            name=fields.get("name", matrix.name),
            description=fields.get("description", matrix.description),
            max_responsible=fields.get("max_responsible", matrix.max_responsible),
            max_consulted=fields.get("max_consulted", matrix.max_consulted),
            overload_min_activities=fields.get("overload_min_activities", matrix.overload_min_activities),
            overload_percent=fields.get("overload_percent", matrix.overload_percent),
            review_cadence_days=fields.get("review_cadence_days", matrix.review_cadence_days),
            actor=caller.user,
        )
    matrix.workspace = caller.workspace
    response["ETag"] = etag(matrix.last_seq)
    return _matrix_body(matrix)


# --- activities and columns ----------------------------------------------------------------


def _activity_answer(matrix: Matrix, activity_id: int) -> dict:
    grid = selectors.matrix_grid(matrix=matrix, check=False)
    row = grid.activity(activity_id)
    if row is None:
        raise NotFound("That activity is no longer in the matrix.")
    version = matrix.activities.filter(pk=activity_id).values_list("version", flat=True).first() or 0
    return {
        "id": row.id,
        "name": row.name,
        "phase": row.phase,
        "phase_label": row.phase_label,
        "description": row.description,
        "version": version,
    }


@router.post(M + "/activities", response={201: schemas.Activity, **WRITES}, summary="Add an activity")
def activity_add(request, ws: str, m: str, body: schemas.ActivityCreate):
    caller = _writer(request)
    matrix = _matrix(caller, m)

    def create():
        with changelog.via(caller.via):
            activity = services.activity_add(
                matrix=matrix, name=body.name, phase=body.phase, description=body.description, actor=caller.user
            )
        return 201, _activity_answer(matrix, activity.pk)

    return idempotent(request, caller, create)


@router.patch(
    M + "/activities/{activity_id}",
    response={200: schemas.Activity, **WRITES},
    summary="Rename an activity, change its phase or description",
)
def activity_change(request, ws: str, m: str, activity_id: Id, body: schemas.ActivityChange, response: HttpResponse):
    caller = _writer(request)
    matrix = _matrix(caller, m)
    activity = matrix.activities.filter(pk=activity_id).first()
    if activity is None:
        raise NotFound("That activity is no longer in the matrix.")
    expected = expected_version(request, body.version, required=False, what="activity")
    if expected is not None and expected != activity.version:
        raise Stale(
            f"Someone changed this activity since you read it: it is now “{activity.name}”.",
            current={"name": activity.name, "phase": activity.phase, "version": activity.version},
        )
    with changelog.via(caller.via):
        services.activity_update(
            matrix=matrix,
            activity_id=activity_id,
            name=body.name if body.name is not None else activity.name,
            phase=body.phase if body.phase is not None else activity.phase,
            description=body.description if body.description is not None else activity.description,
            expected_version=activity.version,
            actor=caller.user,
        )
    answer = _activity_answer(matrix, activity_id)
    response["ETag"] = etag(answer["version"])
    return answer


@router.post(
    M + "/activities/{activity_id}/move",
    response={200: schemas.Group, **WRITES},
    summary="Move an activity up or down within its phase",
)
def activity_move(request, ws: str, m: str, activity_id: Id, body: schemas.Move):
    caller = _writer(request)
    matrix = _matrix(caller, m)
    if body.direction not in ("up", "down"):
        raise InvalidInput("An activity moves up or down.", "direction")
    with changelog.via(caller.via):
        services.activity_move(matrix=matrix, activity_id=activity_id, direction=body.direction, actor=caller.user)
    return {"group": None, "label": f"Moved {body.direction}", "changed": 1}


@router.delete(
    M + "/activities/{activity_id}",
    response={204: None, **WRITES},
    summary="Remove an activity (it can be restored from the history)",
)
def activity_remove(request, ws: str, m: str, activity_id: Id):
    caller = _writer(request)
    matrix = _matrix(caller, m)
    with changelog.via(caller.via):
        services.activity_delete(matrix=matrix, activity_id=activity_id, actor=caller.user)
    return Status(204, None)


def _column_answer(matrix: Matrix, role_id: int) -> dict:
    grid = selectors.matrix_grid(matrix=matrix, check=False)
    column = grid.column(role_id)
    if column is None:
        raise NotFound("That role is not a column of the matrix.")
    return {
        "role_id": column.role_id,
        "code": column.code,
        "name": column.name,
        "holders": [{"name": grid.people[m]} for m in column.holder_ids if m in grid.people],
    }


@router.post(M + "/columns", response={201: schemas.Column, **WRITES}, summary="Add a role's column")
def column_add(request, ws: str, m: str, body: schemas.ColumnCreate):
    caller = _writer(request)
    matrix = _matrix(caller, m)

    def create():
        with changelog.via(caller.via):
            role = services.column_add(
                matrix=matrix, role_id=body.role_id, name=body.name, code=body.code, actor=caller.user
            )
        return 201, _column_answer(matrix, role.pk)

    return idempotent(request, caller, create)


@router.patch(
    M + "/columns/{role_id}",
    response={200: schemas.Column, **WRITES},
    summary="Rename a column's role (in every matrix of the workspace)",
)
def column_change(request, ws: str, m: str, role_id: Id, body: schemas.ColumnChange):
    caller = _writer(request)
    matrix = _matrix(caller, m)
    role = Role.objects.filter(workspace=caller.workspace, pk=role_id, columns__matrix=matrix).first()
    if role is None:
        raise NotFound("That role is not a column of the matrix.")
    with changelog.via(caller.via):
        workspace_services.role_update(
            workspace=caller.workspace,
            role_id=role.pk,
            name=body.name if body.name is not None else role.name,
            code=body.code if body.code is not None else role.code,
            description=body.description if body.description is not None else role.description,
            expected_version=role.version,
            actor=caller.user,
        )
    return _column_answer(matrix, role.pk)


@router.post(
    M + "/columns/{role_id}/move", response={200: schemas.Group, **WRITES}, summary="Move a column left or right"
)
def column_move(request, ws: str, m: str, role_id: Id, body: schemas.Move):
    caller = _writer(request)
    matrix = _matrix(caller, m)
    if body.direction not in ("left", "right"):
        raise InvalidInput("A column moves left or right.", "direction")
    with changelog.via(caller.via):
        services.column_move(matrix=matrix, role_id=role_id, direction=body.direction, actor=caller.user)
    return {"group": None, "label": f"Moved {body.direction}", "changed": 1}


@router.delete(
    M + "/columns/{role_id}",
    response={204: None, **WRITES},
    summary="Remove a column (its letters are kept and come back with it)",
)
def column_remove(request, ws: str, m: str, role_id: Id):
    caller = _writer(request)
    matrix = _matrix(caller, m)
    with changelog.via(caller.via):
        services.column_remove(matrix=matrix, role_id=role_id, actor=caller.user)
    return Status(204, None)


# --- cells ---------------------------------------------------------------------------------


def _cell_now(matrix: Matrix, activity_id: int, role_id: int) -> tuple[str, int]:
    hood = selectors.cell_neighbourhood(matrix=matrix, activity_id=activity_id, role_id=role_id, column=False)
    if hood.activity is None or hood.column is None:
        raise NotFound("That activity or role is not in the matrix.")
    return hood.row[role_id]


@router.get(M + "/cells/{activity_id}/{role_id}", response={200: schemas.Cell, **READS}, summary="One cell")
def cell_read(request, ws: str, m: str, activity_id: Id, role_id: Id, response: HttpResponse):
    matrix = _matrix(_caller(request), m)
    value, version = _cell_now(matrix, activity_id, role_id)
    response["ETag"] = etag(version)
    return {"activity_id": activity_id, "role_id": role_id, "value": DISPLAY[value], "version": version}


@router.put(
    M + "/cells/{activity_id}/{role_id}",
    response={200: schemas.CellAnswer, **WRITES},
    summary="Set one cell's letter",
    description="Say which version you read (`If-Match` with the cell's ETag, or `version`): a cell that "
    "changed since answers 412 with its letter now and who changed it; neither answers 428.",
)
def cell_write(request, ws: str, m: str, activity_id: Id, role_id: Id, body: schemas.CellWrite, response: HttpResponse):
    caller = _writer(request)
    matrix = _matrix(caller, m)
    expected = expected_version(request, body.version, required=True, what="cell")
    if expected is None:  # If-Match: * — whatever the cell holds now
        expected = _cell_now(matrix, activity_id, role_id)[1]
    try:
        with changelog.via(caller.via):
            result = services.cell_set(
                matrix=matrix,
                activity_id=activity_id,
                role_id=role_id,
                value=body.value,
                expected_version=expected,
                actor=caller.user,
            )
    except StaleEdit as stale:
        event = selectors.cell_last_change(matrix=matrix, activity_id=activity_id, role_id=role_id)
        who = _name(event.actor) if event and event.actor else None
        raise Stale(
            f"{who or 'Someone'} changed this cell since you read it: it is now "
            f"{DISPLAY[stale.value] or 'empty'}. Nothing was saved.",
            current={"value": DISPLAY[stale.value], "version": stale.version},
            changed_by=who,
        ) from None
    response["ETag"] = etag(result.version)
    counts = result.counts
    return {
        "activity_id": activity_id,
        "role_id": role_id,
        "value": DISPLAY[result.value],
        "version": result.version,
        "changed": result.changed,
        "row_findings": [_finding(f) for f in result.row_findings],
        "counts": {"errors": counts["error"], "warnings": counts["warning"], "infos": counts["info"]},
    }


# --- findings and their fixes --------------------------------------------------------------


@router.get(
    M + "/findings",
    response={200: list[schemas.FindingWithFixes], **READS},
    summary="The matrix's findings, each with the fixes on offer",
)
def findings_list(request, ws: str, m: str):
    matrix = _matrix(_caller(request), m)
    grid = selectors.matrix_grid(matrix=matrix)
    data, template = grid.rule_input(), selectors.template_letters(matrix=matrix)
    return [
        {
            **_finding(f),
            "fixes": [
                {"code": fix.code, "label": fix.label, "changes": len(fix.changes)}
                for fix in fixes.fixes_for(f, data, settings=matrix.rule_settings, template=template)
                if fix.is_change
            ],
        }
        for f in grid.findings
    ] + [{**_finding(f), "fixes": [], "acknowledged": _acknowledged(a)} for f, a in grid.accepted]


@router.post(M + "/findings/fix", response={200: schemas.Group, **WRITES}, summary="Apply one of a finding's fixes")
def finding_fix(request, ws: str, m: str, body: schemas.FixApply):
    caller = _writer(request)
    matrix = _matrix(caller, m)
    with changelog.via(caller.via):
        result = services.fix_apply(
            matrix=matrix,
            rule=body.rule,
            activity_id=body.activity_id,
            role_id=body.role_id,
            code=body.code,
            since=body.since,
            actor=caller.user,
        )
    return {"group": result.group, "label": result.label, "changed": result.changed}


# --- history -------------------------------------------------------------------------------


@router.get(
    M + "/history",
    response={200: schemas.History, **READS},
    summary="Changes after a sequence number, oldest first",
    description="Page with `after`: each answer gives `next_after` until there is nothing more.",
)
def history(
    request,
    ws: str,
    m: str,
    after: int = Query(0, ge=0, le=schemas.VERSION_MAX),
    limit: int = Query(100, ge=1, le=HISTORY_PAGE),
):
    matrix = _matrix(_caller(request), m)
    events = list(
        ChangeEvent.objects.filter(matrix=matrix, seq__gt=after).select_related("actor").order_by("seq")[: limit + 1]
    )
    more = len(events) > limit
    events = events[:limit]
    return {
        "changes": [
            {
                "seq": e.seq,
                "at": e.at,
                "actor": _name(e.actor),
                "kind": e.kind,
                "target": e.target,
                "before": e.before,
                "after": e.after,
                "group": e.group,
                "group_label": e.group_label,
                "via": e.via,
            }
            for e in events
        ],
        "next_after": events[-1].seq if more else None,
    }


@router.post(
    M + "/history/groups/{group}/undo",
    response={200: schemas.Group, **WRITES},
    summary="Undo a change group (a fix, a paste, an edit)",
)
def group_undo(request, ws: str, m: str, group: Id):
    caller = _writer(request)
    matrix = _matrix(caller, m)
    with changelog.via(caller.via):
        result = services.group_undo(matrix=matrix, group=group, actor=caller.user)
    return {"group": result.group, "label": result.label, "changed": result.changed}


# --- decisions -----------------------------------------------------------------------------


def _decision(d) -> dict:
    return {
        "id": d.pk,
        "what": d.what,
        "why": d.why,
        "activity_id": d.activity_id,
        "decided_by": _name(d.decided_by),
        "decided_on": d.decided_on,
        "review_on": d.review_on,
    }


@router.get(M + "/decisions", response={200: list[schemas.Decision], **READS}, summary="The decision log")
def decisions_list(request, ws: str, m: str):
    matrix = _matrix(_caller(request), m)
    return [_decision(d) for d in selectors.decisions_of(matrix=matrix).select_related("decided_by")]


@router.post(M + "/decisions", response={201: schemas.Decision, **WRITES}, summary="Record a decision")
def decision_add(request, ws: str, m: str, body: schemas.DecisionCreate):
    caller = _writer(request)
    matrix = _matrix(caller, m)

    def create():
        decision = services.decision_add(
            matrix=matrix,
            actor=caller.user,
            what=body.what,
            why=body.why,
            activity_id=body.activity_id,
            decided_by_id=caller.user.pk,
            decided_on=body.decided_on or caller.workspace.today(),
            review_on=body.review_on,
        )
        return 201, schemas.Decision.model_validate(_decision(decision)).model_dump(mode="json")

    return idempotent(request, caller, create)


# --- who owns ------------------------------------------------------------------------------


def _ref(a) -> dict:
    return {"id": a.id, "name": a.name, "phase": a.phase_label or a.phase}


@router.get(
    W + "/who-owns",
    response={200: schemas.WhoOwns, **READS},
    summary="Who owns an activity, found by name",
    description="Forgiving of case, spacing and small typos. Several matches give `candidates`, none gives "
    "`suggestions`. Without `matrix`, the workspace's default matrix answers.",
)
def who_owns(request, ws: str, q: str = Query(..., max_length=200), matrix: str | None = Query(None, max_length=60)):
    caller = _caller(request)
    found = _matrix(caller, matrix) if matrix else selectors.default_matrix_of(workspace_id=caller.workspace.pk)
    if found is None:
        raise NotFound("The workspace has no matrix yet.")
    found.workspace = caller.workspace
    grid = selectors.matrix_grid(matrix=found)
    answer = lookup.activity_lookup(grid=grid, query=q)
    body: dict = {
        "query": answer.query,
        "outcome": answer.outcome,
        "candidates": [_ref(a) for a in answer.candidates],
        "suggestions": [_ref(a) for a in answer.suggestions],
    }
    if answer.owners is not None:
        owners = answer.owners
        body |= {
            "activity": _ref(owners.activity),
            "accountable": [_owner(o) for o in owners.accountable],
            "responsible": [_owner(o) for o in owners.responsible],
            "findings": [_finding(f) for f in owners.findings],
            "url": _page(found, owners.activity.id),
        }
    return body


def _owner(o: lookup.RoleOwners) -> dict:
    return {"role_id": o.role_id, "code": o.code, "name": o.name, "people": list(o.people)}
