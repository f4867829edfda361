"""The matrix page, its findings panel and the live refresh of others' edits. Every endpoint
also works as a plain request (post/redirect/get for writes)."""

import time
from itertools import groupby
from urllib.parse import urlencode, urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET
from django_htmx.http import HttpResponseClientRedirect, reswap, retarget

from core import errors as core_errors
from core.bounds import query_int
from core.responses import render_varied, vary_on_htmx
from raci import findings, fixes, live_feed, paging, selectors
from raci.forms import (
    ActivityForm,
)
from raci.grid_render import SEVERITY_CLASS, badge_html, cell_html, row_cells_html
from raci.limits import LIMITS
from raci.matrix_access import matrix_for
from raci.rules import SEVERITY_ORDER
from workspaces.access import can_edit
from workspaces.forms import RoleForm
from workspaces.models import Membership, Role

PAGE = "raci/matrix.html"


def _matrix_url(matrix, anchor: str = "") -> str:
    url = reverse("raci:matrix", args=[matrix.workspace.slug, matrix.slug])
    return f"{url}#{anchor}" if anchor else url


def _row_href(grid, activity_id: int, *, index: dict[int, int] | None = None) -> str:
    """A link to an activity's row, on the page of a big matrix that shows it."""
    total, n_columns = len(grid.activities), len(grid.columns)
    if not paging.page_for(total=total, n_columns=n_columns, requested=None).paged:
        return f"#row-{activity_id}"
    position = (
        index.get(activity_id, 0)
        if index is not None
        else next((i for i, a in enumerate(grid.activities) if a.id == activity_id), 0)
    )
    number = paging.page_of(index=position, total=total, n_columns=n_columns)
    return _matrix_url(grid.matrix) + (f"?page={number}" if number > 1 else "") + f"#row-{activity_id}"


def _row_url(matrix, activity_id: int, grid=None) -> str:
    """Where a page about one activity sends the browser back to: its row, on its page."""
    href = _row_href(grid or selectors.matrix_grid(matrix=matrix, check=False), activity_id)
    return _matrix_url(matrix) + href if href.startswith("#") else href


PANEL_FIXES = 3


def _where(grid, f, names, codes, index) -> tuple[str, str, str]:
    """What a finding is about (its name), where the grid shows it, and its page's query."""
    if f.activity is not None:
        target, href = names.get(f.activity, ""), _row_href(grid, f.activity, index=index)
    elif f.role is not None:
        target, href = codes.get(f.role, ""), f"#col-{f.role}"
    else:
        target, href = grid.people.get(f.person, ""), ""
    query = urlencode(
        {
            "rule": f.rule,
            **({"activity": f.activity} if f.activity is not None else {}),
            **({"role": f.role} if f.role is not None else {}),
            **({"person": f.person} if f.person is not None else {}),
        }
    )
    return target, href, query


def _accepted(grid) -> list[dict]:
    """The findings accepted on purpose, for the panel's collapsed list: each with its reason."""
    if not grid.accepted:
        return []
    base = reverse("raci:finding", args=[grid.matrix.workspace.slug, grid.matrix.slug])
    names = {a.id: a.name for a in grid.activities}
    index = {a.id: i for i, a in enumerate(grid.activities)}
    codes = {c.role_id: c.code for c in grid.columns}
    accepted = []
    for f, ack in sorted(grid.accepted, key=lambda pair: SEVERITY_ORDER[pair[0].severity]):
        target, href, query = _where(grid, f, names, codes, index)
        accepted.append({"f": f, "ack": ack, "target": target, "href": href, "url": f"{base}?{query}"})
    return accepted


