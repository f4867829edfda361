"""The live refresh of an open matrix page: what others changed since the page's last seen
change, as out-of-band swaps, and the findings panel shared by everyone on the matrix."""

import time

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET
from django_htmx.http import reswap, retarget

from core import push
from core.bounds import query_int
from core.responses import render_varied, vary_on_htmx
from raci import findings, live_feed, paging, selectors
from raci.grid_render import badge_html, cell_html
from raci.matrix_access import matrix_for
from raci.views.page import LIVE_EVERY_MS, PAGE, accepted_items, grid_context, panel_items, view_of, view_query
from workspaces.access import can_edit

# How long the answer for one range of changes is kept for everyone polling the same range
# with the same access and view; an answer names its range, so it is never wrong for long.
LIVE_SHARED_SECONDS = 30


# The findings panel is the whole matrix's: under a room of editors it is rebuilt at most
# this often (once for everyone), and each open page catches up with it on a later poll.
PANEL_FRESH_SECONDS = 1.0
# At most this long is one rebuild of the panel waited for by the others (a request that
# died while rebuilding it holds no one up for longer).
PANEL_BUILD_SECONDS = 5


@login_required
@require_GET
def matrix_changes(request, ws, m):
    """What changed since the client's last seen change, as out-of-band swaps: the cells
    with their badges and the counts, or the whole grid after a change to rows or columns.

    The work is the changed cells' rows and columns, not the matrix; viewers asking for the
    same range of changes with the same access and view share one answer. Nothing new is a
    204 at the cost of one query."""
    try:
        matrix = matrix_for(request, ws, m)
    except Http404:
        return reswap(retarget(render_varied(request, f"{PAGE}#live-gone", {}, status=404), "#live"), "outerHTML")
    since = query_int(request.GET.get("since"), default=0)
    panel_seq = query_int(request.GET.get("panel"), default=since)
    last = matrix.last_seq
    if last <= since and panel_seq >= last:
        return HttpResponse(status=204)
    page, only = view_of(request)
    editable = can_edit(matrix.access)
    key = f"live:{matrix.pk}:{since}:{last}:{int(editable)}:{page or 0}:{int(only)}"
    shared = cache.get(key)
    if shared is None:
        shared = _changes(matrix, since=max(min(since, last), 0), editable=editable, page=page, only=only)
        cache.set(key, shared, LIVE_SHARED_SECONDS)
    # A range of the reader's own changes only is already on their page (each edit answered
    # with what it changed): replaying it would redraw a grid they may be editing in.
    parts = [shared["live"]] if shared["only_actor"] == request.user.pk else [shared["live"], shared["body"]]
    panel = panel_shared(matrix, editable=editable) if panel_seq < last else None
    if panel is not None and panel["seq"] > panel_seq:
        parts.append(
            panel["html"].replace('<section id="findings-panel"', '<section id="findings-panel" hx-swap-oob="true"', 1)
        )
    others = sorted({name for actor, name in shared["actors"] if actor != request.user.pk})
    if others:
        parts.append(render_to_string(f"{PAGE}#others-toast", {"others": others, "structural": shared["structural"]}))
    response = HttpResponse("".join(parts))
    return vary_on_htmx(response)


def _changes(matrix, *, since: int, editable: bool, page: int | None, only: bool) -> dict:
    """The part of a changes answer that is the same for everyone at the same range,
    access and view: rendered fragments and who made the changes."""
    context = {
        "workspace": matrix.workspace,
        "matrix": matrix,
        "since": matrix.last_seq,
        "structural": False,
        "live_every": LIVE_EVERY_MS,
        "pushed": push.enabled(),
        "view_query": view_query(page or 1, only),
        "counts": matrix.counts,
    }
    fed = None if only else _fed_changes(matrix, since=since, editable=editable, page=page)
    if fed is not None:
        cells, actors = fed
        context.update(cells)
    else:
        events = selectors.changes_since(matrix=matrix, since=since, upto=matrix.last_seq)
        actors = [(e.actor_id, e.actor_name) for e in events]
        # An undo's own record changes nothing on the page: the cells it reverts are its changes.
        context["structural"] = len(events) > 100 or any(e.kind not in ("cell", "undo") for e in events) or only
        if context["structural"]:
            # Rows or columns changed, or the view filters rows by their findings: the grid.
            grid = selectors.matrix_grid(matrix=matrix)
            context.update(grid_context(grid, editable=editable, only_findings=only, page=page))
        elif events:
            context.update(cell_changes(matrix, events, editable=editable, page=page))
    ids = {actor for actor, _ in actors}
    return {
        "live": render_to_string(f"{PAGE}#live", context),
        "body": render_to_string(f"{PAGE}#changes-response", context),
        "structural": context["structural"],
        "only_actor": ids.pop() if len(ids) == 1 else None,
        "actors": sorted({(actor, name) for actor, name in actors if actor}),
    }


