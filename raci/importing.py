"""Spreadsheets in and out of a matrix (CSV and XLSX, as docs/contracts.md describes them).

An import is parsed and previewed before anything is saved; saving happens in a
background task, in one transaction, so a file either lands whole or not at all.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from core.errors import InvalidInput
from core.text import clean_name as clean_name
from raci import changelog, rules, tabular
from raci.models import Matrix, MatrixImport
from raci.selectors import matrix_grid
from raci.services import matrix_contents_replace, matrix_create
from workspaces.models import Role, Workspace
from workspaces.phases import PHASES_MAX, PhaseList, fold
from workspaces.services import role_ensure
from workspaces.team_phases import phase_list, phases_add

PREVIEW_ROWS = 100
PREVIEW_FINDINGS = 300


def progress_key(import_id: int) -> str:
    return f"import-progress:{import_id}"


def export_table(matrix: Matrix) -> tabular.ExportTable:
    grid = matrix_grid(matrix=matrix, check=False)
    rows = [
        (a.name, a.phase, a.description, [grid.cells.get((a.id, c.role_id), ("", 0))[0] for c in grid.columns])
        for a in grid.activities
    ]
    return tabular.export_table(
        role_headers=[c.code for c in grid.columns], rows=rows, title=matrix.name, phases=grid.phase_list
    )


# --- creating and previewing -----------------------------------------------------------


@transaction.atomic
def import_create(
    *, workspace: Workspace, actor, filename: str, data: bytes, matrix: Matrix | None = None, new_name: str = ""
) -> MatrixImport:
    if matrix is None:
        new_name = clean_name(new_name, "matrix")
        if Matrix.objects.filter(workspace=workspace, name__iexact=new_name).exists():
            raise InvalidInput(f"The workspace already has a matrix named “{new_name}”.", "name")
    if not data:
        raise InvalidInput("The file is empty.", "file")
    job = MatrixImport.objects.create(
        workspace=workspace,
        matrix=matrix,
        new_name=new_name,
        created_by=actor,
        filename=filename[:255],
        data=data,
        via=changelog.current_via(),
    )
    from raci.tasks import parse_import

    parse_import.delay_on_commit(job.pk)
    return job


def _role_plan(workspace: Workspace, headers: list[str]) -> list[dict]:
    """Which workspace role each column header names (by code or by name), and the roles
    to create for the others."""
    roles = list(Role.objects.filter(workspace=workspace))
    by_code = {r.code.upper(): r for r in roles}
    by_name = {r.name.lower(): r for r in roles}
    taken = set(by_code)
    plan = []
    for header in headers:
        role = by_code.get(header.upper()) or by_name.get(header.lower()) or _only_prefix_match(header, roles)
        if role is not None:
            plan.append({"header": header, "role_id": role.pk, "code": role.code, "name": role.name, "new": False})
            continue
        code = _derive_code(header, taken)
        taken.add(code)
        plan.append({"header": header, "role_id": None, "code": code, "name": header, "new": True})
    return plan


def _only_prefix_match(header: str, roles: list[Role]) -> Role | None:
    """ "Product Marketing" names the role "Product Marketing Manager" when no other role's
    name starts the same way."""
    start = header.lower() + " "
    matches = [r for r in roles if r.name.lower().startswith(start)]
    return matches[0] if len(matches) == 1 else None


def _derive_code(header: str, taken: set[str]) -> str:
    words = re.findall(r"[A-Za-z0-9]+", header)
    compact = "".join(words).upper()
    base = compact if len(compact) <= 6 else "".join(w[0] for w in words).upper() or compact[:6]
    base = base[:10] or "ROLE"
    code, n = base, 2
    while code in taken:
        code, n = f"{base}{n}", n + 1
    return code


def _phase_plan(
    phases: PhaseList, table: tabular.ParsedTable
) -> tuple[list[str | None], list[str], list[tabular.TableError]]:
    """Which of the workspace's phases each activity goes in (its key, or None for a phase
    the import adds), the phases to add (in file order, as first written), and errors: a
    file may name one phase two ways ("Discovery" and the team's name for Insight), which
    must not put two activities of one name in one phase."""
    keys: list[str | None] = []
    new: dict[str, str] = {}
    for spec in table.activities:
        key = phases.match(spec.phase_text)
        if key is None:
            new.setdefault(fold(spec.phase_text), spec.phase_text)
        keys.append(key)
    errors: list[tabular.TableError] = []
    seen: dict[tuple[str, str], int | None] = {}
    for spec, key in zip(table.activities, keys):
        where = key if key is not None else "new:" + fold(spec.phase_text)
        first = seen.setdefault((where, fold(spec.name)), spec.row)
        if first != spec.row:
            label = phases.label(key) if key is not None else spec.phase_text
            errors.append(
                tabular.TableError(
                    spec.row,
                    "Phase",
                    spec.phase_text,
                    f"“{spec.name}” is already on row {first} in phase {label}, which "
                    f"this row names “{spec.phase_text}”; activity names must differ "
                    "within a phase.",
                )
            )
    if len(phases) + len(new) > PHASES_MAX:
        errors.append(
            tabular.TableError(
                None,
                "Phase",
                "",
                (
                    f"The file adds {len(new)} phases to the workspace's {len(phases)}; a workspace has at most "
                    f"{PHASES_MAX} phases. Use fewer phases in the file, or remove some in the workspace settings."
                ),
            )
        )
    return keys, list(new.values()), errors


def _phase_map(phases: PhaseList, table: tabular.ParsedTable, keys: list[str | None]) -> list[dict]:
    """Each phase the file names, in file order, and where its activities go: the phase of
    the same name, the phase it is another name for ("GTM" -> Launch), or a new team phase."""
    found: dict[str, dict] = {}
    for spec, key in zip(table.activities, keys):
        text = spec.phase_text
        if fold(text) in found:
            continue
        if key is None:
            found[fold(text)] = {"from": text, "to": text, "how": "new"}
        elif not text:
            found[""] = {"from": "", "to": phases.label(key), "how": "blank"}
        else:
            label = phases.label(key)
            found[fold(text)] = {"from": text, "to": label, "how": "same" if fold(label) == fold(text) else "alias"}
    return list(found.values())


def import_parse(job: MatrixImport) -> MatrixImport:
    """Read the file and store what the preview shows."""
    table = tabular.parse_upload(bytes(job.data), job.filename)
    # At most the first 500 errors are kept (the table counts the rest): a file of 400,000
    # bad rows once stored 207 MB of them, and its page took the web worker down.
    summary: dict = {"errors": [dict(e.as_dict(), text=str(e)) for e in table.errors], "error_count": table.error_count}
    phases = phase_list(workspace_id=job.workspace_id)
    keys, new_phases, phase_errors = _phase_plan(phases, table) if table.ok else ([], [], [])
    if phase_errors:
        summary = {"errors": [dict(e.as_dict(), text=str(e)) for e in phase_errors], "error_count": len(phase_errors)}
    elif table.ok:
        plan = _role_plan(job.workspace, [c.header for c in table.columns])
        findings = rules.check(table.to_matrix_data())
        summary.update(
            {
                "n_activities": len(table.activities),
                "n_roles": len(table.columns),
                "roles": plan,
                "new_phases": new_phases,
                "phase_map": _phase_map(phases, table, keys),
                "rows": [
                    [
                        a.name,
                        phases.label(key) if key is not None else a.phase_text,
                        [rules.DISPLAY[a.letters.get(i, "")] for i in range(len(table.columns))],
                    ]
                    for a, key in zip(table.activities[:PREVIEW_ROWS], keys)
                ],
                "counts": rules.count_by_severity(findings),
                "findings": [
                    {
                        "rule": f.rule,
                        "severity": f.severity,
                        "message": f.message,
                        "activity": table.activities[f.activity].name if f.activity is not None else None,
                        "role": table.columns[f.role].header if f.role is not None else None,
                    }
                    for f in findings[:PREVIEW_FINDINGS]
                ],
                "n_findings": len(findings),
            }
        )
    job.summary = summary
    job.status = MatrixImport.Status.PREVIEW if table.ok and not phase_errors else MatrixImport.Status.INVALID
    job.save(update_fields=["summary", "status"])
    return job


# --- saving ----------------------------------------------------------------------------


@transaction.atomic
def import_confirm(*, job: MatrixImport) -> MatrixImport:
    locked = MatrixImport.objects.select_for_update().get(pk=job.pk)
    if locked.status != MatrixImport.Status.PREVIEW:
        raise InvalidInput("This import is not waiting for confirmation any more.")
    locked.status, locked.status_since = MatrixImport.Status.SAVING, timezone.now()
    locked.save(update_fields=["status", "status_since"])
    from raci.tasks import apply_import

    apply_import.delay_on_commit(locked.pk)
    return locked


def import_apply(job: MatrixImport) -> Matrix:
    """Save the file into its matrix, whole, in one transaction. Progress goes to the
    cache, which other requests can read while the transaction is open."""
    table = tabular.parse_upload(bytes(job.data), job.filename)
    if not table.ok:
        raise InvalidInput("The file has errors; nothing was saved.")
    key = progress_key(job.pk)
    cache.set(key, 1, 3600)
    with transaction.atomic(), changelog.via(job.via):
        # A second delivery of the task waits here, then finds the job done.
        job = (
            MatrixImport.objects.select_for_update(of=("self",))
            .select_related("workspace", "created_by")
            .get(pk=job.pk)
        )
        if job.status != MatrixImport.Status.SAVING:
            return job.result
        workspace = job.workspace
        if job.matrix_id:
            matrix = Matrix.objects.get(pk=job.matrix_id)
        else:
            matrix = matrix_create(workspace=workspace, name=job.new_name, actor=job.created_by)
        plan = _role_plan(workspace, [c.header for c in table.columns])
        roles = [
            role_ensure(workspace=workspace, code=entry["code"], name=entry["name"])
            if entry["new"]
            else Role.objects.get(pk=entry["role_id"])
            for entry in plan
        ]
        # The phases the file adds are created with the matrix, in the same transaction.
        _, new_phases, phase_errors = _phase_plan(phase_list(workspace_id=workspace.pk), table)
        if phase_errors:
            raise InvalidInput(str(phase_errors[0]))
        phases_add(workspace=workspace, names=new_phases)
        keys, _, _ = _phase_plan(phase_list(workspace_id=workspace.pk), table)
        activities = [dataclasses.replace(spec, phase=key or "") for spec, key in zip(table.activities, keys)]
        matrix_contents_replace(
            matrix=matrix,
            roles=roles,
            activities=activities,
            actor=job.created_by,
            source=job.filename,
            fresh=not job.matrix_id,
            progress=lambda percent: cache.set(key, percent, 3600),
        )
        job.status, job.result = MatrixImport.Status.DONE, matrix
        job.save(update_fields=["status", "result"])
    cache.set(key, 100, 3600)
    return matrix


def import_fail(job: MatrixImport, reason: str) -> None:
    MatrixImport.objects.filter(pk=job.pk).update(
        status=MatrixImport.Status.FAILED, failure=reason[:2000], status_since=timezone.now()
    )


# A task past its hard time limit is killed with no chance to say so: a job still reading
# or saving this long after it started is marked failed (by the tick, or when its page is read).
STALLED_AFTER = timedelta(seconds=settings.IMPORT_TIME_LIMIT_SECONDS + 60 + 30)


def imports_stalled_fail(*, now: datetime, job_id: int | None = None) -> int:
    """Mark failed the imports (or the one import) still reading or saving past their
    task's hard time limit; a job that finished meanwhile is left as it is."""
    stalled = MatrixImport.objects.filter(status__in=MatrixImport.RUNNING, status_since__lt=now - STALLED_AFTER)
    if job_id is not None:
        stalled = stalled.filter(pk=job_id)
    return stalled.update(
        status=MatrixImport.Status.FAILED,
        status_since=now,
        failure=(
            f"The import stopped: it took longer than {settings.IMPORT_TIME_LIMIT_SECONDS} seconds, the most an "
            "import may take, or the worker running it stopped. Nothing was saved; try again, or split the file."
        ),
    )
