"""The board's and the quarter page's live element: what changed since the number the page
was drawn at, polled with htmx, or announced on the cycle's stream (the pushed changes of
`raci.views.stream`, which `launches.live` numbers) and then fetched here, the polling way,
as the person may see it. Nothing new is a 204."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET
from django_htmx.http import reswap, retarget

from core.bounds import query_int
from core.responses import render_varied
from launches import live, selectors
from launches.views.common import board_context, cycle_for, live_context
from raci import stream
from raci.views.stream import missed_by_number, open_stream, since_of
from workspaces.access import membership_for


def _gone(request, page: str) -> HttpResponse:
    """The cycle or the person's access is gone: the live element stops, once, with a word."""
    return reswap(retarget(render_varied(request, f"{page}#live-gone", {}, status=404), "#cycle-live"), "outerHTML")


@login_required
@require_GET
def board_live(request, ws, cycle):
    """The board again, with the live element at its new number, when the cycle moved past
    the page's (`v`)."""
    try:
        membership, found = cycle_for(request, ws, cycle)
    except Http404:
        return _gone(request, "launches/cycle.html")
    if found.version == query_int(request.GET.get("v"), default=-1):
        return HttpResponse(status=204)
    return render_varied(request, "launches/cycle.html#live-response", board_context(membership, found, oob=True))


@login_required
@require_GET
def quarter_live(request, ws, quarter):
    """The quarter's launches by tier again, with the live element at its new number."""
    try:
        membership = membership_for(request, ws)
    except Http404:
        return _gone(request, "launches/quarter.html")
    workspace = membership.workspace
    version = selectors.quarter_version_of(workspace=workspace, year=quarter.year, quarter=quarter.number)
    if version is None:
        return _gone(request, "launches/quarter.html")
    if version == query_int(request.GET.get("v"), default=-1):
        return HttpResponse(status=204)
    plan = selectors.quarter_plan_of(
        workspace=workspace,
        year=quarter.year,
        quarter=quarter.number,
        rubric=selectors.rubric_of(workspace_id=workspace.pk),
        today=workspace.today(),
    )
    return render_varied(
        request,
        "launches/quarter.html#live-response",
        {"workspace": workspace, "plan": plan, "oob": True, **live_context()},
    )


@require_GET
async def cycle_stream(request, ws, cycle):
    """The stream of a cycle's board and quarter page: each change is announced by its
    number only, and the page fetches it from `board_live` or `quarter_live`, as its person
    may see it (a viewer gets no editor's controls). The board's own access check."""

    def check() -> dict:
        try:
            _, found = cycle_for(request, ws, cycle)
            return {
                "stream": stream.Stream(
                    matrix_id=0,  # no matrix: the cycle's channel names what it listens to
                    person_id=request.user.pk,
                    editable=False,
                    sent=since_of(request, found.version),
                    cells_shown=False,
                    channel=live.channel(found.pk),
                ),
                "last": found.version,
            }
        finally:
            stream.close_connections()

    return await open_stream(request, check, missed=missed_by_number)
