"""The quarter view: any quarter's plan at a glance, the workspace's load limits, the
pre-read and the quarter as slides."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from core import slides
from launches import preread, relay_selectors, selectors, services
from launches.deck import quarter_deck_of
from launches.views.common import live_context
from workspaces import workload as workloads
from workspaces.access import membership_for
from workspaces.models import Access


class LoadLimitsForm(forms.Form):
    person_week_limit = forms.IntegerField(
        min_value=1,
        max_value=200,
        label="Per person and week",
        error_messages={"min_value": "Between 1 and 200.", "max_value": "Between 1 and 200."},
    )
    week_limit = forms.IntegerField(
        min_value=1,
        max_value=2000,
        label="Per week, everyone",
        error_messages={"min_value": "Between 1 and 2,000.", "max_value": "Between 1 and 2,000."},
    )


def _load(workspace, plan):
    """The quarter's whole workload, as the People page counts it, beside the load by week:
    (name, load by week, workload) per person."""
    work = workloads.workload_of(workspace=workspace, quarter=workloads.Quarter(plan.year, plan.quarter))
    by_member = {person.membership.pk: person for person in work.people}
    return work, [(name, person, by_member.get(person.owner_id)) for name, person in plan.load_rows]


def _context(membership, quarter: workloads.Quarter, **extra):
    workspace = membership.workspace
    rubric = selectors.rubric_of(workspace_id=workspace.pk)
    plan = selectors.quarter_plan_of(
        workspace=workspace, year=quarter.year, quarter=quarter.number, rubric=rubric, today=workspace.today()
    )
    limits_form = extra.pop("limits_form", None) or LoadLimitsForm(
        initial={"person_week_limit": plan.load.person_limit, "week_limit": plan.load.week_limit}
    )
    work, load_rows = _load(workspace, plan)
    return {
        "membership": membership,
        "workspace": workspace,
        "plan": plan,
        "editable": membership.can_edit,
        "is_admin": membership.is_admin,
        "limits_form": limits_form,
        "workload": work,
        "load_rows": load_rows,
        "relay": _relay(workspace, plan),
        **live_context(),
        **extra,
    }


def _relay(workspace, plan) -> dict:
    """The quarter's relay: dropped batons, and launches past Strategy without a signed checkpoint."""
    launches = [row.launch for row in plan.launches]
    flags = relay_selectors.relay_flags(launches=launches, workspace_id=workspace.pk)
    return {
        "flags": flags,
        "dropped": [(launch, flags[launch.pk].phase_label) for launch in launches if flags[launch.pk].dropped],
        "unsigned": [(launch, flags[launch.pk].phase_label) for launch in launches if flags[launch.pk].unsigned_past],
    }


@login_required
@require_GET
def quarter_now(request, ws):
    membership = membership_for(request, ws)
    return redirect("launches:quarter", ws, workloads.Quarter.of(membership.workspace.today()))


@login_required
@require_GET
def quarter(request, ws, quarter: workloads.Quarter):
    """`quarter` comes from the URL's converter (launches.converters): a quarter of the plan."""
    membership = membership_for(request, ws)
    return render(request, "launches/quarter.html", _context(membership, quarter))


@login_required
@require_POST
def load_limits(request, ws, quarter):
    membership = membership_for(request, ws, needs=Access.ADMIN)
    form = LoadLimitsForm(request.POST)
    if not form.is_valid():
        context = _context(membership, quarter, limits_form=form)
        return render(request, "launches/quarter.html", context, status=422)
    services.load_limits_set(workspace=membership.workspace, **form.cleaned_data)
    messages.success(request, "Load limits saved.")
    return redirect("launches:quarter", ws, quarter)


def _plan(membership, quarter: workloads.Quarter):
    workspace = membership.workspace
    rubric = selectors.rubric_of(workspace_id=workspace.pk)
    plan = selectors.quarter_plan_of(
        workspace=workspace, year=quarter.year, quarter=quarter.number, rubric=rubric, today=workspace.today()
    )
    return plan, *selectors.preread_of(plan=plan, rubric=rubric)


@login_required
@require_GET
def preread_page(request, ws, quarter):
    """The quarter's pre-read: a one-page summary, then every launch; printable."""
    membership = membership_for(request, ws)
    plan, rows, summary = _plan(membership, quarter)
    return render(
        request,
        "launches/preread.html",
        {
            "membership": membership,
            "workspace": membership.workspace,
            "plan": plan,
            "rows": rows,
            "summary": summary,
            "load_rows": _load(membership.workspace, plan)[1],
            "today": membership.workspace.today(),
            "relay": _relay(membership.workspace, plan),
        },
    )


@login_required
@require_GET
def preread_export(request, ws, quarter, fmt):
    membership = membership_for(request, ws)
    if fmt not in ("csv", "xlsx"):
        raise Http404("No such format")
    plan, rows, _ = _plan(membership, quarter)
    name = f"{membership.workspace.slug}-{plan.slug}-pre-read.{fmt}"
    if fmt == "csv":
        response = HttpResponse(preread.write_csv(rows), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            preread.write_xlsx(rows, title=f"{plan.name} pre-read"),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def quarter_slides(request, ws, quarter: workloads.Quarter):
    """The quarter as slides ("Download as PowerPoint"), for every member."""
    membership = membership_for(request, ws)
    hide_names = slides.names_hidden(request.GET.get("hide_names"))
    body = quarter_deck_of(workspace=membership.workspace, quarter=quarter, hide_names=hide_names)
    return slides.download(body, filename=f"{membership.workspace.slug}-{quarter.year}-q{quarter.number}.pptx")
