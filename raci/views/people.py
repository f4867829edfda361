from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from raci import selectors
from workspaces.access import membership_for


@login_required
@require_GET
def people(request, ws):
    membership = membership_for(request, ws)
    return render(request, "raci/people.html", {
        "membership": membership, "workspace": membership.workspace,
        "loads": selectors.workload(workspace=membership.workspace), "letters": "RACI",
    })
