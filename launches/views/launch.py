"""A launch page and its writes: score, tier confirmation, checklist, go/no-go, status,
edits, the after-launch readout, dependencies."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.bounds import query_int
from core.errors import InvalidInput
from core.responses import is_htmx, refusal_redirects_to, render_varied, show_on_form
from launches import selectors, services, tiering
from launches.forms import (
    DependencyForm,
    GoForm,
    ItemForm,
    LaunchForm,
    OutcomeForm,
    ScoreForm,
    StatusForm,
)
from launches.views.common import item_context, launch_context, launch_for
from workspaces.models import Access


@login_required
@require_GET
def launch(request, ws, cycle, launch_id):
    membership, launch = launch_for(request, ws, cycle, launch_id)
    return render(request, "launches/launch.html", launch_context(membership, launch))


@login_required
@require_POST
def launch_score(request, ws, cycle, launch_id):
    membership, launch = launch_for(request, ws, cycle, launch_id, Access.EDITOR)
    rubric = selectors.rubric_of(workspace_id=launch.cycle.workspace_id)
    form = ScoreForm(request.POST, rubric=rubric)
    if form.is_valid():
        suggested = services.launch_score(launch=launch, scores=form.scores())
        messages.success(request, f"Scored: the rubric suggests {rubric.tier_name(suggested)}.")
        return redirect("launches:launch", ws, launch.cycle.slug, launch.pk)
    return render(request, "launches/launch.html", launch_context(membership, launch, score_form=form), status=422)


@login_required
@require_POST
@refusal_redirects_to(lambda request, ws, cycle, launch_id: reverse("launches:launch", args=[ws, cycle, launch_id]))
def tier_confirm(request, ws, cycle, launch_id):
    membership, launch = launch_for(request, ws, cycle, launch_id, Access.EDITOR)
    as_code = request.POST.get("as", "")
    if as_code in tiering.LEADS and as_code not in selectors.lead_codes_of(membership=membership, launch=launch):
        raise PermissionDenied(
            f"Only the launch's {as_code} owner or a workspace admin confirms as the {as_code} lead."
        )
    services.tier_confirm(launch=launch, membership=membership, as_code=as_code)
    messages.success(request, f"Confirmed the tier as the {as_code} lead.")
    return redirect("launches:launch", ws, launch.cycle.slug, launch.pk)


@login_required
@require_POST
def item_update(request, ws, cycle, launch_id, item_id):
    membership, launch = launch_for(request, ws, cycle, launch_id, Access.EDITOR)
    form = ItemForm(request.POST)
    error = _item_form_error(form)
    if error is None:
        # A form without the owner field (an older page) leaves the owner as it is.
        owner = {"owner_id": form.cleaned_data["owner"]} if "owner" in request.POST else {}
        try:
            services.item_update(
                launch=launch,
                item_id=item_id,
                status=form.cleaned_data["status"],
                waive_reason=form.cleaned_data["waive_reason"],
                evidence_url=form.cleaned_data["evidence_url"],
                actor=request.user,
                **owner,
            )
        except InvalidInput as refused:
            error = refused
    if is_htmx(request):
        return _item_fragment(request, membership, launch, item_id, error)
    if error:
        messages.error(request, error.message)
    return redirect("launches:launch", ws, launch.cycle.slug, launch.pk)


def _item_form_error(form) -> InvalidInput | None:
    """The first thing wrong with the item's form, said as the service would."""
    if form.is_valid():
        return None
    if "evidence_url" in form.errors:
        return InvalidInput("The evidence link must be a web address (https://…).", "evidence_url")
    if "owner" in form.errors:
        return InvalidInput("Pick a member of this workspace.", "owner")
    return InvalidInput("Pick a status: to do, in progress, done or waived.", "status")


def _item_fragment(request, membership, launch, item_id: int, error: InvalidInput | None):
    """One checklist item as htmx gets it after a change to it, with its refusal if any."""
    context = item_context(membership, launch, item_id, item_error=error.message if error else None)
    return render_varied(request, "launches/launch.html#item_update", context, status=error.status if error else 200)


def _back_to_checklist(ws, launch):
    return redirect(reverse("launches:launch", args=[ws, launch.cycle.slug, launch.pk]) + "#checklist")


