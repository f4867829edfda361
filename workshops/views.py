"""The workshop's pages. Every write works as a plain POST (post/redirect/get); htmx gets
the fragment it changed. Members of the workspace may look; invited members propose; the
facilitator (or an admin) reveals, settles, pauses and closes. Outsiders get 404."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import errors, push
from core.bounds import query_int
from core.responses import answer_change, is_htmx, message_of, refusal_redirects_to, render_varied, show_on_form
from raci import services as raci_services
from raci import stream
from raci.grid_render import badge_html, cell_html, row_cells_html
from raci.matrix_access import matrix_for
from raci.models import Template
from raci.phases import PHASE_LABELS
from raci.rules import DISPLAY
from raci.selectors import templates_for
from raci.views.stream import missed_by_number, open_stream, since_of
from workshops import reveal, selectors, services
from workshops.forms import NewMatrixForm, WorkshopForm
from workspaces.access import membership_for
from workspaces.models import Access, Membership

PAGE = "workshops/workshop.html"
LETTERS = [("", "empty"), ("R", "R"), ("A", "A"), ("AR", "A/R"), ("C", "C"), ("I", "I")]
LIVE_EVERY_MS = 1000
CHOICES = [
    ("R", "R — Responsible"),
    ("A", "A — Accountable"),
    ("AR", "A/R — Accountable and responsible"),
    ("C", "C — Consulted"),
    ("I", "I — Informed"),
    ("", "Empty"),
]


def _access(request, ws, m, workshop_id) -> selectors.WorkshopAccess:
    matrix = matrix_for(request, ws, m)
    found = selectors.workshop_access(matrix=matrix, user=request.user, workshop_id=workshop_id)
    if found is None:
        raise Http404("No such workshop")
    return found


def _facilitating(request, ws, m, workshop_id) -> selectors.WorkshopAccess:
    found = _access(request, ws, m, workshop_id)
    if not found.can_facilitate:
        raise PermissionDenied("Only the facilitator or an admin can do that.")
    return found


def _url(workshop, name: str = "workshop", *args) -> str:
    matrix = workshop.matrix
    return reverse(f"workshops:{name}", args=[matrix.workspace.slug, matrix.slug, workshop.pk, *args])


# --- list and new ------------------------------------------------------------------------


@login_required
@require_GET
def workshop_list(request, ws, m):
    matrix = matrix_for(request, ws, m)
    return render(
        request,
        "workshops/list.html",
        {
            "workspace": matrix.workspace,
            "matrix": matrix,
            "workshops": selectors.workshops_of(matrix=matrix),
            "editable": matrix.access in (Access.EDITOR, Access.ADMIN),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def workshop_new(request, ws, m):
    matrix = matrix_for(request, ws, m, needs=Access.EDITOR)
    members = list(
        Membership.objects.filter(workspace_id=matrix.workspace_id).select_related("user").order_by("user__username")
    )
    me = next(member for member in members if member.user_id == request.user.pk)
    activities = list(matrix.activities.order_by("order", "id"))
    form = WorkshopForm(request.POST or None, members=members, activities=activities, me=me)
    if request.method == "POST" and form.is_valid():
        try:
            workshop = services.workshop_open(
                matrix=matrix,
                facilitator=me,
                title=form.cleaned_data["title"],
                activity_ids=[int(pk) for pk in form.cleaned_data["activities"]],
                participant_ids=[int(pk) for pk in form.cleaned_data["participants"]],
            )
        except errors.InvalidInput as error:
            show_on_form(form, error)
        else:
            workshop.matrix = matrix
            return redirect(_url(workshop))
    return render(
        request,
        "workshops/new.html",
        {"workspace": matrix.workspace, "matrix": matrix, "form": form},
        status=422 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def matrix_new(request, ws):
    """A workshop on a new matrix: from a template, or from the concerns PM and PMM share."""
    membership = membership_for(request, ws, needs=Access.EDITOR)
    templates = templates_for(workspace=membership.workspace)
    form = NewMatrixForm(request.POST or None, templates=templates)
    if request.method == "POST" and form.is_valid():
        start = form.cleaned_data["start"]
        try:
            if start == "concerns":
                matrix = services.matrix_from_concerns(
                    workspace=membership.workspace, name=form.cleaned_data["name"], actor=request.user
                )
            else:
                template = Template.objects.get(pk=int(start.removeprefix("t-")))
                matrix = raci_services.matrix_create(
                    workspace=membership.workspace,
                    name=form.cleaned_data["name"],
                    actor=request.user,
                    template=template,
                )
        except errors.InvalidInput as error:
            show_on_form(form, error)
        else:
            return redirect("workshops:new", membership.workspace.slug, matrix.slug)
    return render(
        request,
        "workshops/matrix_new.html",
        {"workspace": membership.workspace, "form": form},
        status=422 if form.errors else 200,
    )


# --- the workshop page ---------------------------------------------------------------------


def _context(request, found: selectors.WorkshopAccess, **extra) -> dict:
    workshop = found.workshop
    matrix = workshop.matrix
    context = {
        "workspace": matrix.workspace,
        "matrix": matrix,
        "workshop": workshop,
        "me": found.membership,
        "is_participant": found.is_participant,
        "can_facilitate": found.can_facilitate,
        "live_every": LIVE_EVERY_MS,
        "pushed": push.enabled(),
        "since": matrix.last_seq,
        "held_on": services.held_on_label(workshop),
    }
    context["progress"] = selectors.progress(workshop=workshop)
    if found.can_facilitate:
        context["invitable"] = selectors.invitable(workshop=workshop)
        context["letter_choices"] = LETTERS
    if workshop.revealed_at is not None:
        context.update(_board_context(workshop, found))
    elif workshop.status == workshop.Status.OPEN and found.is_participant:
        context.update(_grid_context(workshop, found.membership.pk))
    context.update(extra)
    return context


def _grid_context(workshop, participant_id: int) -> dict:
    grid = selectors.proposal_grid(workshop=workshop, participant_id=participant_id)
    by_activity, by_role = grid.findings_by_activity(), grid.findings_by_role()
    rows = [
        {
            "a": a,
            "phase": PHASE_LABELS[a.phase],
            "badge": mark_safe(badge_html(by_activity.get(a.id, []), f"rb-{a.id}")),
            "cells": mark_safe(row_cells_html(grid, a, editable=True)),
        }
        for a in grid.activities
    ]
    columns = [
        {"c": c, "badge": mark_safe(badge_html(by_role.get(c.role_id, []), f"cb-{c.role_id}"))} for c in grid.columns
    ]
    return {
        "grid": grid,
        "rows": rows,
        "columns": columns,
        "counts": grid.counts,
        "findings": [f for f in grid.findings if f.activity is not None],
    }


def _board_context(workshop, found) -> dict:
    board = selectors.reveal_board(workshop=workshop)
    columns = board.columns
    codes = {c.role_id: c.code for c in columns}
    rows = []
    for row in board.rows:
        a = row.activity.key
        cells = []
        for cell in row.cells:
            settled = board.settled.get((a, cell.role))
            answer = reveal.room_answer(cell)
            now = board.current.get((a, cell.role), "")
            cells.append(
                {
                    "s": cell,
                    "role": cell.role,
                    "code": codes[cell.role],
                    "spread": [(DISPLAY[v] or "blank", v, n) for v, n in cell.counts.items()],
                    "majority": answer,
                    # The room's answer, never the matrix's letter; None where the room was split.
                    "initial": settled.value if settled else answer,
                    "split_text": cell.spread_text() if answer is None and cell.total else "",
                    "offer": answer is not None and (answer or now) and not (settled and settled.value == answer),
                    "changed": bool(settled and cell.total and settled.value != answer),
                    "now": now,
                    "settled": settled,
                }
            )
        rows.append(
            {
                "r": row,
                "id": a,
                "name": row.activity.name,
                "tier": row.tier,
                "cells": cells,
                "split": board.settled.get((a, None)),
                "notes": board.notes.get(a, []),
                "findings": row.findings,
                "disputed": row.disputed,
            }
        )
    return {"board": rows, "board_columns": columns, "board_counts": board.counts}


@login_required
@require_GET
def workshop_page(request, ws, m, workshop_id):
    found = _access(request, ws, m, workshop_id)
    return render(request, PAGE, _context(request, found))


@login_required
@require_GET
def workshop_live(request, ws, m, workshop_id):
    """What changed since the page's version: the counts before the reveal, the board after
    (spread and settled letters), as out-of-band swaps; a change of status reloads the page.
    Nothing new is a 204 at the cost of two queries."""
    matrix = matrix_for(request, ws, m)
    current = selectors.workshop_version(matrix=matrix, workshop_id=workshop_id)
    if current is None:
        raise Http404("No such workshop")
    version, status = current
    if version == query_int(request.GET.get("v"), default=-1):
        return HttpResponse(status=204)
    if status != request.GET.get("s"):
        response = HttpResponse(status=200)
        response["HX-Refresh"] = "true"
        return response
    found = _access(request, ws, m, workshop_id)
    return render_varied(request, f"{PAGE}#live-response", _context(request, found, oob=True))


@require_GET
async def workshop_stream(request, ws, m, workshop_id):
    """The workshop page's stream (raci.views.stream): each new version of the workshop is
    announced by its number only, and the page fetches it from `workshop_live`, as its
    person may see it."""

    def check() -> dict:
        try:
            workshop = _access(request, ws, m, workshop_id).workshop
            return {
                "stream": stream.Stream(
                    matrix_id=workshop.matrix_id,
                    person_id=request.user.pk,
                    editable=False,
                    sent=since_of(request, workshop.version),
                    cells_shown=False,
                    channel=push.channel("workshop", workshop.pk),
                ),
                "last": workshop.version,
            }
        finally:
            stream.close_connections()

    return await open_stream(request, check, missed=missed_by_number)


# --- proposals -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def proposal(request, ws, m, workshop_id, activity_id, role_id):
    found = _access(request, ws, m, workshop_id)
    workshop = found.workshop
    if not found.is_participant:
        raise PermissionDenied("You are not invited to this workshop.")
    if request.method == "GET":
        return _proposal_form(request, found, activity_id, role_id)
    return answer_change(
        lambda: services.proposal_set(
            workshop=workshop,
            participant=found.membership,
            activity_id=activity_id,
            role_id=role_id,
            value=request.POST.get("value", ""),
        ),
        done=lambda _: _proposal_answer(request, found, activity_id, role_id),
        refused=lambda error: _proposal_answer(request, found, activity_id, role_id, refused=error),
        shows=(errors.Conflict, errors.InvalidInput),
    )


def _proposal_answer(request, found, a, r, *, refused=None):
    """The cell again (htmx), with the refusal in place and its status; a plain post goes
    back to the row, with the refusal as a message."""
    if not is_htmx(request):
        if refused is not None:
            messages.error(request, message_of(refused))
        return redirect(_url(found.workshop) + f"#row-{a}")
    if refused is None:
        return _proposal_response(request, found, a, r)
    return _proposal_response(request, found, a, r, status=refused.status, message=message_of(refused))


def _proposal_response(request, found, a, r, *, status=200, message=""):
    """The cell, its row's and column's badges and the participant's own counts."""
    grid = selectors.proposal_grid(workshop=found.workshop, participant_id=found.membership.pk)
    value, version = grid.cells.get((a, r), ("", 0))
    response = render_varied(
        request,
        f"{PAGE}#cell-response",
        {
            "cell": mark_safe(cell_html(a, r, value, version, editable=True, extra=" conflict" if message else "")),
            "row_badge": mark_safe(badge_html(grid.row_findings(a), f"rb-{a}", oob=True)),
            "column_badge": mark_safe(badge_html(grid.column_findings(r), f"cb-{r}", oob=True)),
            "counts": grid.counts,
            "message": message,
            "oob": True,
            "progress": selectors.progress(workshop=found.workshop, n_roles=len(grid.columns)),
            "workshop": found.workshop,
            "matrix": found.workshop.matrix,
            "workspace": found.workshop.matrix.workspace,
        },
        status=status,
    )
    return response


