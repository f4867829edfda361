"""Spreadsheets in and out: export a matrix as CSV or XLSX; import one, previewed first."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from core.responses import refusal_redirects_to
from raci import selectors, tabular
from raci.importing import (
    STALLED_AFTER,
    export_table,
    import_confirm,
    import_create,
    imports_stalled_fail,
    progress_key,
)
from raci.limits import LIMITS
from raci.matrix_access import matrix_for
from raci.models import Matrix, MatrixImport
from workspaces.access import membership_for
from workspaces.models import Access

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@login_required
@require_GET
def matrix_export(request, ws, m, fmt):
    matrix = matrix_for(request, ws, m)
    if fmt not in CONTENT_TYPES:
        raise Http404("No such format")
    table = export_table(matrix)
    body = tabular.write_csv(table) if fmt == "csv" else tabular.write_xlsx(table)
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{matrix.slug}.{fmt}"'
    return response


def _too_large(request) -> bool:
    # Judged from the header, before the body is read: a 50 MB upload is refused at once.
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > LIMITS.file_bytes + 65536
    except ValueError:
        return True


TOO_LARGE = f"The file is larger than {LIMITS.file_text()}, the most an import takes. Nothing was changed."


def _upload_back(request, ws) -> str:
    """A refused upload returns to the matrix it was for, else to the new-matrix page."""
    target_slug = request.GET.get("matrix", "")
    return reverse("raci:matrix", args=[ws, target_slug]) if target_slug else reverse("raci:matrix_new", args=[ws])


@login_required
@require_POST
@refusal_redirects_to(_upload_back)
def import_upload(request, ws):
    membership = membership_for(request, ws, needs=Access.EDITOR)
    workspace = membership.workspace
    target_slug = request.GET.get("matrix", "")
    matrix = Matrix.objects.filter(workspace=workspace, slug=target_slug).first() if target_slug else None
    if target_slug and matrix is None:
        raise Http404("No such matrix")
    back = ("raci:matrix", ws, matrix.slug) if matrix else ("raci:matrix_new", ws)
    if _too_large(request):
        messages.error(request, TOO_LARGE)
        return redirect(*back)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "Choose a CSV or XLSX file to import.")
        return redirect(*back)
    if upload.size > LIMITS.file_bytes:
        messages.error(request, TOO_LARGE)
        return redirect(*back)
    job = import_create(
        workspace=workspace,
        actor=request.user,
        filename=upload.name,
        data=upload.read(),
        matrix=matrix,
        new_name=request.POST.get("name", ""),
    )
    return redirect("raci:import", ws, job.pk)


def _job(membership, import_id) -> MatrixImport:
    job = selectors.import_job(workspace=membership.workspace, import_id=import_id)
    if job is None:
        raise Http404("No such import")
    return job


@login_required
@vary_on_headers("HX-Request")
@require_GET
def import_page(request, ws, import_id):
    membership = membership_for(request, ws, needs=Access.EDITOR)
    job = _job(membership, import_id)
    now = timezone.now()
    # Polled every second while a job runs: the update is tried only once the job looks stalled.
    if job.is_running and job.status_since < now - STALLED_AFTER and imports_stalled_fail(now=now, job_id=job.pk):
        job = _job(membership, import_id)  # its task was killed: the page says so at once
    errors = job.summary.get("errors", [])
    context = {
        "workspace": membership.workspace,
        "membership": membership,
        "job": job,
        "progress": cache.get(progress_key(job.pk), 0),
        "summary": job.summary,
        # Imports parsed before errors were counted listed them all.
        "error_count": job.summary.get("error_count", len(errors)),
        "limits": LIMITS,
    }
    template = "raci/import.html#status" if request.htmx else "raci/import.html"
    return render(request, template, context)


@login_required
@require_POST
@refusal_redirects_to(lambda request, ws, import_id: reverse("raci:import", args=[ws, import_id]))
def import_confirm_view(request, ws, import_id):
    membership = membership_for(request, ws, needs=Access.EDITOR)
    job = _job(membership, import_id)
    import_confirm(job=job)
    return redirect("raci:import", ws, job.pk)
