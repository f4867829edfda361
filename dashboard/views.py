from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from dashboard import selectors as dashboard
from workspaces.access import membership_for


@login_required
@require_GET
def workspace_home(request, ws):
    membership = membership_for(request, ws)
    dash = dashboard.workspace_dashboard(workspace=membership.workspace, today=membership.workspace.today())
    return render(
        request,
        "dashboard/workspace.html",
        {
            "membership": membership,
            "workspace": membership.workspace,
            "dash": dash,
            "matrices": dash.matrices,
        },
    )
