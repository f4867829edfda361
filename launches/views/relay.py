"""The relay of a launch: move it to the next phase with a hand-over, accept one, name
its driver, answer the joint checkpoint; the workspace's days before a dropped baton.
Plain forms posting back to the launch page's relay panel (or the page they came from:
a ritual meeting answers the checkpoint too)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from core.bounds import query_int
from core.errors import InvalidInput
from core.responses import refusal_redirects_to
from launches.services import relay as relay_services
from launches.views.common import launch_for
from workspaces.access import membership_for
from workspaces.models import Access


def _launch_url(ws, cycle, launch_id, anchor="#relay") -> str:
    return reverse("launches:launch", args=[ws, cycle, launch_id]) + anchor


def _back(request, fallback: str) -> str:
    """Back to the page the form sits on when it says so (a ritual meeting), else the launch."""
    wanted = request.POST.get("next", "")
    if wanted and url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}):
        return wanted
    return fallback


_refused = refusal_redirects_to(lambda request, ws, cycle, launch_id: _back(request, _launch_url(ws, cycle, launch_id)))


@login_required
@require_POST
@_refused
def launch_advance(request, ws, cycle, launch_id):
    membership, launch = launch_for(request, ws, cycle, launch_id, Access.EDITOR)
    handover = relay_services.launch_advance(
        launch=launch,
        actor=membership,
        to_member_id=query_int(request.POST.get("to_member")),
        note=request.POST.get("note", ""),
        expected_version=query_int(request.POST.get("version"), default=-1),
    )
    who = handover.to_member.display_name if handover.to_member else "the next driver"
    waiting = "" if handover.accepted_at else f"; {who} accepts it to drive"
    messages.success(request, f"Handed over to {who}{waiting}.")
    return redirect(_launch_url(ws, cycle, launch_id))


@login_required
@require_POST
@_refused
def handover_accept(request, ws, cycle, launch_id, handover_id):
    membership, launch = launch_for(request, ws, cycle, launch_id, Access.EDITOR)
    relay_services.handover_accept(launch=launch, handover_id=handover_id, member=membership)
    messages.success(request, "You took the baton: you drive this launch now.")
    return redirect(_launch_url(ws, cycle, launch_id))


@login_required
@require_POST
@_refused
def driver_set(request, ws, cycle, launch_id):
    membership, launch = launch_for(request, ws, cycle, launch_id, Access.EDITOR)
    launch = relay_services.driver_set(launch=launch, actor=membership, member_id=query_int(request.POST.get("driver")))
    messages.success(request, f"{launch.driver.display_name} drives this phase.")
    return redirect(_launch_url(ws, cycle, launch_id))


@login_required
@require_POST
@_refused
def checkpoint_answer(request, ws, cycle, launch_id):
    membership, launch = launch_for(request, ws, cycle, launch_id, Access.EDITOR)
    said = request.POST.get("answer", "")
    if said not in ("yes", "no"):
        raise InvalidInput("Answer yes or no.", "answer")
    relay_services.checkpoint_answer(
        launch=launch,
        member=membership,
        side=request.POST.get("side", "")[:5],
        answer=said == "yes",
        note=request.POST.get("note", ""),
        must_change=request.POST.get("must_change", ""),
        expected_version=query_int(request.POST.get("version"), default=-1),
    )
    messages.success(request, f"Your answer to the joint checkpoint is recorded ({said}) in the decision log.")
    return redirect(_back(request, _launch_url(ws, cycle, launch_id, "#checkpoint")))


@login_required
@require_POST
@refusal_redirects_to(lambda request, ws: reverse("launches:rubric", args=[ws]) + "#relay-days")
def handover_days(request, ws):
    membership = membership_for(request, ws, needs=Access.ADMIN)
    days = query_int(request.POST.get("handover_days"))
    if days is None:
        raise InvalidInput("Give a number of days.", "handover_days")
    relay_services.handover_days_set(workspace=membership.workspace, days=days)
    messages.success(request, f"A hand-over not accepted within {days} days is now a dropped baton.")
    return redirect(reverse("launches:rubric", args=[ws]) + "#relay-days")
