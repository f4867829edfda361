"""The matrix page and its findings panel. Every endpoint also works as a plain request
(post/redirect/get for writes); the live refresh is raci.views.live, the parts every view of
the matrix shares raci.views.page."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.responses import vary_on_htmx
from raci import selectors
from raci.matrix_access import matrix_for
from raci.views.live import panel_shared
from raci.views.page import PAGE, accepted_items, page_context, panel_items
from workspaces.access import can_edit


@login_required
@require_GET
def matrix_page(request, ws, m):
    matrix = matrix_for(request, ws, m)
    grid = selectors.matrix_grid(matrix=matrix)
    return render(request, PAGE, page_context(request, matrix, grid))


@login_required
@require_GET
def findings_panel(request, ws, m):
    matrix = matrix_for(request, ws, m)
    if request.htmx:
        # After an edit: the shared panel, which the page's next polls bring up to date.
        response = HttpResponse(panel_shared(matrix, editable=can_edit(matrix.access))["html"])
    else:
        grid = selectors.matrix_grid(matrix=matrix)
        response = render(
            request,
            "raci/findings.html",
            {
                "workspace": matrix.workspace,
                "matrix": matrix,
                "editable": can_edit(matrix.access),
                "panel": panel_items(grid, selectors.template_letters(matrix=matrix)),
                "accepted": accepted_items(grid),
            },
        )
    return vary_on_htmx(response)