def _fed_changes(matrix, *, since: int, editable: bool, page: int | None) -> tuple[dict, list] | None:
    """The changed cells and their badges from the live feed, when every change of the
    range is a cell edit kept there and the matrix fits one page; else None."""
    edits = live_feed.edits_between(matrix_id=matrix.pk, since=since, upto=matrix.last_seq)
    if not edits or paging.page_for(total=edits[-1].n_activities, n_columns=edits[-1].n_columns, requested=page).paged:
        return None
    cells, rows, columns = {}, {}, {}
    for edit in edits:  # oldest first: the newest state of each cell, row and column wins
        cells[(edit.activity_id, edit.role_id)] = (edit.value, edit.version)
        rows[edit.activity_id] = edit.row_badge
        if edit.column_badge:  # an edit that could not change its column's findings has none
            columns[edit.role_id] = edit.column_badge
    return {
        "cells": [
            mark_safe(cell_html(a, r, value, version, editable=editable, extra=" remote", oob=True))
            for (a, r), (value, version) in cells.items()
        ],
        # Built by the edit's own answer from escaped text (raci.grid_render.badge_html).
        "badges": [mark_safe(b) for b in (*rows.values(), *columns.values())],
    }, [(edit.actor_id, edit.actor_name) for edit in edits]


def cell_changes(matrix, events, *, editable: bool, page: int | None) -> dict:
    """The changed cells with their rows' and columns' badges: O(k) for k cells."""
    keys = list(dict.fromkeys((e.activity_id, e.role_id) for e in events))
    around = selectors.cells_around(matrix=matrix, keys=keys)
    settings, accepted = matrix.rule_settings, matrix.acknowledged
    shown_page = paging.page_for(total=around.n_activities, n_columns=len(around.columns), requested=page)
    positions = selectors.activity_positions(matrix=matrix) if shown_page.paged else None
    current = {c.role_id for c in around.columns}
    cells, rows, columns = [], {}, {}
    for a, r in keys:
        if r not in current or a not in around.activities:
            continue
        # The column's badge is on every page; the cell and its row's badge only on the
        # page that shows the row (an out-of-band swap with no target is an htmx error).
        if r not in columns:
            columns[r] = badge_html(findings.around_column_findings(around, r, settings, accepted), f"cb-{r}", oob=True)
        if positions is not None and not shown_page.first <= positions.get(a, -1) + 1 <= shown_page.last:
            continue
        value, version = around.cells.get((a, r), ("", 0))
        cells.append(mark_safe(cell_html(a, r, value, version, editable=editable, extra=" remote", oob=True)))
        if a not in rows:
            rows[a] = badge_html(findings.around_row_findings(around, a, settings, accepted), f"rb-{a}", oob=True)
    return {"cells": cells, "badges": [mark_safe(b) for b in (*rows.values(), *columns.values())]}


def panel_shared(matrix, *, editable: bool) -> dict:
    """The findings panel as of a recent change, shared by everyone on the matrix with the
    same access (editors see the fixes as buttons): rebuilt when it is behind the matrix
    and older than PANEL_FRESH_SECONDS."""
    key = f"live-panel:{matrix.pk}:{int(editable)}"
    panel = cache.get(key)
    if panel is not None and (panel["seq"] >= matrix.last_seq or time.time() - panel["at"] < PANEL_FRESH_SECONDS):
        return panel
    # One request rebuilds it; the others meanwhile answer with the one they have (a later
    # poll brings the new one). Without this, every worker would rebuild the same panel at
    # the same moment, and every other request of the room would queue behind them.
    building = f"{key}:building"
    if panel is not None and not cache.add(building, 1, PANEL_BUILD_SECONDS):
        return panel
    try:
        grid = selectors.matrix_grid(matrix=matrix)
        html = render_to_string(
            f"{PAGE}#panel",
            {
                "workspace": matrix.workspace,
                "matrix": matrix,
                "editable": editable,
                "panel_seq": matrix.last_seq,
                "panel": panel_items(grid, selectors.template_letters(matrix=matrix)),
                "accepted": accepted_items(grid),
            },
        )
        panel = {"seq": matrix.last_seq, "at": time.time(), "html": html}
        cache.set(key, panel, LIVE_SHARED_SECONDS)
    finally:
        cache.delete(building)
    return panel