def _panel(grid, template=None) -> list[dict]:
    """The findings list, for the whole matrix whatever page is shown; links lead to the
    page that shows the row. Each finding carries why it matters and its first fixes, each
    a link to its preview."""
    data = grid.rule_input()
    rows = fixes.rows_of(data)
    base = reverse("raci:finding", args=[grid.matrix.workspace.slug, grid.matrix.slug])
    names = {a.id: a.name for a in grid.activities}
    index = {a.id: i for i, a in enumerate(grid.activities)}
    codes = {c.role_id: c.code for c in grid.columns}
    panel = []
    for f in sorted(grid.findings, key=lambda f: SEVERITY_ORDER[f.severity]):
        target, href, query = _where(grid, f, names, codes, index)
        found = fixes.fixes_for(f, data, settings=grid.matrix.rule_settings, template=template, rows=rows)
        panel.append(
            {
                "f": f,
                "target": target,
                "href": href,
                "css": SEVERITY_CLASS[f.severity],
                "why": fixes.WHY.get(f.rule, ""),
                "url": f"{base}?{query}",
                "fixes": found[:PANEL_FIXES],
                "more": max(len(found) - PANEL_FIXES, 0),
            }
        )
    return panel


def _view_of(request, *, from_current_url: bool = False) -> tuple[int | None, bool]:
    """The page number and the findings filter the user is looking at: from the query
    string, or (for htmx requests made from the matrix page) from the page's own URL."""
    params = request.GET
    if from_current_url and request.htmx and request.htmx.current_url:
        params = QueryDict(urlsplit(request.htmx.current_url).query)
    return query_int(params.get("page")), params.get("only") == "findings"


def _view_query(page: int, only_findings: bool) -> str:
    params = {"page": page} | ({"only": "findings"} if only_findings else {})
    return urlencode(params)


def _pager(page: paging.Page, rows, only_findings: bool, phases) -> dict | None:
    """Links between the pages of a big matrix, and to the page each phase starts on."""
    if not page.paged:
        return None
    link = lambda n: "?" + _view_query(n, only_findings)  # noqa: E731
    return {
        "page": page,
        "first": f"{page.first:,}",
        "last": f"{page.last:,}",
        "total": f"{page.total:,}",
        "previous": link(page.number - 1) if page.number > 1 else "",
        "next": link(page.number + 1) if page.number < page.count else "",
        "numbers": [(n, link(n) if n else "") for n in page.nearby()],
        "phases": [
            (phases.label(phase), n, link(n)) for phase, n in paging.phase_starts([a.phase for a in rows], page)
        ],
    }


def _shown(grid, by_activity, *, only_findings: bool, page: int | None):
    """The page to show, the activities it pages through, and the ones on it."""
    rows = [a for a in grid.activities if by_activity.get(a.id)] if only_findings else grid.activities
    shown_page = paging.page_for(total=len(rows), n_columns=len(grid.columns), requested=page)
    return shown_page, rows, shown_page.rows(rows)


def _grid_context(grid, *, editable: bool, only_findings: bool = False, page: int | None = None) -> dict:
    """The grid of one page: every activity when the matrix is within the cell budget, else
    the requested page's. Badges, counts and the panel are the whole matrix's."""
    decisions = selectors.decision_counts(matrix=grid.matrix)
    by_activity = grid.findings_by_activity()
    by_role = grid.findings_by_role()
    shown_page, rows, shown = _shown(grid, by_activity, only_findings=only_findings, page=page)
    groups: list[dict] = []
    before = rows[shown_page.first - 2] if shown and shown_page.first > 1 else None
    # The grid's order is by phase, so each phase is one run of the page's rows.
    for phase, activities in groupby(shown, key=lambda a: a.phase):
        continued = not groups and before is not None and before.phase == phase
        groups.append(
            {
                "phase": phase,
                "label": grid.phase_list.label(phase) + (" (continued)" if continued else ""),
                "relay": grid.phase_list.info(phase),
                "rows": [
                    {
                        "a": activity,
                        "decisions": decisions.get(activity.id, 0),
                        "badge": mark_safe(badge_html(by_activity.get(activity.id, []), f"rb-{activity.id}")),
                        "cells": mark_safe(row_cells_html(grid, activity, editable=editable)),
                    }
                    for activity in activities
                ],
            }
        )
    columns = [
        {"c": c, "badge": mark_safe(badge_html(by_role.get(c.role_id, []), f"cb-{c.role_id}"))} for c in grid.columns
    ]
    return {
        "grid": grid,
        "groups": groups,
        "columns": columns,
        "counts": grid.counts,
        "panel": _panel(grid, selectors.template_letters(matrix=grid.matrix)),
        "accepted": _accepted(grid),
        "editable": editable,
        "only_findings": only_findings,
        "n_columns": len(grid.columns) + 1,
        "pager": _pager(shown_page, rows, only_findings, grid.phase_list),
        "shown_ids": {a.id for a in shown},
        "sourced": [a for a in shown if a.source],
        "view_query": _view_query(shown_page.number, only_findings),
    }