@login_required
@require_POST
def item_role(request, ws, cycle, launch_id, item_id):
    """Several roles are R on the item's activity: the one that owns the item."""
    membership, launch = launch_for(request, ws, cycle, launch_id, Access.EDITOR)
    raw = request.POST.get("role", "")
    role_id = query_int(raw)
    error = (
        InvalidInput("Pick one of the roles that are R on it in the matrix.", "role")
        if raw and role_id is None
        else None
    )
    if error is None:
        try:
            services.item_choose_role(launch=launch, item_id=item_id, role_id=role_id, actor=request.user)
        except InvalidInput as refused:
            error = refused
    if is_htmx(request):
        return _item_fragment(request, membership, launch, item_id, error)
    if error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Owner chosen.")
    return _back_to_checklist(ws, launch)


@login_required
@require_POST
@refusal_redirects_to(
    lambda request, ws, cycle, launch_id, **_: reverse("launches:launch", args=[ws, cycle, launch_id]) + "#checklist"
)
def item_from_template(request, ws, cycle, launch_id, item_id):
    """Take the item's activity from the template into the matrix, then its owner from there."""
    _, launch = launch_for(request, ws, cycle, launch_id, Access.EDITOR)
    since = query_int(request.POST.get("since", ""))
    item = services.item_owner_from_template(launch=launch, item_id=item_id, since=since, actor=request.user)
    who = item.owner_role.code if item.owner_role_id else "nobody yet"
    messages.success(request, f"Added to the matrix from the template; “{item.title}” is now {who}'s.")
    return _back_to_checklist(ws, launch)


@login_required
@require_POST
def checklist_owners(request, ws, cycle, launch_id):
    """The matrix changed: the open items take their owners from it again."""
    _, launch = launch_for(request, ws, cycle, launch_id, Access.EDITOR)
    changed = services.checklist_owners_refresh(launch=launch, actor=request.user)
    messages.success(request, f"{len(changed)} item{'s' if len(changed) != 1 else ''} took the matrix's owner.")
    return _back_to_checklist(ws, launch)


@login_required
@require_POST
def go_decision(request, ws, cycle, launch_id):
    membership, launch = launch_for(request, ws, cycle, launch_id, Access.EDITOR)
    form = GoForm(request.POST)
    if form.is_valid():
        try:
            decision = services.go_record(
                launch=launch,
                decision=form.cleaned_data["decision"],
                notes=form.cleaned_data["notes"],
                actor=request.user,
            )
        except services.GoRefused as refused:
            # The card lists every blocker with its link just above the form.
            count = len(refused.blockers)
            form.add_error(
                "decision", f"Not ready for go: settle the {count} thing{'s' if count != 1 else ''} listed above first."
            )
        except InvalidInput as error:
            form.add_error("decision", error.message)
        else:
            messages.success(request, f"Recorded: {decision.get_decision_display().lower()}.")
            return redirect("launches:launch", ws, launch.cycle.slug, launch.pk)
    return render(request, "launches/launch.html", launch_context(membership, launch, go_form=form), status=422)


@login_required
@require_POST
def launch_status(request, ws, cycle, launch_id):
    membership, launch = launch_for(request, ws, cycle, launch_id, Access.EDITOR)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.status_update(
                launch=launch, status=form.cleaned_data["status"], note=form.cleaned_data["note"], author=membership
            )
        except InvalidInput as error:
            show_on_form(form, error)
        else:
            messages.success(request, f"Status: {launch.get_status_display().lower()}.")
            return redirect("launches:launch", ws, launch.cycle.slug, launch.pk)
    return render(request, "launches/launch.html", launch_context(membership, launch, status_form=form), status=422)


