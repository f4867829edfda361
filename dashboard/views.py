from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.errors import InvalidInput
from dashboard import selectors as dashboard
from launches.services import parse_quarter
from workspaces.access import membership_for


@login_required
@require_GET
def workspace_home(request, ws):
    membership = membership_for(request, ws)
    quarter = None
    if "quarter" in request.GET:
        try:
            quarter = parse_quarter(request.GET["quarter"][:20])
        except InvalidInput:
            raise Http404("No such quarter") from None
    dash = dashboard.workspace_dashboard(
        workspace=membership.workspace, today=membership.workspace.today(), quarter=quarter
    )
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
