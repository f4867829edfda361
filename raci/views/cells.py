"""Editing one cell: the htmx answer is the cell itself, a plain POST redirects to the row."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods
from django_htmx.http import trigger_client_event

from core.bounds import query_int
from core.errors import StaleEdit
from core.responses import answer_change, message_of, render_varied
from raci import findings, live_feed, selectors, services
from raci.grid_render import badge_html, cell_html
from raci.matrix_access import matrix_for
from raci.rules import DISPLAY
from raci.views.page import PAGE, row_url, structure_response
from workspaces.models import Access


@login_required
@require_http_methods(["GET", "POST"])
def cell(request, ws, m, activity_id, role_id):
    matrix = matrix_for(request, ws, m, needs=Access.EDITOR)
    if request.method == "GET":
        return _cell_form(request, matrix, activity_id, role_id)
    version = query_int(request.POST.get("version"), default=-1)
    with live_feed.feeding():  # the edit's answer goes to the feed, and so to open streams
        return _cell_change(request, matrix, activity_id, role_id, version)


def _cell_change(request, matrix, activity_id, role_id, version):
    return answer_change(
        lambda: services.cell_set(
            matrix=matrix,
            activity_id=activity_id,
            role_id=role_id,
            value=request.POST.get("value", ""),
            expected_version=version,
            actor=request.user,
        ),
        done=lambda result: (
            _cell_response(request, matrix, result) if request.htmx else redirect(row_url(matrix, activity_id))
        ),
        refused=lambda error: _cell_refused(request, matrix, activity_id, role_id, error),
    )


def _cell_response(request, matrix, result, *, status=200, message="", css=""):
    """The cell, with its row's and column's badges and the matrix's counts out of band;
    the findings panel, further away, refetches itself on the findings-changed event."""
    a, r = result.activity_id, result.role_id
    context = {
        "cell": mark_safe(cell_html(a, r, result.value, result.version, editable=True, extra=css)),
        "row_badge": mark_safe(badge_html(result.row_findings, f"rb-{a}", oob=True)),
        # No column badge when the edit cannot have changed the column's findings.
        "column_badge": mark_safe(
            badge_html(result.column_findings, f"cb-{r}", oob=True) if result.column_findings is not None else ""
        ),
        "counts": result.counts,
        "message": message,
        "matrix": matrix,
        "workspace": matrix.workspace,
    }
    response = render_varied(request, f"{PAGE}#cell-response", context, status=status)
    if result.changed:
        trigger_client_event(response, "findings-changed")
        _feed(request, matrix, result, context)
    return response


def _feed(request, matrix, result, context) -> None:
    """Keep this edit's answer for the other open pages (raci.live_feed)."""
    user = request.user
    live_feed.record(
        matrix_id=matrix.pk,
        seq=matrix.last_seq,
        edit=live_feed.CellEdit(
            result.activity_id,
            result.role_id,
            result.value,
            result.version,
            str(context["row_badge"]),
            str(context["column_badge"]),
            user.pk,
            f"{user.first_name} {user.last_name}".strip() or user.username,
            result.n_activities,
            result.n_columns,
            result.counts,
            result.findings_moved,
        ),
    )


def _cell_refused(request, matrix, activity_id, role_id, error):
    """A refused edit, with the error's status: a vanished row or column reloads the grid;
    otherwise the cell as it is now, in place, saying who changed it since (a stale edit) or
    what is wrong. A plain post goes back to the row with the message."""
    if error.status == 404:
        return structure_response(request, matrix, status=404, error=f"{message_of(error)} The matrix was reloaded.")
    message = _stale_message(matrix, activity_id, role_id, error) if isinstance(error, StaleEdit) else message_of(error)
    if not request.htmx:
        messages.error(request, message)
        return redirect(row_url(matrix, activity_id))
    current = _current_cell(matrix, activity_id, role_id)
    return _cell_response(request, matrix, current, status=error.status, message=message, css=" conflict")


def _stale_message(matrix, activity_id, role_id, stale: StaleEdit) -> str:
    event = selectors.cell_last_change(matrix=matrix, activity_id=activity_id, role_id=role_id)
    who = (event.actor.get_full_name() or event.actor.username) if event and event.actor else "someone"
    when = f" at {event.at:%H:%M} UTC" if event else ""
    now = DISPLAY[stale.value] or "empty"
    return (
        f"{who} changed this cell{when}: it is now {now}. Your edit was not saved; set it again if you still want it."
    )


def _current_cell(matrix, activity_id, role_id) -> services.CellResult:
    hood = selectors.cell_neighbourhood(matrix=matrix, activity_id=activity_id, role_id=role_id)
    if hood.activity is None or hood.column is None:
        raise Http404("No such cell")
    value, version = hood.row[role_id]
    row, column = findings.neighbourhood_findings(hood, matrix.rule_settings, role_id)
    return services.CellResult(activity_id, role_id, value, version, False, row, column, matrix.counts)


def _cell_form(request, matrix, activity_id, role_id):
    grid = selectors.matrix_grid(matrix=matrix, check=False)
    activity, column = grid.activity(activity_id), grid.column(role_id)
    if activity is None or column is None:
        raise Http404("No such cell")
    value, version = grid.cells.get((activity_id, role_id), ("", 0))
    return render(
        request,
        "raci/cell_form.html",
        {
            "workspace": matrix.workspace,
            "matrix": matrix,
            "activity": activity,
            "column": column,
            "value": value,
            "version": version,
            "back_url": row_url(matrix, activity_id, grid),
            "choices": [
                ("R", "R — Responsible"),
                ("A", "A — Accountable"),
                ("AR", "A/R — Accountable and responsible"),
                ("C", "C — Consulted"),
                ("I", "I — Informed"),
                ("", "Empty"),
            ],
        },
    )
