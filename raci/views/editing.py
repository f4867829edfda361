"""Undo and paste from the grid: changes to many cells at once, each recorded as one group.

The htmx answer patches the cells that changed out of band (focus stays where the person
left it) with their badges, the counts and a message; a plain POST redirects to the matrix
with the message, or shows the paste form again with the message at the field."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from core.bounds import query_int
from core.errors import InvalidInput, StaleChanges
from core.responses import answer_change
from raci import paging, selectors, services, tabular
from raci.matrix_access import matrix_for
from raci.models import Activity
from raci.views.live import cell_changes
from raci.views.page import PAGE, grid_context, matrix_url, view_of
from workspaces.models import Access

# Up to this many changed cells are patched in place (as the live refresh does); more, and
# the answer is the grid.
REPLAY_MAX = 100


def _step(request, ws, m, *, step, what: str):
    """Undo or redo the person's own last change: one answer for both, refusals included."""
    matrix = matrix_for(request, ws, m, needs=Access.EDITOR)
    return answer_change(
        lambda: step(matrix=matrix, actor=request.user),
        done=lambda result: _answer(request, matrix, result=result, message=f"{result.label}."),
        refused=lambda error: _answer(
            request,
            matrix,
            status=error.status,
            # A vanished row or column: what it concerns is gone, so the step is, too (404).
            error=f"{what} was not applied: {error.message}" if error.status == 404 else _refusal(error),
        ),
    )


@login_required
@require_POST
def undo(request, ws, m):
    return _step(request, ws, m, step=services.undo_last, what="Undo")


@login_required
@require_POST
def redo(request, ws, m):
    return _step(request, ws, m, step=services.redo_last, what="Redo")


@login_required
@require_http_methods(["GET", "POST"])
def paste(request, ws, m):
    matrix = matrix_for(request, ws, m, needs=Access.EDITOR)
    if request.method == "GET":
        return _paste_form(
            request,
            matrix,
            activity_id=query_int(request.GET.get("activity")),
            role_id=query_int(request.GET.get("role")),
        )
    activity_id, role_id = query_int(request.POST.get("activity")), query_int(request.POST.get("role"))
    text = request.POST.get("text", "")
    if request.htmx and view_of(request, from_current_url=True)[1]:
        return _answer(
            request,
            matrix,
            status=422,
            error="Nothing was pasted: only rows with findings are shown, so "
            "the block would land on rows you cannot see. Show all "
            "activities, then paste again.",
        )
    spilled = _spill(request, matrix, activity_id, text) if request.htmx and activity_id is not None else ""
    if spilled:
        return _answer(request, matrix, status=422, error=spilled)
    if activity_id is None or role_id is None:
        where = InvalidInput("Pick the activity and the role the block starts at.")
        return _paste_refused(request, matrix, where, activity_id=activity_id, role_id=role_id, text=text)
    return answer_change(
        lambda: services.cells_paste(
            matrix=matrix,
            activity_id=activity_id,
            role_id=role_id,
            text=text,
            since=query_int(request.POST.get("since"), default=0),
            actor=request.user,
        ),
        done=lambda result: _answer(
            request,
            matrix,
            result=result,
            message=f"{result.label}." if result.changed else "Nothing changed: the matrix already holds that block.",
        ),
        refused=lambda error: _paste_refused(
            request, matrix, error, activity_id=activity_id, role_id=role_id, text=text
        ),
    )


def _paste_refused(request, matrix, error, *, activity_id, role_id, text: str):
    """A refused paste, with the error's status: a vanished row or column is a 404 (htmx
    says so in place); otherwise the message in place (htmx) or on the paste form again,
    with what was typed."""
    if error.status == 404:
        if not request.htmx:
            raise Http404(error.message)
        return _answer(request, matrix, status=404, error=f"{error.message} Nothing was pasted.")
    if not request.htmx:
        return _paste_form(
            request,
            matrix,
            activity_id=activity_id,
            role_id=role_id,
            text=text,
            error=_refusal(error),
            status=error.status,
        )
    return _answer(request, matrix, status=error.status, error=_refusal(error))


def _spill(request, matrix, activity_id: int, text: str) -> str:
    """On a page of a big matrix, a block that would run past the page's last row is
    refused, saying where it would have landed: a paste changes only rows the person sees."""
    page_number, _ = view_of(request, from_current_url=True)
    positions = selectors.activity_positions(matrix=matrix)
    page = paging.page_for(total=len(positions), n_columns=matrix.columns.count(), requested=page_number)
    start = positions.get(activity_id)
    block = tabular.parse_block(text)
    if start is None or not page.paged or not block.ok:
        return ""  # one page, a vanished row or a bad block: the paste's own checks answer
    rows = block.size[0]
    past = paging.spill(page, start=start, rows=rows)
    if not past:
        return ""
    at = {i: pk for pk, i in positions.items()}
    names = dict(Activity.objects.filter(pk__in=[at[page.last - 1], at[past[0]]]).values_list("pk", "name"))
    fit = page.last - start
    return (
        f"Nothing was pasted: the block's {rows} rows run past this page's last row "
        f"(“{names.get(at[page.last - 1], '')}”, row {page.last:,}); {len(past)} "
        f"row{'s' if len(past) != 1 else ''} would land on page {page.number + 1}, from "
        f"“{names.get(at[past[0]], '')}”. Paste the first {fit} row{'s' if fit != 1 else ''} here and the rest "
        f"from that page."
    )


def _refusal(error) -> str:
    """What a refused change says: a stale one names the first few changes made since."""
    if isinstance(error, StaleChanges):
        return " ".join([error.message, *error.changes[1:3]])
    return error.message


def _answer(request, matrix, *, result=None, status: int = 200, message: str = "", error: str = ""):
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(request, message)
        return redirect(matrix_url(matrix))
    context = {
        "workspace": matrix.workspace,
        "matrix": matrix,
        "counts": matrix.counts,
        "message": error or message,
        "failed": bool(error),
    }
    if result is not None and result.changed:
        events = selectors.changes_since(matrix=matrix, since=result.group - 1, upto=matrix.last_seq)
        page, only = view_of(request, from_current_url=True)
        context["structural"] = len(events) > REPLAY_MAX or only or any(e.kind not in ("cell", "undo") for e in events)
        if context["structural"]:
            context.update(
                grid_context(selectors.matrix_grid(matrix=matrix), editable=True, only_findings=only, page=page)
            )
        else:
            context.update(cell_changes(matrix, events, editable=True, page=page))
    response = render(request, f"{PAGE}#group-response", context, status=status)
    response["Vary"] = "HX-Request"
    if result is not None and result.changed:
        response["HX-Trigger"] = "findings-changed"
    return response


def _paste_form(request, matrix, *, activity_id=None, role_id=None, text: str = "", error: str = "", status: int = 200):
    grid = selectors.matrix_grid(matrix=matrix, check=False)
    return render(
        request,
        "raci/paste.html",
        {
            "workspace": matrix.workspace,
            "matrix": matrix,
            "activities": grid.activities,
            "columns": grid.columns,
            "activity_id": activity_id,
            "role_id": role_id,
            "text": text,
            "error": error,
            "since": matrix.last_seq,
            "max_kb": tabular.PASTE_MAX_BYTES // 1024,
            "valid_values": tabular.VALID_VALUES_TEXT,
        },
        status=status,
    )
