"""Launch cycles, the tiering board, launch pages with readiness and go/no-go.

Every view resolves the workspace from the URL and checks membership first; plain POSTs
redirect, htmx POSTs get the fragment they changed.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from raci.access import can_edit, membership_for
from raci.models import Access

from . import selectors, services, tiering
from .forms import CycleForm, GoForm, ItemForm, LaunchForm, RubricForm, ScoreForm, TierForm


def _htmx(request) -> bool:
    return bool(request.htmx) and not request.htmx.boosted


def _render(request, template, context, *, status=200):
    response = render(request, template, context, status=status)
    response["Vary"] = "HX-Request"
    return response


def _cycle(request, ws, cycle_slug, needs=Access.VIEWER):
    membership = membership_for(request, ws, needs=needs)
    cycle = selectors.cycle_get(workspace=membership.workspace, slug=cycle_slug)
    if cycle is None:
        raise Http404("No such launch cycle")
    return membership, cycle


def _launch(request, ws, cycle_slug, launch_id, needs=Access.VIEWER):
    membership, cycle = _cycle(request, ws, cycle_slug, needs)
    launch = selectors.launch_get(cycle=cycle, launch_id=launch_id)
    if launch is None:
        raise Http404("No such launch")
    return membership, launch


def _launch_form(workspace, data=None):
    return LaunchForm(data, members=selectors.members_for_choice(workspace=workspace),
                      matrices=selectors.matrices_for_choice(workspace=workspace))


@login_required
@require_http_methods(["GET", "POST"])
def cycles(request, ws):
    membership = membership_for(request, ws, needs=Access.EDITOR if request.method == "POST" else Access.VIEWER)
    form = CycleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cycle = services.cycle_create(workspace=membership.workspace, quarter=form.cleaned_data["quarter"])
        except services.InvalidInput as error:
            form.add_error("quarter", error.message)
        else:
            messages.success(request, f"Opened {cycle.name}. Add its candidate launches.")
            return redirect("launches:cycle", ws, cycle.slug)
    return render(request, "launches/cycles.html", {
        "membership": membership, "workspace": membership.workspace, "form": form,
        "cycles": selectors.cycles_of(workspace=membership.workspace), "editable": membership.can_edit,
    }, status=422 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def rubric(request, ws):
    membership = membership_for(request, ws, needs=Access.ADMIN if request.method == "POST" else Access.VIEWER)
    current = selectors.rubric_of(workspace_id=membership.workspace.pk)
    form = RubricForm(request.POST or None, initial=RubricForm.initial_for(current))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.rubric_update(workspace=membership.workspace, questions=data["questions"],
                                   thresholds=[data["threshold_1"], data["threshold_2"]],
                                   tier_names=[data["tier_1"], data["tier_2"], data["tier_3"]])
        except services.InvalidInput as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, "Rubric saved.")
            return redirect("launches:rubric", ws)
    return render(request, "launches/rubric.html", {
        "membership": membership, "workspace": membership.workspace, "form": form, "rubric": current,
        "editable": membership.is_admin,
    }, status=422 if form.errors else 200)


def _board_context(membership, cycle, **extra):
    rubric = selectors.rubric_of(workspace_id=cycle.workspace_id)
    return {"membership": membership, "workspace": membership.workspace, "cycle": cycle, "editable": membership.can_edit,
            "board": selectors.board_of(cycle=cycle, rubric=rubric, today=timezone.localdate()),
            **extra}


@login_required
@require_GET
def cycle(request, ws, cycle):
    membership, cycle = _cycle(request, ws, cycle)
    return _render(request, "launches/cycle.html#board" if _htmx(request) else "launches/cycle.html",
                   _board_context(membership, cycle, form=_launch_form(membership.workspace)))


@login_required
@require_POST
def launch_add(request, ws, cycle):
    membership, cycle = _cycle(request, ws, cycle, Access.EDITOR)
    form = _launch_form(membership.workspace, request.POST)
    if form.is_valid():
        try:
            data = form.cleaned_data
            launch = services.launch_create(
                cycle=cycle, name=data["name"], summary=data["summary"], pm_owner_id=data["pm_owner"],
                pmm_owner_id=data["pmm_owner"], matrix_id=data["matrix"], ship_date=data["ship_date"],
                launch_date=data["launch_date"])
        except services.InvalidInput as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, f"Added {launch.name}. Score it to get a suggested tier.")
            return redirect("launches:cycle", ws, cycle.slug)
    return render(request, "launches/cycle.html", _board_context(membership, cycle, form=form), status=422)


@login_required
@require_POST
def launch_tier(request, ws, cycle, launch_id):
    """Move a launch to a tier: from the board (htmx answers with the board) or its page."""
    membership, launch = _launch(request, ws, cycle, launch_id, Access.EDITOR)
    form = TierForm(request.POST)
    form.is_valid()
    error = None
    try:
        launch = services.launch_set_tier(launch=launch, tier=form.tier_value(), reason=form.cleaned_data["reason"],
                                          actor=membership)
    except services.InvalidInput as exc:
        error = exc.message
    if _htmx(request):
        context = _board_context(membership, launch.cycle)
        card = context["board"].card(launch.pk)
        if error and card:
            card.error, card.reason = error, form.cleaned_data["reason"]
        return _render(request, "launches/cycle.html#board", context, status=422 if error else 200)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, f"{launch.name}: {selectors.rubric_of(workspace_id=launch.cycle.workspace_id).tier_name(launch.tier)}.")
    if request.POST.get("next") == "launch":
        return redirect("launches:launch", ws, launch.cycle.slug, launch.pk)
    return redirect("launches:cycle", ws, launch.cycle.slug)


def _launch_context(membership, launch, **extra):
    rubric = selectors.rubric_of(workspace_id=launch.cycle.workspace_id)
    today = timezone.localdate()
    items = selectors.checklist_of(launch=launch)
    suggested = tiering.suggest_tier(rubric, launch.scores)
    return {
        "membership": membership, "workspace": membership.workspace, "cycle": launch.cycle, "launch": launch,
        "rubric": rubric, "items": items, "today": today, "editable": membership.can_edit,
        "readiness": selectors.readiness_of(launch=launch, items=items, today=today),
        "suggested": suggested, "suggested_name": rubric.tier_name(suggested) if suggested else "",
        "total": tiering.score_total(rubric, launch.scores) if suggested else None,
        "tier_name": rubric.tier_name(launch.tier), "tier_choices": [(t, rubric.tier_name(t)) for t in rubric.tiers],
        "needs_confirmation": tiering.needs_confirmation(launch.tier),
        "lead_codes": selectors.lead_codes_of(membership=membership) if membership.can_edit else set(),
        "lead_days": tiering.lead_days(launch.tier),
        "decisions": selectors.go_decisions_of(launch=launch), "statuses": ItemForm.base_fields["status"].choices,
        "score_form": extra.pop("score_form", None) or ScoreForm(rubric=rubric, initial_scores=launch.scores),
        "go_form": extra.pop("go_form", None) or GoForm(),
        **extra,
    }


@login_required
@require_GET
def launch(request, ws, cycle, launch_id):
    membership, launch = _launch(request, ws, cycle, launch_id)
    return render(request, "launches/launch.html", _launch_context(membership, launch))


@login_required
@require_POST
def launch_score(request, ws, cycle, launch_id):
    membership, launch = _launch(request, ws, cycle, launch_id, Access.EDITOR)
    rubric = selectors.rubric_of(workspace_id=launch.cycle.workspace_id)
    form = ScoreForm(request.POST, rubric=rubric)
    if form.is_valid():
        suggested = services.launch_score(launch=launch, scores=form.scores())
        messages.success(request, f"Scored: the rubric suggests {rubric.tier_name(suggested)}.")
        return redirect("launches:launch", ws, launch.cycle.slug, launch.pk)
    return render(request, "launches/launch.html", _launch_context(membership, launch, score_form=form), status=422)


@login_required
@require_POST
def tier_confirm(request, ws, cycle, launch_id):
    membership, launch = _launch(request, ws, cycle, launch_id, Access.EDITOR)
    as_code = request.POST.get("as", "")
    try:
        services.tier_confirm(launch=launch, membership=membership, as_code=as_code)
    except services.InvalidInput as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Confirmed the tier as the {as_code} lead.")
    return redirect("launches:launch", ws, launch.cycle.slug, launch.pk)


@login_required
@require_POST
def item_update(request, ws, cycle, launch_id, item_id):
    membership, launch = _launch(request, ws, cycle, launch_id, Access.EDITOR)
    form = ItemForm(request.POST)
    error = None
    try:
        if not form.is_valid():
            raise services.InvalidInput("Pick a status: to do, in progress, done or waived.", "status")
        services.item_update(launch=launch, item_id=item_id, status=form.cleaned_data["status"],
                             waive_reason=form.cleaned_data["waive_reason"])
    except services.NotFound:
        raise Http404("No such checklist item") from None
    except services.InvalidInput as exc:
        error = exc.message
    if _htmx(request):
        context = _launch_context(membership, launch)
        context["item"] = next((i for i in context["items"] if i.pk == item_id), None)
        context["item_error"] = error
        return _render(request, "launches/launch.html#item_update", context, status=422 if error else 200)
    if error:
        messages.error(request, error)
    return redirect("launches:launch", ws, launch.cycle.slug, launch.pk)


@login_required
@require_POST
def go_decision(request, ws, cycle, launch_id):
    membership, launch = _launch(request, ws, cycle, launch_id, Access.EDITOR)
    form = GoForm(request.POST)
    if form.is_valid():
        try:
            decision = services.go_record(launch=launch, decision=form.cleaned_data["decision"],
                                          notes=form.cleaned_data["notes"], actor=request.user)
        except services.InvalidInput as error:
            form.add_error("decision", error.message)
        else:
            messages.success(request, f"Recorded: {decision.get_decision_display().lower()}.")
            return redirect("launches:launch", ws, launch.cycle.slug, launch.pk)
    return render(request, "launches/launch.html", _launch_context(membership, launch, go_form=form), status=422)