def _proposal_form(request, found, a, r):
    grid = selectors.proposal_grid(workshop=found.workshop, participant_id=found.membership.pk)
    activity, column = grid.activity(a), grid.column(r)
    if activity is None or column is None:
        raise Http404("No such cell")
    value, _ = grid.cells.get((a, r), ("", 0))
    return render(
        request,
        "workshops/proposal_form.html",
        {
            "workspace": found.workshop.matrix.workspace,
            "matrix": found.workshop.matrix,
            "workshop": found.workshop,
            "activity": activity,
            "column": column,
            "value": value,
            "choices": CHOICES,
            "back_url": _url(found.workshop) + f"#row-{a}",
        },
    )


# --- the facilitator ---------------------------------------------------------------------------

STEPS = {
    "reveal": services.workshop_reveal,
    "pause": services.workshop_pause,
    "resume": services.workshop_resume,
    "close": services.workshop_close,
}
DONE = {
    "reveal": "The proposals are revealed.",
    "pause": "The workshop is paused.",
    "resume": "The workshop is running again.",
    "close": "The workshop is closed.",
}


def _back_to_workshop(request, ws, m, workshop_id, **_) -> str:
    return reverse("workshops:workshop", args=[ws, m, workshop_id])


@login_required
@require_POST
@refusal_redirects_to(_back_to_workshop)
def workshop_step(request, ws, m, workshop_id, action):
    if action not in STEPS:
        raise Http404("No such step")
    found = _facilitating(request, ws, m, workshop_id)
    if action == "reveal":
        services.workshop_reveal(workshop=found.workshop, actor=request.user)
    else:
        STEPS[action](workshop=found.workshop)
    messages.success(request, DONE[action])
    return redirect(_url(found.workshop))


