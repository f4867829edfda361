"""The decision log of a matrix: what was decided, why, by whom, and when to look again."""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from core.bounds import BoundedDateField, query_int
from core.errors import InvalidInput
from core.responses import show_on_form
from raci import selectors, services
from raci.matrix_access import matrix_for
from raci.models import Activity, Decision
from workspaces.access import can_edit
from workspaces.models import Access, Membership

DEFAULT_REVIEW_DAYS = 90


class DecisionForm(forms.Form):
    what = forms.CharField(max_length=500, label="What was decided")
    why = forms.CharField(required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3}), label="Why")
    activity = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Activity")
    decided_by = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Decided by")
    decided_on = BoundedDateField(label="Decided on", widget=forms.DateInput(attrs={"type": "date"}))
    review_on = BoundedDateField(required=False, label="Review on", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, matrix, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].choices = [("", "— the matrix as a whole —")] + [
            (a.pk, a.name) for a in Activity.objects.filter(matrix=matrix).order_by("name")
        ]
        self.fields["decided_by"].choices = [("", "—")] + [
            (m.user_id, m.display_name)
            for m in Membership.objects.filter(workspace_id=matrix.workspace_id)
            .order_by("user__username")
            .select_related("user")
        ]


def _fields(form) -> dict:
    data = form.cleaned_data
    return {
        "what": data["what"],
        "why": data["why"],
        "activity_id": data["activity"],
        "decided_by_id": data["decided_by"],
        "decided_on": data["decided_on"],
        "review_on": data["review_on"],
    }


@login_required
@require_http_methods(["GET", "POST"])
def decisions(request, ws, m):
    matrix = matrix_for(request, ws, m, needs=Access.EDITOR if request.method == "POST" else Access.VIEWER)
    today = matrix.workspace.today()
    form = DecisionForm(
        request.POST or None,
        matrix=matrix,
        initial={
            "decided_on": today,
            "review_on": today + timedelta(days=DEFAULT_REVIEW_DAYS),
            "decided_by": request.user.pk,
            "activity": query_int(request.GET.get("activity")),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.decision_add(matrix=matrix, actor=request.user, **_fields(form))
        except InvalidInput as error:
            show_on_form(form, error)
        else:
            messages.success(request, "Decision recorded.")
            return redirect("raci:decisions", ws, m)
    entries = selectors.decisions_of(matrix=matrix)
    activity_id = query_int(request.GET.get("activity"))
    if activity_id is not None:
        entries = entries.filter(activity_id=activity_id)
    return render(
        request,
        "raci/decisions.html",
        {
            "workspace": matrix.workspace,
            "matrix": matrix,
            "form": form,
            "decisions": entries,
            "today": today,
            "editable": can_edit(matrix.access),
            "filtered": activity_id is not None,
        },
        status=422 if form.errors else 200,
    )


def _decision(matrix, decision_id) -> Decision:
    decision = Decision.objects.filter(matrix=matrix, pk=decision_id).first()
    if decision is None:
        raise Http404("No such decision")
    return decision


@login_required
@require_http_methods(["GET", "POST"])
def decision_edit(request, ws, m, decision_id):
    matrix = matrix_for(request, ws, m, needs=Access.EDITOR)
    decision = _decision(matrix, decision_id)
    form = DecisionForm(
        request.POST or None,
        matrix=matrix,
        initial={
            "what": decision.what,
            "why": decision.why,
            "activity": decision.activity_id,
            "decided_by": decision.decided_by_id,
            "decided_on": decision.decided_on,
            "review_on": decision.review_on,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.decision_update(matrix=matrix, decision_id=decision.pk, **_fields(form))
        except InvalidInput as error:
            show_on_form(form, error)
        else:
            messages.success(request, "Decision saved.")
            return redirect("raci:decisions", ws, m)
    return render(
        request,
        "raci/decision_edit.html",
        {
            "workspace": matrix.workspace,
            "matrix": matrix,
            "decision": decision,
            "form": form,
        },
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def decision_delete(request, ws, m, decision_id):
    matrix = matrix_for(request, ws, m, needs=Access.EDITOR)
    services.decision_delete(matrix=matrix, decision_id=decision_id)
    messages.success(request, "Decision deleted.")
    return redirect("raci:decisions", ws, m)


@login_required
@require_POST
def matrix_reviewed(request, ws, m):
    matrix = matrix_for(request, ws, m, needs=Access.EDITOR)
    services.matrix_mark_reviewed(matrix=matrix, actor=request.user)
    messages.success(request, "Marked as reviewed today.")
    return redirect("raci:matrix", ws, m)
