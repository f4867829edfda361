"""Spreadsheets in and out through the API, the same way as the pages: an upload is read in
the background and previewed (every error with its row, column and value; the roles and
phases it maps), nothing is saved until it is confirmed, and saving runs as the same
background task, whose status a script polls. Export writes the CSV or XLSX the matrix
page downloads, which imports back into the same matrix.

Reading an import is an editor's, as its page is: the preview shows the file's contents.
"""

from __future__ import annotations

from typing import Any, Literal

from django.core.cache import cache
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile

from api.common import READS, WRITES, Id, caller, writer
from api.endpoints import matrix_of
from api.tokens import Caller
from core.errors import Forbidden, InvalidInput, NotFound
from core.links import absolute
from raci import changelog, selectors, tabular
from raci.importing import (
    STALLED_AFTER,
    export_table,
    import_confirm,
    import_create,
    imports_stalled_fail,
    progress_key,
)
from raci.limits import LIMITS
from raci.models import MatrixImport

router = Router()

W = "/w/{ws}"
IMPORT = W + "/imports/{import_id}"
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class RowError(Schema):
    row: int | None
    column: str | None
    value: str | None
    message: str


class RolePlan(Schema):
    header: str
    code: str
    name: str
    new: bool = Field(..., description="A role the import creates.")


class PhaseMap(Schema):
    text: str = Field(..., description="The phase as the file writes it (empty: unphased rows).")
    phase: str = Field(..., description="The workspace's phase it lands in.")
    how: Literal["same", "alias", "new", "blank"] = Field(
        ..., description="Its own name, a lifecycle alias, a team phase the import creates, or blank."
    )


class PreviewFinding(Schema):
    rule: str
    severity: str
    message: str
    activity: str | None
    role: str | None


class Import(Schema):
    id: int
    status: Literal["parsing", "invalid", "preview", "saving", "done", "failed"]
    filename: str
    matrix: str | None = Field(..., description="The matrix whose contents the file replaces; none: a new one.")
    new_name: str
    progress: int = Field(..., description="Percent saved, while saving.")
    errors: list[RowError] = Field(..., description="The first 500 problems; nothing is saved while there are any.")
    error_count: int
    activities: int | None
    roles: list[RolePlan]
    new_phases: list[str]
    phases: list[PhaseMap]
    rows: list[list[Any]] = Field(..., description="The first 100 rows: name, phase, and each role's letter.")
    findings: list[PreviewFinding]
    finding_count: int
    result: str | None = Field(..., description="The matrix the import made or filled, once done.")
    failure: str
    url: str


def _editor(request) -> Caller:
    """Imports are an editor's, read or written, as their pages are."""
    found = caller(request)
    if not found.membership.can_edit:
        raise Forbidden("Imports are for the workspace's editors and admins.")
    return found


def _job(caller_: Caller, import_id: int) -> MatrixImport:
    job = selectors.import_job(workspace=caller_.workspace, import_id=import_id)
    if job is None:
        raise NotFound("No such import.")
    return job


def _phase(entry: dict) -> dict:
    return {"text": entry["from"], "phase": entry["to"], "how": entry["how"]}


def _body(caller_: Caller, job: MatrixImport) -> dict:
    summary = job.summary or {}
    errors = summary.get("errors", [])
    return {
        "id": job.pk,
        "status": job.status,
        "filename": job.filename,
        "matrix": job.matrix.slug if job.matrix else None,
        "new_name": job.new_name,
        "progress": int(cache.get(progress_key(job.pk), 0) or 0),
        "errors": [
            {"row": e.get("row"), "column": e.get("column"), "value": e.get("value"), "message": e.get("message", "")}
            for e in errors
        ],
        "error_count": summary.get("error_count", len(errors)),
        "activities": summary.get("n_activities"),
        "roles": [
            {"header": r["header"], "code": r["code"], "name": r["name"], "new": bool(r["new"])}
            for r in summary.get("roles", [])
        ],
        "new_phases": summary.get("new_phases", []),
        "phases": [_phase(p) for p in summary.get("phase_map", [])],
        "rows": summary.get("rows", []),
        "findings": summary.get("findings", []),
        "finding_count": summary.get("n_findings", 0),
        "result": job.result.slug if job.result else None,
        "failure": job.failure,
        "url": absolute(reverse("raci:import", args=[caller_.workspace.slug, job.pk])),
    }


@router.post(
    W + "/imports",
    response={202: Import, **WRITES},
    summary="Upload a CSV or XLSX file: it is read in the background, then previewed",
    description=f"Multipart, with the file as `file` (at most {LIMITS.file_text()}). Name a `matrix` (its slug) "
    "to replace its contents, or give `name` for a new matrix. Poll the import until its status is `preview` "
    "(or `invalid`, with every error), then confirm it.",
)
def import_upload(
    request,
    ws: str,
    file: File[UploadedFile],
    matrix: str = Form("", max_length=60, description="The slug of the matrix whose contents the file replaces."),
    name: str = Form("", max_length=200, description="A new matrix's name, when no `matrix` is named."),
):
    caller_ = writer(request)
    target = matrix_of(caller_, matrix) if matrix else None
    if file.size is not None and file.size > LIMITS.file_bytes:
        raise InvalidInput(
            f"The file is larger than {LIMITS.file_text()}, the most an import takes. Nothing was changed.", "file"
        )
    with changelog.via(caller_.via):
        job = import_create(
            workspace=caller_.workspace,
            actor=caller_.user,
            filename=(file.name or "upload.csv")[:255],
            data=file.read(),
            matrix=target,
            new_name=name,
        )
    job.matrix = target
    return Status(202, _body(caller_, job))


@router.get(IMPORT, response={200: Import, **READS}, summary="An import: its status, then its preview")
def import_read(request, ws: str, import_id: Id):
    caller_ = _editor(request)
    job = _job(caller_, import_id)
    now = timezone.now()
    # As its page does: a job whose task was killed is failed once it looks stalled.
    if job.is_running and job.status_since < now - STALLED_AFTER and imports_stalled_fail(now=now, job_id=job.pk):
        job = _job(caller_, import_id)
    return _body(caller_, job)


@router.post(
    IMPORT + "/confirm",
    response={202: Import, **WRITES},
    summary="Confirm a previewed import: it is saved whole, in the background",
    description="Poll the import until its status is `done` (`result` names the matrix) or `failed`.",
)
def import_confirm_(request, ws: str, import_id: Id):
    caller_ = writer(request)
    job = _job(caller_, import_id)
    with changelog.via(caller_.via):
        import_confirm(job=job)
    return Status(202, _body(caller_, _job(caller_, import_id)))


@router.get(
    W + "/matrices/{m}/export",
    response={200: None, **READS},
    summary="The matrix as a CSV or XLSX file, as its page downloads it",
    openapi_extra={
        "responses": {
            200: {
                "description": "The file",
                "content": {
                    "text/csv": {"schema": {"type": "string"}},
                    CONTENT_TYPES["xlsx"]: {"schema": {"type": "string", "format": "binary"}},
                },
            }
        }
    },
)
def matrix_export(request, ws: str, m: str, format: Literal["csv", "xlsx"] = Query("csv")):  # noqa: A002
    matrix = matrix_of(caller(request), m)
    table = export_table(matrix)
    body = tabular.write_csv(table) if format == "csv" else tabular.write_xlsx(table)
    response = HttpResponse(body, content_type=CONTENT_TYPES[format])
    response["Content-Disposition"] = f'attachment; filename="{matrix.slug}.{format}"'
    return response