def _board_response(request, found, *, status=200, error="", changes=(), anchor=""):
    if not is_htmx(request):
        if status == 404:  # the row is gone: its page answers as any missing object's does
            raise Http404(error)
        if error:
            messages.error(request, error)
            for line in changes[1:]:
                messages.error(request, line)
        return redirect(_url(found.workshop) + (f"#{anchor}" if anchor else ""))
    found.workshop.refresh_from_db(fields=["version", "status", "revealed_at"])
    context = _context(request, found, error=error, changes=list(changes))
    return render_varied(request, f"{PAGE}#board-response", context, status=status)


def _board_refused(request, found, error, *, anchor=""):
    """A refused change to a row, with the error's status: what changed since (a stale
    change), why not (a conflict, invalid input), or that the row is gone (no anchor then)."""
    return _board_response(
        request,
        found,
        status=error.status,
        error=error.message,
        changes=getattr(error, "changes", ()),
        anchor="" if error.status == 404 else anchor,
    )


SPLIT = "split"


def _letters(request, codes: dict[int, str]) -> dict[int, str]:
    """The letters posted for the row: `role`+`value` for one cell, `v-<role id>` for a row.
    A cell the room was split on and the facilitator left at "split" is refused by name."""
    role = query_int(request.POST.get("role"))
    if role is not None:
        letters = {role: request.POST.get("value", "")}
    else:
        letters = {r: request.POST[f"v-{r}"] for r in codes if f"v-{r}" in request.POST}
    undecided = [codes.get(r, "?") for r, v in letters.items() if v == SPLIT]
    if undecided:
        raise errors.InvalidInput(
            f"The room was split on {', '.join(undecided)}: pick {'its' if len(undecided) == 1 else 'their'} "
            "letter before settling. Nothing was settled.",
            "value",
        )
    return letters


