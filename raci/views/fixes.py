"""Findings you can act on: a finding's page with why it matters and its fixes previewed,
applying a fix, splitting an activity, handing over a role's A's, undoing a group of
changes, and the comparison with the template. Plain forms throughout (post/redirect/get);
a refused change re-renders its page with what changed (409) or what is wrong (422)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.bounds import query_int
from core.errors import Conflict, InvalidInput, NotFound
from core.responses import answer_change, message_of, refusal_redirects_to
from raci import acknowledgments, fixes, selectors, services
from raci.forms import AcknowledgeForm
from raci.matrix_access import matrix_for
from raci.rules import DISPLAY, RULE_CODES
from workspaces.access import can_edit
from workspaces.models import Access


def _matrix_url(matrix, query: str = "") -> str:
    return reverse("raci:matrix", args=[matrix.workspace.slug, matrix.slug]) + query


def _finding_from(params, grid):
    rule = params.get("rule", "")
    activity_id, role_id = query_int(params.get("activity")), query_int(params.get("role"))
    if rule not in RULE_CODES:
        return "", activity_id, role_id, None
    return rule, activity_id, role_id, _found(grid, rule, activity_id, role_id, query_int(params.get("person")))


def _found(grid, rule, activity_id, role_id, person_id=None):
    """The finding, open or accepted on purpose."""
    return next(
        (
            f
            for f in grid.all_findings()
            if f.rule == rule
            and f.activity == activity_id
            and f.role == role_id
            and (person_id is None or f.person == person_id)
        ),
        None,
    )


def _ref(params) -> services.FindingRef:
    return services.FindingRef(
        (params.get("rule") or "")[:40],
        query_int(params.get("activity")),
        query_int(params.get("role")),
        query_int(params.get("person")),
    )


def _previews(grid, finding, matrix) -> list[dict]:
    names = {a.id: a.name for a in grid.activities}
    codes = {c.role_id: c.code for c in grid.columns}
    found = fixes.fixes_for(
        finding, grid.rule_input(), settings=matrix.rule_settings, template=selectors.template_letters(matrix=matrix)
    )
    return [
        {
            "fix": fix,
            "changes": [
                (names.get(a, ""), codes.get(r, ""), DISPLAY[b] or "—", DISPLAY[v] or "—") for a, r, b, v in fix.changes
            ],
        }
        for fix in found
    ]


@login_required
@require_GET
def finding(request, ws, m):
    matrix = matrix_for(request, ws, m)
    grid = selectors.matrix_grid(matrix=matrix)
    rule, activity_id, role_id, found = _finding_from(request.GET, grid)
    if not rule:
        # Not a finding's address (an old link, a typed URL): the findings list has them all.
        return redirect(_matrix_url(matrix, "#findings-panel"))
    return _finding_page(request, matrix, grid, rule, activity_id, role_id, found)


def _finding_page(
    request, matrix, grid, rule, activity_id, role_id, found, *, status=200, error="", changes=(), form=None
):
    column = grid.column(role_id) if role_id else None
    accepted = next((ack for f, ack in grid.accepted if f == found), None) if found else None
    return render(
        request,
        "raci/finding.html",
        {
            "workspace": matrix.workspace,
            "matrix": matrix,
            "rule": rule,
            "finding": found,
            "activity": grid.activity(activity_id) if activity_id else None,
            "column": column,
            "why": fixes.WHY.get(rule, ""),
            "previews": _previews(grid, found, matrix) if found else [],
            "since": matrix.last_seq,
            "editable": can_edit(matrix.access),
            "error": error,
            "changes": changes,
            "overloaded": [
                (a, grid.cells[(a.id, role_id)][0])
                for a in grid.activities
                if grid.cells.get((a.id, role_id), ("",))[0] in ("A", "AR")
            ]
            if rule == "overloaded-role" and column
            else [],
            "other_columns": [c for c in grid.columns if c.role_id != role_id],
            "accepted": accepted,
            "accept_form": form or _accept_form(grid, found),
            "fingerprint": acknowledgments.fingerprint_of(found, grid.rule_input()) if found else "",
            "person_id": found.person if found else None,
        },
        status=status,
    )


def _accept_form(grid, found) -> AcknowledgeForm | None:
    if found is None or not acknowledgments.can_acknowledge(found):
        return None
    label = grid.column(found.role).code if found.role is not None and grid.column(found.role) else ""
    return AcknowledgeForm(initial={"reason": acknowledgments.suggested_reason(found, label)})


@login_required
@require_POST
def finding_accept(request, ws, m):
    matrix = matrix_for(request, ws, m, needs=Access.EDITOR)
    form, ref = AcknowledgeForm(request.POST), _ref(request.POST)
    if not form.is_valid():
        check = InvalidInput("Check the reason and the review date below.")
        return _refused(request, matrix, ref.rule, ref.activity_id, ref.role_id, check, form=form)

    def refused(error):
        if isinstance(error, InvalidInput) and error.field in form.fields:
            form.add_error(error.field, error.message)
        return _refused(request, matrix, ref.rule, ref.activity_id, ref.role_id, error, form=form)

    def accepted(_):
        messages.success(
            request, "Accepted on purpose: it is in the findings panel's accepted list. Undo takes it back."
        )
        return redirect(_matrix_url(matrix, "#findings-panel"))

    return answer_change(
        lambda: services.finding_acknowledge(
            matrix=matrix,
            ref=ref,
            reason=form.cleaned_data["reason"],
            review_on=form.cleaned_data["review_on"],
            fingerprint=(request.POST.get("fingerprint") or "")[:40],
            actor=request.user,
        ),
        done=accepted,
        refused=refused,
        shows=(Conflict, InvalidInput),
    )


@login_required
@require_POST
def finding_withdraw(request, ws, m):
    matrix = matrix_for(request, ws, m, needs=Access.EDITOR)
    try:
        services.finding_withdraw(matrix=matrix, ref=_ref(request.POST), actor=request.user)
    except NotFound as gone:
        messages.error(request, gone.message)
    else:
        messages.success(request, "The finding counts again.")
    return redirect(_matrix_url(matrix, "#findings-panel"))


@login_required
@require_POST
def fix_apply(request, ws, m):
    matrix = matrix_for(request, ws, m, needs=Access.EDITOR)
    grid = selectors.matrix_grid(matrix=matrix)
    rule, activity_id, role_id, _ = _finding_from(request.POST, grid)

    def applied(result):
        messages.success(request, f"{result.label}. You can undo it from the history.")
        return redirect(_matrix_url(matrix, f"#row-{activity_id}" if activity_id else f"#col-{role_id}"))

    return answer_change(
        lambda: services.fix_apply(
            matrix=matrix,
            rule=rule,
            activity_id=activity_id,
            role_id=role_id,
            code=request.POST.get("code", ""),
            since=query_int(request.POST.get("since"), default=0),
            actor=request.user,
        ),
        done=applied,
        refused=lambda error: _refused(request, matrix, rule, activity_id, role_id, error),
        shows=(Conflict, InvalidInput),
    )


def _refused(request, matrix, rule, activity_id, role_id, error, *, form=None):
    grid = selectors.matrix_grid(matrix=matrix)
    found = _found(grid, rule, activity_id, role_id)
    return _finding_page(
        request,
        matrix,
        grid,
        rule,
        activity_id,
        role_id,
        found,
        status=error.status,
        error=error.message,
        changes=getattr(error, "changes", ()),
        form=form,
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_split(request, ws, m, activity_id):
    matrix = matrix_for(request, ws, m, needs=Access.EDITOR)
    grid = selectors.matrix_grid(matrix=matrix, check=False)
    activity = grid.activity(activity_id)
    if activity is None:
        raise Http404("No such activity")
    error, changes, status = "", (), 200
    if request.method == "POST":
        try:
            first, _ = services.activity_split(
                matrix=matrix,
                activity_id=activity_id,
                actor=request.user,
                input_role_id=query_int(request.POST.get("input_role"), default=0),
                outcome_role_id=query_int(request.POST.get("outcome_role"), default=0),
                since=query_int(request.POST.get("since"), default=0),
            )
        except (Conflict, InvalidInput) as refused:
            error, changes, status = refused.message, getattr(refused, "changes", ()), refused.status
        else:
            messages.success(
                request, f"Split “{activity.name}” into input and outcome. You can undo it from the history."
            )
            return redirect(_matrix_url(matrix, f"#row-{first.pk}"))
    row = {r: v for (a, r), (v, _) in grid.cells.items() if a == activity_id and v}
    accountable = [c for c in grid.columns if row.get(c.role_id) in ("A", "AR")]
    return render(
        request,
        "raci/split.html",
        {
            "workspace": matrix.workspace,
            "matrix": matrix,
            "activity": activity,
            "columns": grid.columns,
            "letters": [(c, DISPLAY[row.get(c.role_id, "")]) for c in grid.columns],
            "input_default": query_int(request.POST.get("input_role"))
            or (accountable[0].role_id if accountable else None),
            "outcome_default": query_int(request.POST.get("outcome_role"))
            or (accountable[1].role_id if len(accountable) > 1 else None),
            "since": matrix.last_seq,
            "error": error,
            "changes": changes,
        },
        status=status,
    )


@login_required
@require_POST
def role_handover(request, ws, m, role_id):
    matrix = matrix_for(request, ws, m, needs=Access.EDITOR)
    grid = selectors.matrix_grid(matrix=matrix)
    moves = {}
    for activity in grid.activities:
        to = query_int(request.POST.get(f"to-{activity.id}"))
        if to:
            moves[activity.id] = to

    def handed_over(result):
        messages.success(request, f"{result.label}. You can undo it from the history.")
        return redirect(_matrix_url(matrix, f"#col-{role_id}"))

    return answer_change(
        lambda: services.role_handover(
            matrix=matrix,
            role_id=role_id,
            moves=moves,
            actor=request.user,
            since=query_int(request.POST.get("since"), default=0),
        ),
        done=handed_over,
        refused=lambda error: _refused(request, matrix, "overloaded-role", None, role_id, error),
        shows=(Conflict, InvalidInput),
    )


@login_required
@require_POST
@refusal_redirects_to(lambda request, ws, m, **_: reverse("raci:history", args=[ws, m]))
def group_undo(request, ws, m, group):
    matrix = matrix_for(request, ws, m, needs=Access.EDITOR)
    # Refused (the matrix changed since): the history again, with what changed (the decorator).
    result = services.group_undo(matrix=matrix, group=group, actor=request.user)
    messages.success(request, f"{result.label}.")
    return redirect("raci:history", ws, m)


# --- the template ------------------------------------------------------------------------


@login_required
@require_GET
def template_compare(request, ws, m):
    matrix = matrix_for(request, ws, m)
    found = selectors.template_drift(matrix=matrix)
    return render(
        request,
        "raci/template_compare.html",
        {
            "workspace": matrix.workspace,
            "matrix": matrix,
            "drift": found,
            "since": matrix.last_seq,
            "editable": can_edit(matrix.access),
            "only_differences": request.GET.get("all") != "1",
        },
    )


def _template_write(request, matrix, write):
    try:
        result = write()
    except (Conflict, InvalidInput) as refused:
        messages.error(request, message_of(refused))
    else:
        if result is not None:
            messages.success(request, f"{result.label}. You can undo it from the history.")
    # NotFound (a row deleted meanwhile) goes through: the answer is 404.
    return redirect("raci:template_compare", matrix.workspace.slug, matrix.slug)


@login_required
@require_POST
def template_row_reset(request, ws, m, activity_id):
    matrix = matrix_for(request, ws, m, needs=Access.EDITOR)
    since = query_int(request.POST.get("since"), default=0)
    return _template_write(
        request,
        matrix,
        lambda: services.row_reset_to_template(matrix=matrix, activity_id=activity_id, since=since, actor=request.user),
    )


@login_required
@require_POST
def template_update_take(request, ws, m):
    matrix = matrix_for(request, ws, m, needs=Access.EDITOR)
    since = query_int(request.POST.get("since"), default=0)
    key = (request.POST.get("key") or "")[:300]
    return _template_write(
        request, matrix, lambda: services.template_update_take(matrix=matrix, key=key, since=since, actor=request.user)
    )


@login_required
@require_POST
def template_updates_dismiss(request, ws, m):
    matrix = matrix_for(request, ws, m, needs=Access.EDITOR)
    return _template_write(
        request, matrix, lambda: services.template_updates_dismiss(matrix=matrix, actor=request.user)
    )