def _page_context(request, matrix, grid, **extra) -> dict:
    editable = can_edit(matrix.access)
    page, only = _view_of(request)
    context = _grid_context(grid, editable=editable, only_findings=only, page=page)
    members = list(
        Membership.objects.filter(workspace=matrix.workspace).select_related("user").order_by("user__username")
    )
    person_id = query_int(request.GET.get("person"))
    person = next((m for m in members if m.pk == person_id), None) if person_id is not None else None
    in_matrix = {c.role_id for c in grid.columns}
    today = matrix.workspace.today()
    context.update(
        {
            "today": today,
            "stale": matrix.is_stale(today),
            "decisions_due": selectors.decisions_due(matrix=matrix, today=today),
            "since": matrix.last_seq,
            "panel_seq": matrix.last_seq,
            "live_every": LIVE_EVERY_MS,
            "workspace": matrix.workspace,
            "matrix": matrix,
            "access": matrix.access,
            "members": members,
            "person": person,
            "person_rows": _person_rows(grid, person) if person else None,
            "person_roles": [c for c in grid.columns if person and person.pk in c.holder_ids],
            "addable_roles": [r for r in Role.objects.filter(workspace=matrix.workspace) if r.pk not in in_matrix],
            "phases": grid.phase_list.choices()[1:],
            "activity_form": ActivityForm(phases=grid.phase_list),
            "role_form": RoleForm(),
            "limits": LIMITS,
            "drift": selectors.template_drift(matrix=matrix, grid=grid) if matrix.template_id else None,
        }
    )
    context.update(extra)
    return context


def _person_rows(grid, person) -> list[tuple]:
    index = {a.id: i for i, a in enumerate(grid.activities)}
    return [
        (activity, letters, _row_href(grid, activity.id, index=index))
        for activity, letters in selectors.person_view(grid, person.pk)
    ]


@login_required
@require_GET
def matrix_page(request, ws, m):
    matrix = matrix_for(request, ws, m)
    grid = selectors.matrix_grid(matrix=matrix)
    return render(request, PAGE, _page_context(request, matrix, grid))


def _structure_response(request, matrix, *, anchor: str = "", status: int = 200, error: str = "", field: str = ""):
    """After a change to rows or columns: htmx gets the grid with counts and panel out of
    band; a plain POST is sent back to the page. A refusal names the form field it concerns
    (X-Error-Field), so the page shows the message at that field and keeps the form."""
    row = int(anchor[4:]) if anchor.startswith("row-") else None
    if not request.htmx:
        if status == 404:
            raise Http404(error)
        adder = request.resolver_match.url_name if request.resolver_match else ""
        if error and request.method == "POST" and adder in ("activity_add", "column_add"):
            # Without JavaScript a refused add shows the page again with what was typed and
            # the reason beside the field, instead of a message far from the form.
            context = _page_context(
                request,
                matrix,
                selectors.matrix_grid(matrix=matrix),
                adder={"form": adder, "field": field or "name", "error": error, "values": request.POST},
            )
            return render(request, PAGE, context, status=status)
        if error:
            messages.error(request, error)
        return redirect(_row_url(matrix, row) if row else _matrix_url(matrix, anchor))
    grid = selectors.matrix_grid(matrix=matrix)
    page, only = _view_of(request, from_current_url=True)
    context = _grid_context(grid, editable=can_edit(matrix.access), only_findings=only, page=page)
    if row and row not in context["shown_ids"] and grid.activity(row) is not None:
        # The row the change was about is now on another page of a big matrix: go there.
        return HttpResponseClientRedirect(_row_href(grid, row))
    context.update({"workspace": matrix.workspace, "matrix": matrix, "error": error, "panel_seq": matrix.last_seq})
    response = render_varied(request, f"{PAGE}#structure-response", context, status=status)
    # The request may have targeted one cell or one header; the answer is the whole grid.
    reswap(retarget(response, "#grid"), "outerHTML")
    if error and field:
        response["X-Error-Field"] = field
    return response