@login_required
@require_POST
def settle(request, ws, m, workshop_id, activity_id):
    found = _facilitating(request, ws, m, workshop_id)
    workshop = found.workshop
    codes = dict(workshop.matrix.columns.values_list("role_id", "role__code"))
    return answer_change(
        lambda: services.settle(
            workshop=workshop,
            activity_id=activity_id,
            letters=_letters(request, codes),
            actor=request.user,
            since=query_int(request.POST.get("since"), default=0),
        ),
        done=lambda _: _board_response(request, found, anchor=f"wr-{activity_id}"),
        refused=lambda error: _board_refused(request, found, error, anchor=f"wr-{activity_id}"),
    )


@login_required
@require_POST
def split(request, ws, m, workshop_id, activity_id):
    found = _facilitating(request, ws, m, workshop_id)
    return answer_change(
        lambda: services.row_split(
            workshop=found.workshop,
            activity_id=activity_id,
            actor=request.user,
            input_role_id=query_int(request.POST.get("input_role"), default=-1),
            outcome_role_id=query_int(request.POST.get("outcome_role"), default=-1),
            since=query_int(request.POST.get("since"), default=0),
        ),
        done=lambda _: _board_response(request, found, anchor=f"wr-{activity_id}"),
        refused=lambda error: _board_refused(request, found, error, anchor=f"wr-{activity_id}"),
    )


