"""The matrix page's parts that every view of the matrix shares: links to a row (on its page
of a big matrix), the view the person is looking at, the grid's and the page's context, the
findings panel, and the answer after a change to rows or columns (`structure_response`)."""

from itertools import groupby
from urllib.parse import urlencode, urlsplit

from django.contrib import messages
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django_htmx.http import HttpResponseClientRedirect, reswap, retarget

from core import push
from core.bounds import query_int
from core.responses import answer_change, message_of, render_varied
from raci import fixes, page_asides, paging, selectors
from raci.forms import ActivityForm
from raci.grid_render import SEVERITY_CLASS, badge_html, row_cells_html
from raci.limits import LIMITS
from raci.rules import SEVERITY_ORDER
from workspaces.access import can_edit
from workspaces.forms import RoleForm
from workspaces.models import Membership, Role

PAGE = "raci/matrix.html"

# The open page asks for others' edits this often (raci.views.live): with the answer's own
# time, an edit reaches everyone within about a second.
LIVE_EVERY_MS = 800


def matrix_url(matrix, anchor: str = "") -> str:
    url = reverse("raci:matrix", args=[matrix.workspace.slug, matrix.slug])
    return f"{url}#{anchor}" if anchor else url


def row_href(grid, activity_id: int, *, index: dict[int, int] | None = None) -> str:
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
    return matrix_url(grid.matrix) + (f"?page={number}" if number > 1 else "") + f"#row-{activity_id}"


def row_url(matrix, activity_id: int, grid=None) -> str:
    """Where a page about one activity sends the browser back to: its row, on its page."""
    href = row_href(grid or selectors.matrix_grid(matrix=matrix, check=False), activity_id)
    return matrix_url(matrix) + href if href.startswith("#") else href


PANEL_FIXES = 3


def _where(grid, f, names, codes, index) -> tuple[str, str, str]:
    """What a finding is about (its name), where the grid shows it, and its page's query."""
    if f.activity is not None:
        target, href = names.get(f.activity, ""), row_href(grid, f.activity, index=index)
    elif f.role is not None:
        target, href = codes.get(f.role, ""), f"#col-{f.role}"
    else:
        target, href = grid.people.get(f.person, ""), ""
    # Rule codes are fixed lowercase words and the keys are ids: nothing here needs quoting
    # (urlencode, once per finding, was a tenth of a big matrix's page).
    query = f"rule={f.rule}"
    for name, key in (("activity", f.activity), ("role", f.role), ("person", f.person)):
        if key is not None:
            query += f"&{name}={int(key)}"
    return target, href, query


def accepted_items(grid) -> list[dict]:
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


def panel_items(grid, template=None) -> list[dict]:
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


def view_of(request, *, from_current_url: bool = False) -> tuple[int | None, bool]:
    """The page number and the findings filter the user is looking at: from the query
    string, or (for htmx requests made from the matrix page) from the page's own URL."""
    params = request.GET
    if from_current_url and request.htmx and request.htmx.current_url:
        params = QueryDict(urlsplit(request.htmx.current_url).query)
    return query_int(params.get("page")), params.get("only") == "findings"


def view_query(page: int, only_findings: bool) -> str:
    params = {"page": page} | ({"only": "findings"} if only_findings else {})
    return urlencode(params)


def _pager(page: paging.Page, rows, only_findings: bool, phases) -> dict | None:
    """Links between the pages of a big matrix, and to the page each phase starts on."""
    if not page.paged:
        return None
    link = lambda n: "?" + view_query(n, only_findings)  # noqa: E731
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


def grid_context(grid, *, editable: bool, only_findings: bool = False, page: int | None = None) -> dict:
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
        "panel": panel_items(grid, selectors.template_letters(matrix=grid.matrix)),
        "accepted": accepted_items(grid),
        "editable": editable,
        "only_findings": only_findings,
        "n_columns": len(grid.columns) + 1,
        "pager": _pager(shown_page, rows, only_findings, grid.phase_list),
        "shown_ids": {a.id for a in shown},
        "sourced": [a for a in shown if a.source],
        "view_query": view_query(shown_page.number, only_findings),
    }


def page_context(request, matrix, grid, **extra) -> dict:
    editable = can_edit(matrix.access)
    page, only = view_of(request)
    context = grid_context(grid, editable=editable, only_findings=only, page=page)
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
            "pushed": push.enabled(),
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
            "asides": page_asides.asides_for(matrix, grid),
        }
    )
    context.update(extra)
    return context


def _person_rows(grid, person) -> list[tuple]:
    index = {a.id: i for i, a in enumerate(grid.activities)}
    return [
        (activity, letters, row_href(grid, activity.id, index=index))
        for activity, letters in selectors.person_view(grid, person.pk)
    ]


def structure_response(request, matrix, *, anchor: str = "", status: int = 200, error: str = "", field: str = ""):
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
            context = page_context(
                request,
                matrix,
                selectors.matrix_grid(matrix=matrix),
                adder={"form": adder, "field": field or "name", "error": error, "values": request.POST},
            )
            return render(request, PAGE, context, status=status)
        if error:
            messages.error(request, error)
        return redirect(row_url(matrix, row) if row else matrix_url(matrix, anchor))
    grid = selectors.matrix_grid(matrix=matrix)
    page, only = view_of(request, from_current_url=True)
    context = grid_context(grid, editable=can_edit(matrix.access), only_findings=only, page=page)
    if row and row not in context["shown_ids"] and grid.activity(row) is not None:
        # The row the change was about is now on another page of a big matrix: go there.
        return HttpResponseClientRedirect(row_href(grid, row))
    context.update({"workspace": matrix.workspace, "matrix": matrix, "error": error, "panel_seq": matrix.last_seq})
    response = render_varied(request, f"{PAGE}#structure-response", context, status=status)
    # The request may have targeted one cell or one header; the answer is the whole grid.
    reswap(retarget(response, "#grid"), "outerHTML")
    if error and field:
        response["X-Error-Field"] = field
    return response


def apply_change(request, matrix, change, *, anchor=""):
    """Run one change to rows or columns and answer with the grid; a refused change answers
    with its message in place and the error's status (a vanished target 404, a conflict 409,
    invalid input 422 naming its field)."""
    return answer_change(
        change,
        done=lambda result: structure_response(request, matrix, anchor=anchor(result) if callable(anchor) else anchor),
        refused=lambda error: structure_response(
            request, matrix, status=error.status, error=message_of(error), field=getattr(error, "field", None) or ""
        ),
    )


def first_error(form) -> str:
    for field, errors in form.errors.items():
        label = form.fields[field].label or field.replace("_", " ").capitalize() if field in form.fields else ""
        return f"{label}: {errors[0]}" if label else errors[0]
    return "Check the form."