def _apply(request, matrix, change, *, anchor=""):
    """Run one change to rows or columns and answer with the grid; a refused change
    answers with its message in place (422), a vanished target with 404."""
    try:
        result = change()
    except core_errors.NotFound as error:
        return _structure_response(request, matrix, status=404, error=str(error))
    except core_errors.Conflict as error:
        return _structure_response(request, matrix, status=409, error=error.message)
    except core_errors.InvalidInput as error:
        return _structure_response(request, matrix, status=422, error=error.message, field=error.field or "")
    return _structure_response(request, matrix, anchor=anchor(result) if callable(anchor) else anchor)


@login_required
@require_GET
def findings_panel(request, ws, m):
    matrix = matrix_for(request, ws, m)
    if request.htmx:
        # After an edit: the shared panel, which the page's next polls bring up to date.
        response = HttpResponse(_panel_shared(matrix, editable=can_edit(matrix.access))["html"])
    else:
        grid = selectors.matrix_grid(matrix=matrix)
        response = render(
            request,
            "raci/findings.html",
            {
                "workspace": matrix.workspace,
                "matrix": matrix,
                "editable": can_edit(matrix.access),
                "panel": _panel(grid, selectors.template_letters(matrix=matrix)),
                "accepted": _accepted(grid),
            },
        )
    return vary_on_htmx(response)


# The open page asks for others' edits this often: with the answer's own time, an edit
# reaches everyone within about a second.
LIVE_EVERY_MS = 800


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
    page, only = _view_of(request)
    editable = can_edit(matrix.access)
    key = f"live:{matrix.pk}:{since}:{last}:{int(editable)}:{page or 0}:{int(only)}"
    shared = cache.get(key)
    if shared is None:
        shared = _changes(matrix, since=max(min(since, last), 0), editable=editable, page=page, only=only)
        cache.set(key, shared, LIVE_SHARED_SECONDS)
    # A range of the reader's own changes only is already on their page (each edit answered
    # with what it changed): replaying it would redraw a grid they may be editing in.
    parts = [shared["live"]] if shared["only_actor"] == request.user.pk else [shared["live"], shared["body"]]
    panel = _panel_shared(matrix, editable=editable) if panel_seq < last else None
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
        "view_query": _view_query(page or 1, only),
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
            context.update(_grid_context(grid, editable=editable, only_findings=only, page=page))
        elif events:
            context.update(_cell_changes(matrix, events, editable=editable, page=page))
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


def _cell_changes(matrix, events, *, editable: bool, page: int | None) -> dict:
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


def _panel_shared(matrix, *, editable: bool) -> dict:
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
                "panel": _panel(grid, selectors.template_letters(matrix=matrix)),
                "accepted": _accepted(grid),
            },
        )
        panel = {"seq": matrix.last_seq, "at": time.time(), "html": html}
        cache.set(key, panel, LIVE_SHARED_SECONDS)
    finally:
        cache.delete(building)
    return panel


def _first_error(form) -> str:
    for field, errors in form.errors.items():
        label = form.fields[field].label or field.replace("_", " ").capitalize() if field in form.fields else ""
        return f"{label}: {errors[0]}" if label else errors[0]
    return "Check the form."
