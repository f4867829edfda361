"""The quarter calendar, the retrospective, dates to avoid and the iCalendar feed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import InvalidInput
from core.responses import show_on_form
from launches import plan_warnings, selectors, services
from launches.forms import AvoidDateForm
from launches.views.common import cycle_for
from workspaces.access import membership_for
from workspaces.models import Access


@login_required
@require_GET
def retrospective(request, ws, cycle):
    membership, cycle = cycle_for(request, ws, cycle)
    rubric = selectors.rubric_of(workspace_id=cycle.workspace_id)
    rows = selectors.retrospective_of(cycle=cycle, rubric=rubric)
    return render(
        request,
        "launches/retrospective.html",
        {"membership": membership, "workspace": membership.workspace, "cycle": cycle, "rows": rows},
    )


def this_quarters_cycle(request, ws, view: str, title: str):
    """Redirect to `view` of this quarter's cycle: the navigation's Board and Calendar.
    When nobody has opened it yet, the page says so under its own title and offers to
    open it (editors), landing on `view` of the new cycle."""
    membership = membership_for(request, ws)
    today = membership.workspace.today()
    cycle = selectors.cycle_of_quarter(workspace=membership.workspace, today=today)
    if cycle is not None:
        return redirect(view, ws, cycle.slug)
    year, quarter = plan_warnings.quarter_of(today)
    return render(
        request,
        "launches/no_cycle.html",
        {
            "membership": membership,
            "workspace": membership.workspace,
            "editable": membership.can_edit,
            "quarter_name": f"{year}-Q{quarter}",
            "quarter_slug": f"{year}-q{quarter}",
            "title": title,
            "next": "calendar" if view == "launches:calendar" else "board",
            "cycles": selectors.cycles_of(workspace=membership.workspace)[:4],
        },
    )


@login_required
@require_GET
def calendar_now(request, ws):
    return this_quarters_cycle(request, ws, "launches:calendar", "calendar")


@login_required
@require_GET
def board_now(request, ws):
    return this_quarters_cycle(request, ws, "launches:cycle", "tiering board")


@login_required
@require_GET
def calendar(request, ws, cycle):
    membership, cycle = cycle_for(request, ws, cycle)
    rubric = selectors.rubric_of(workspace_id=cycle.workspace_id)
    return render(
        request,
        "launches/calendar.html",
        {
            "membership": membership,
            "workspace": membership.workspace,
            "cycle": cycle,
            "calendar": selectors.calendar_of(cycle=cycle, rubric=rubric),
            "feed": selectors.feed_of(workspace=membership.workspace) if membership.is_admin else None,
            "is_admin": membership.is_admin,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def avoid_dates(request, ws):
    membership = membership_for(request, ws, needs=Access.EDITOR if request.method == "POST" else Access.VIEWER)
    form = AvoidDateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.avoid_date_add(workspace=membership.workspace, **form.cleaned_data)
        except InvalidInput as error:
            show_on_form(form, error)
        else:
            messages.success(request, "Date to avoid added.")
            return redirect("launches:avoid_dates", ws)
    return render(
        request,
        "launches/avoid_dates.html",
        {
            "membership": membership,
            "workspace": membership.workspace,
            "form": form,
            "avoid": selectors.avoid_dates_of(workspace=membership.workspace),
            "editable": membership.can_edit,
        },
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def avoid_date_remove(request, ws, avoid_id):
    membership = membership_for(request, ws, needs=Access.EDITOR)
    services.avoid_date_remove(workspace=membership.workspace, avoid_id=avoid_id)
    messages.success(request, "Date to avoid removed.")
    return redirect("launches:avoid_dates", ws)


@login_required
@require_POST
def feed_regenerate(request, ws):
    membership = membership_for(request, ws, needs=Access.ADMIN)
    services.feed_token_regenerate(workspace=membership.workspace, actor=request.user)
    messages.success(request, "New calendar feed URL: the old one no longer works.")
    cycle = selectors.cycle_get(workspace=membership.workspace, slug=request.POST.get("cycle", ""))
    if cycle is not None:
        return redirect("launches:calendar", ws, cycle.slug)
    return redirect("launches:avoid_dates", ws)
