"""The People page: each person's and each role's true workload this quarter (matrix
letters, open readiness items, launches owned, rituals run, from `workspaces.workload`),
the letters' heat map, and who carries far more than the team's median."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from core.errors import Conflict, InvalidInput
from core.responses import show_on_form
from raci import selectors
from raci.forms import WorkloadMarksForm
from workspaces import services as workspace_services
from workspaces import workload as workloads
from workspaces.access import membership_for
from workspaces.models import Access


def _page(request, membership, *, form=None, status=200):
    workspace = membership.workspace
    found = workloads.workload_of(workspace=workspace, quarter=workloads.Quarter.of(workspace.today()))
    letters = {
        load.membership.pk: load
        for load in selectors.workload(workspace=workspace, members=[person.membership for person in found.people])
    }
    rule = {"multiple": workspace.workload_multiple, "floor": workspace.workload_floor}
    form = form or WorkloadMarksForm(initial={**rule, "was_multiple": rule["multiple"], "was_floor": rule["floor"]})
    return render(
        request,
        "raci/people.html",
        {
            "membership": membership,
            "workspace": workspace,
            "workload": found,
            "rows": [(person, letters[person.membership.pk]) for person in found.people],
            "letters": "RACI",
            "marks_form": form,
            "is_admin": membership.is_admin,
        },
        status=status,
    )


@login_required
@require_GET
def people(request, ws):
    return _page(request, membership_for(request, ws))


@login_required
@require_POST
def workload_marks(request, ws):
    """An admin sets when someone is marked: over a multiple of the team's median, and at
    least some points over it."""
    membership = membership_for(request, ws, needs=Access.ADMIN)
    form = WorkloadMarksForm(request.POST)
    status = 422
    if form.is_valid():
        data = form.cleaned_data
        try:
            workspace_services.workload_marks_set(
                workspace=membership.workspace,
                multiple=data["multiple"],
                floor=data["floor"],
                expected=(data["was_multiple"], data["was_floor"]),
            )
        except InvalidInput as error:
            show_on_form(form, error)
        except Conflict as error:
            # What was typed stays; the form now carries the rule as it is, so saving again
            # is a deliberate change over it.
            workspace = membership.workspace
            form = WorkloadMarksForm(
                {
                    **request.POST.dict(),
                    "was_multiple": workspace.workload_multiple,
                    "was_floor": workspace.workload_floor,
                }
            )
            form.is_valid()
            show_on_form(form, error)
            status = 409
        else:
            messages.success(request, "Saved: who carries far more than the team is marked by the new rule.")
            return redirect("raci:people", ws)
    return _page(request, membership, form=form, status=status)