@login_required
@require_POST
def note(request, ws, m, workshop_id, activity_id):
    found = _facilitating(request, ws, m, workshop_id)
    return answer_change(
        lambda: services.row_note(
            workshop=found.workshop, activity_id=activity_id, text=request.POST.get("note", ""), actor=request.user
        ),
        done=lambda _: _board_response(request, found, anchor=f"wr-{activity_id}"),
        refused=lambda error: _board_refused(request, found, error, anchor=f"wr-{activity_id}"),
    )


@login_required
@require_POST
@refusal_redirects_to(_back_to_workshop)
def invite(request, ws, m, workshop_id):
    found = _facilitating(request, ws, m, workshop_id)
    ids = [query_int(v) for v in request.POST.getlist("participants")]
    added = services.workshop_invite(
        workshop=found.workshop, participant_ids=[i for i in ids if i is not None], actor=request.user
    )
    messages.success(request, f"{added} more {'person' if added == 1 else 'people'} invited.")
    return redirect(_url(found.workshop))


# --- the summary ----------------------------------------------------------------------------


def _summary_rows(found) -> list[dict]:
    """Per cell: the spread, what was settled and by how many; nothing before the reveal."""
    workshop = found.workshop
    if workshop.revealed_at is None:
        return []
    board = selectors.reveal_board(workshop=workshop)
    codes = {c.role_id: c.code for c in board.columns}
    rows = []
    for row in board.rows:
        a = row.activity.key
        split_done = board.settled.get((a, None))
        for cell in row.cells:
            settled = board.settled.get((a, cell.role))
            rows.append(
                {
                    "activity": row.activity.name,
                    "role": codes[cell.role],
                    "tier": row.tier,
                    "spread": cell.spread_text(),
                    "settled": DISPLAY.get(settled.value, "") if settled else "",
                    "agreed": f"{settled.agreed} of {settled.total}" if settled else "",
                    "split": "split into input and outcome" if split_done else "",
                    "notes": " · ".join(board.notes.get(a, [])),
                }
            )
    return rows


@login_required
@require_GET
def summary(request, ws, m, workshop_id):
    found = _access(request, ws, m, workshop_id)
    return render(
        request,
        "workshops/summary.html",
        {
            "workspace": found.workshop.matrix.workspace,
            "matrix": found.workshop.matrix,
            "workshop": found.workshop,
            "held_on": services.held_on_label(found.workshop),
            "rows": _summary_rows(found),
            "progress": selectors.progress(workshop=found.workshop),
        },
    )


def _csv_safe(text: str) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas: quote them."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@login_required
@require_GET
def summary_csv(request, ws, m, workshop_id):
    found = _access(request, ws, m, workshop_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="workshop-{found.workshop.pk}.csv"'
    writer = csv.writer(response)
    writer.writerow(["Activity", "Role", "Reveal", "Proposals", "Settled", "Agreed", "Split", "Notes"])
    for row in _summary_rows(found):
        writer.writerow(
            [
                _csv_safe(str(row[k]))
                for k in ("activity", "role", "tier", "spread", "settled", "agreed", "split", "notes")
            ]
        )
    return response
