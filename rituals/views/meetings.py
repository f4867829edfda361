"""The team's rituals (the list, a ritual's page, adding and editing, pausing, deleting)
and the page of one meeting, where notes are taken per agenda section and decisions go
to a matrix's decision log."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import InvalidInput
from core.responses import is_htmx, render_varied, show_on_form
from launches import relay_selectors
from launches import selectors as launches_selectors
from launches.forms import TierForm
from rituals import cadence, selectors, services
from rituals.forms import MeetingDecisionForm, NotesForm, RitualForm
from workspaces.access import membership_for
from workspaces.models import Access


def _ritual_for(request, ws, ritual_id, needs=Access.VIEWER):
    membership = membership_for(request, ws, needs=needs)
    ritual = selectors.ritual_get(workspace=membership.workspace, ritual_id=ritual_id)
    if ritual is None:
        raise Http404("No such ritual")
    return membership, ritual


def _ritual_form(workspace, data=None, initial=None):
    return RitualForm(
        data,
        initial=initial,
        roles=selectors.roles_for_choice(workspace=workspace),
        members=launches_selectors.members_for_choice(workspace=workspace),
        matrices=launches_selectors.matrices_for_choice(workspace=workspace),
        time_zone=workspace.time_zone,
    )


@login_required
@require_http_methods(["GET", "POST"])
def rituals(request, ws):
    membership = membership_for(request, ws, needs=Access.EDITOR if request.method == "POST" else Access.VIEWER)
    form = _ritual_form(membership.workspace, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ritual = services.ritual_create(workspace=membership.workspace, **form.service_kwargs())
        except InvalidInput as error:
            show_on_form(form, error)
        else:
            messages.success(request, f"Added {ritual.name}.")
            return redirect("rituals:ritual", ws, ritual.pk)
    return render(
        request,
        "rituals/rituals.html",
        {
            "membership": membership,
            "workspace": membership.workspace,
            "form": form,
            "editable": membership.can_edit,
            "rituals": selectors.rituals_of(workspace=membership.workspace, today=membership.workspace.today()),
        },
        status=422 if form.errors else 200,
    )


@login_required
@require_GET
def ritual(request, ws, ritual_id):
    membership, ritual = _ritual_for(request, ws, ritual_id)
    today = membership.workspace.today()
    coming, past = selectors.meetings_of(ritual=ritual, today=today)
    return render(
        request,
        "rituals/ritual.html",
        {
            "membership": membership,
            "workspace": membership.workspace,
            "ritual": ritual,
            "coming": coming,
            "past": past,
            "editable": membership.can_edit,
            "today": today,
            "decision_log": selectors.decision_log_of(ritual=ritual),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def ritual_edit(request, ws, ritual_id):
    membership, ritual = _ritual_for(request, ws, ritual_id, Access.EDITOR)
    form = _ritual_form(
        membership.workspace, request.POST or None, initial=RitualForm.initial_for(ritual, membership.workspace.today())
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.ritual_update(ritual=ritual, **form.service_kwargs())
        except InvalidInput as error:
            show_on_form(form, error)
        else:
            messages.success(request, "Ritual saved.")
            return redirect("rituals:ritual", ws, ritual.pk)
    return render(
        request,
        "rituals/ritual_edit.html",
        {
            "membership": membership,
            "workspace": membership.workspace,
            "ritual": ritual,
            "form": form,
        },
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def ritual_pause(request, ws, ritual_id):
    """Pause (`paused=1`) or resume (`paused=0`); htmx gets the ritual's row of the list."""
    membership, ritual = _ritual_for(request, ws, ritual_id, Access.EDITOR)
    paused = request.POST.get("paused", "1") != "0"
    services.ritual_pause(ritual=ritual, paused=paused)
    if is_htmx(request):
        ritual = selectors.ritual_get(workspace=membership.workspace, ritual_id=ritual.pk)
        ritual.next_on = None if ritual.paused else ritual.next_date(membership.workspace.today())
        return render_varied(
            request,
            "rituals/rituals.html#ritual_row",
            {"workspace": membership.workspace, "ritual": ritual, "editable": True},
        )
    messages.success(request, f"{ritual.name} {'paused' if paused else 'resumed'}.")
    return redirect("rituals:rituals", ws)


@login_required
@require_http_methods(["GET", "POST"])
def ritual_delete(request, ws, ritual_id):
    """GET asks first, saying which notes would go (no script: the CSP allows no inline
    confirm); the POST from that page deletes."""
    membership, ritual = _ritual_for(request, ws, ritual_id, Access.EDITOR)
    if request.method == "GET":
        return render(
            request,
            "rituals/ritual_delete.html",
            {
                "membership": membership,
                "workspace": membership.workspace,
                "ritual": ritual,
                "loss": selectors.ritual_loss_of(ritual=ritual),
            },
        )
    # Deleted by someone else in between: NotFound, a 404 (core.responses).
    services.ritual_delete(workspace=membership.workspace, ritual_id=ritual.pk)
    messages.success(request, "Ritual deleted; the decisions taken at it stay in the decision log.")
    return redirect("rituals:rituals", ws)


def _meeting_for(request, ws, ritual_id, day, needs=Access.VIEWER):
    membership, ritual = _ritual_for(request, ws, ritual_id, needs)
    occurrence = selectors.occurrence_of(ritual=ritual, day=day)
    if occurrence is None and not ritual.series.is_on(day):
        raise Http404("The ritual does not meet that day")
    return membership, ritual, occurrence