@login_required
@require_http_methods(["GET", "POST"])
def launch_edit(request, ws, cycle, launch_id):
    membership, launch = launch_for(request, ws, cycle, launch_id, Access.EDITOR)
    initial = {
        "name": launch.name,
        "summary": launch.summary,
        "pm_owner": launch.pm_owner_id,
        "pmm_owner": launch.pmm_owner_id,
        "matrix": launch.matrix_id,
        "ship_date": launch.ship_date,
        "launch_date": launch.launch_date,
    }
    form = LaunchForm(
        request.POST or None,
        initial=initial,
        members=selectors.members_for_choice(workspace=membership.workspace),
        matrices=selectors.matrices_for_choice(workspace=membership.workspace),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.launch_update(launch=launch, actor=request.user, **_edit_kwargs(form.cleaned_data))
        except InvalidInput as error:
            show_on_form(form, error)
        else:
            messages.success(request, "Saved. The checklist's due dates follow the launch date.")
            return redirect("launches:launch", ws, launch.cycle.slug, launch.pk)
    return render(
        request,
        "launches/launch_edit.html",
        {
            "membership": membership,
            "workspace": membership.workspace,
            "cycle": launch.cycle,
            "launch": launch,
            "form": form,
        },
        status=422 if form.errors else 200,
    )


def _edit_kwargs(data):
    return {
        "name": data["name"],
        "summary": data["summary"],
        "pm_owner_id": data["pm_owner"],
        "pmm_owner_id": data["pmm_owner"],
        "matrix_id": data["matrix"],
        "ship_date": data["ship_date"],
        "launch_date": data["launch_date"],
    }


@login_required
@require_POST
def launch_outcome(request, ws, cycle, launch_id):
    membership, launch = launch_for(request, ws, cycle, launch_id, Access.EDITOR)
    form = OutcomeForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.outcome_record(
                launch=launch,
                launched_on=data["launched_on"],
                metric_name=data["metric_name"],
                metric_target=data["metric_target"],
                metric_actual=data["metric_actual"],
                outcome=data["outcome"],
                notes=data["notes"],
                actor=request.user,
            )
        except InvalidInput as error:
            show_on_form(form, error)
        else:
            messages.success(request, "After-launch readout saved.")
            return redirect("launches:launch", ws, launch.cycle.slug, launch.pk)
    return render(request, "launches/launch.html", launch_context(membership, launch, outcome_form=form), status=422)


@login_required
@require_POST
def dependency_add(request, ws, cycle, launch_id):
    membership, launch = launch_for(request, ws, cycle, launch_id, Access.EDITOR)
    form = DependencyForm(request.POST, launches=selectors.launches_for_choice(launch=launch))
    if form.is_valid():
        try:
            services.dependency_add(launch=launch, before_id=form.cleaned_data["before"])
        except InvalidInput as error:
            form.add_error("before", error.message)
        else:
            messages.success(request, "Dependency added.")
            return redirect("launches:launch", ws, launch.cycle.slug, launch.pk)
    return render(request, "launches/launch.html", launch_context(membership, launch, dependency_form=form), status=422)


@login_required
@require_POST
def dependency_remove(request, ws, cycle, launch_id, dependency_id):
    _, launch = launch_for(request, ws, cycle, launch_id, Access.EDITOR)
    services.dependency_remove(launch=launch, dependency_id=dependency_id)
    messages.success(request, "Dependency removed.")
    return redirect("launches:launch", ws, launch.cycle.slug, launch.pk)


def _after_move(request, ws, cycle, launch_id):
    if request.POST.get("next") == "board":
        return reverse("launches:cycle", args=[ws, cycle])
    return reverse("launches:launch", args=[ws, cycle, launch_id])


@login_required
@require_POST
@refusal_redirects_to(_after_move)
def launch_move(request, ws, cycle, launch_id):
    """Move a launch dated in another quarter to that quarter's cycle (the plan warning's offer)."""
    _, launch = launch_for(request, ws, cycle, launch_id, Access.EDITOR)
    launch = services.launch_move_to_quarter(launch=launch)
    messages.success(request, f"{launch.name} is now in {launch.cycle.name}.")
    if request.POST.get("next") == "board":
        return redirect("launches:cycle", ws, cycle)
    return redirect("launches:launch", ws, launch.cycle.slug, launch.pk)


@login_required
@require_POST
@refusal_redirects_to(lambda request, ws, cycle, launch_id: reverse("launches:launch", args=[ws, cycle, launch_id]))
def launch_channel(request, ws, cycle, launch_id):
    """Pick (or drop) the launch's own Slack or Teams channel."""
    membership, launch = launch_for(request, ws, cycle, launch_id, Access.EDITOR)
    raw = request.POST.get("channel", "")
    channel_id = query_int(raw) if raw else None
    if raw and not channel_id:
        raise InvalidInput("Pick one of the workspace's Slack or Teams channels.", "channel")
    services.launch_channel_set(launch=launch, channel_id=channel_id)
    messages.success(
        request, "Its events now go to the channel picked." if channel_id else "It has no channel of its own now."
    )
    return redirect(reverse("launches:launch", args=[ws, launch.cycle.slug, launch.pk]) + "#channel")