def _meeting_context(membership, ritual, day, occurrence, **extra):
    workspace = membership.workspace
    notes = cadence.notes_for(ritual.sections, occurrence.notes if occurrence else [])
    matrices = launches_selectors.matrices_for_choice(workspace=workspace)
    return {
        "membership": membership,
        "workspace": workspace,
        "ritual": ritual,
        "day": day,
        "occurrence": occurrence,
        "notes": notes,
        "editable": membership.can_edit,
        "matrices": matrices,
        "decisions": selectors.occurrence_decisions_of(occurrence=occurrence),
        "notes_form": extra.pop("notes_form", None) or NotesForm(sections=notes),
        "decision_form": extra.pop("decision_form", None)
        or MeetingDecisionForm(
            matrices=matrices,
            members=launches_selectors.members_for_choice(workspace=workspace),
            initial={
                "matrix": selectors.decision_matrix_of(ritual=ritual, occurrence=occurrence),
                "decided_by": membership.user_id,
            },
        ),
        "minutes": cadence.agenda_minutes(notes),
        "candidates": selectors.meeting_candidates_of(ritual=ritual, day=day, today=workspace.today()),
        "readouts": selectors.readouts_due_of(ritual=ritual, day=day),
        "checkpoints": relay_selectors.open_checkpoints(membership=membership),
        **extra,
    }


@login_required
@require_GET
def occurrence(request, ws, ritual_id, day):
    membership, ritual, occurrence = _meeting_for(request, ws, ritual_id, day)
    return render(request, "rituals/occurrence.html", _meeting_context(membership, ritual, day, occurrence))


@login_required
@require_POST
def occurrence_notes(request, ws, ritual_id, day):
    membership, ritual, occurrence = _meeting_for(request, ws, ritual_id, day, Access.EDITOR)
    form = NotesForm(request.POST, sections=cadence.notes_for(ritual.sections, occurrence.notes if occurrence else []))
    if form.is_valid():
        try:
            occurrence = services.occurrence_notes_save(ritual=ritual, day=day, texts=form.texts())
        except InvalidInput as error:
            show_on_form(form, error)
    if form.errors:
        context = _meeting_context(membership, ritual, day, occurrence, notes_form=form)
        return render_varied(
            request,
            "rituals/occurrence.html#notes" if is_htmx(request) else "rituals/occurrence.html",
            context,
            status=422,
        )
    if is_htmx(request):
        context = _meeting_context(membership, ritual, day, occurrence, saved=True)
        return render_varied(request, "rituals/occurrence.html#notes", context)
    messages.success(request, "Notes saved.")
    return redirect("rituals:occurrence", ws, ritual.pk, day)


@login_required
@require_POST
def occurrence_decision(request, ws, ritual_id, day):
    membership, ritual, occurrence = _meeting_for(request, ws, ritual_id, day, Access.EDITOR)
    workspace = membership.workspace
    form = MeetingDecisionForm(
        request.POST,
        matrices=launches_selectors.matrices_for_choice(workspace=workspace),
        members=launches_selectors.members_for_choice(workspace=workspace),
    )
    if form.is_valid():
        try:
            services.occurrence_decide(
                ritual=ritual,
                day=day,
                matrix_id=form.cleaned_data["matrix"],
                what=form.cleaned_data["what"],
                why=form.cleaned_data["why"],
                decided_by_id=form.cleaned_data["decided_by"],
                review_on=form.cleaned_data["review_on"],
                actor=request.user,
            )
        except InvalidInput as error:
            show_on_form(form, error)
    if not form.errors and not is_htmx(request):
        messages.success(request, "Decision logged.")
        return redirect("rituals:occurrence", ws, ritual.pk, day)
    occurrence = selectors.occurrence_of(ritual=ritual, day=day)
    context = _meeting_context(membership, ritual, day, occurrence, decision_form=form if form.errors else None)
    return render_varied(
        request,
        "rituals/occurrence.html#decisions" if is_htmx(request) else "rituals/occurrence.html",
        context,
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def occurrence_tier(request, ws, ritual_id, day, launch_id):
    """The room tiers a candidate at the tiering meeting; the decision goes to the log."""
    membership, ritual, occurrence = _meeting_for(request, ws, ritual_id, day, Access.EDITOR)
    launch = launches_selectors.launch_in_workspace(workspace=membership.workspace, launch_id=launch_id)
    if launch is None:
        raise Http404("No such launch")
    form = TierForm(request.POST)
    back = f"{reverse('rituals:occurrence', args=[ws, ritual.pk, day])}#candidate-{launch.pk}"
    if not form.is_valid():
        messages.error(request, f"{launch.name}: {form.first_error()}")
        return redirect(back)
    try:
        launch, decision = services.meeting_tier_set(
            ritual=ritual,
            day=day,
            launch=launch,
            tier=form.tier_value(),
            reason=form.cleaned_data["reason"],
            actor=membership,
            matrix_id=selectors.decision_matrix_of(ritual=ritual, occurrence=occurrence),
        )
    except InvalidInput as refused:
        messages.error(request, f"{launch.name}: {refused.message}")
    else:
        messages.success(request, f"{launch.name} tiered{', and logged' if decision else ''}.")
    return redirect(back)
