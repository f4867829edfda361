"""Launch cycles, the tiering rubric and the tiering board."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import InvalidInput
from core.responses import is_htmx, render_varied, show_on_form
from launches import relay_selectors, selectors, services
from launches.forms import CandidatesUploadForm, CycleForm, RubricForm, TierForm
from launches.views.common import board_context, cycle_for, launch_for, launch_form
from workspaces.access import membership_for
from workspaces.models import Access


@login_required
@require_http_methods(["GET", "POST"])
def cycles(request, ws):
    membership = membership_for(request, ws, needs=Access.EDITOR if request.method == "POST" else Access.VIEWER)
    form = CycleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cycle = services.cycle_create(workspace=membership.workspace, quarter=form.cleaned_data["quarter"])
        except InvalidInput as error:
            form.add_error("quarter", error.message)
        else:
            messages.success(request, f"Opened {cycle.name}. Add its candidate launches.")
            if request.POST.get("next") == "calendar":
                return redirect("launches:calendar", ws, cycle.slug)
            return redirect("launches:cycle", ws, cycle.slug)
    return render(
        request,
        "launches/cycles.html",
        {
            "membership": membership,
            "workspace": membership.workspace,
            "form": form,
            "cycles": selectors.cycles_of(workspace=membership.workspace),
            "editable": membership.can_edit,
        },
        status=422 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def rubric(request, ws):
    membership = membership_for(request, ws, needs=Access.ADMIN if request.method == "POST" else Access.VIEWER)
    current = selectors.rubric_of(workspace_id=membership.workspace.pk)
    form = RubricForm(request.POST or None, initial=RubricForm.initial_for(current))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.rubric_update(
                workspace=membership.workspace,
                questions=data["questions"],
                thresholds=data["thresholds"],
                tier_names=data["tier_names"],
                lead_weeks=data["lead_weeks"],
            )
        except InvalidInput as error:
            form.add_error(
                {"thresholds": "threshold_1", "tier_names": "tier_1", "lead_weeks": "lead_1"}.get(
                    error.field, error.field if error.field in form.fields else None
                ),
                error.message,
            )
        else:
            messages.success(request, "Rubric saved.")
            return redirect("launches:rubric", ws)
    return render(
        request,
        "launches/rubric.html",
        {
            "membership": membership,
            "workspace": membership.workspace,
            "form": form,
            "rubric": current,
            "editable": membership.is_admin,
            "handover_days": relay_selectors.handover_days_of(workspace_id=membership.workspace.pk),
        },
        status=422 if form.errors else 200,
    )


@login_required
@require_GET
def cycle(request, ws, cycle):
    membership, cycle = cycle_for(request, ws, cycle)
    return render_varied(
        request,
        "launches/cycle.html#board" if is_htmx(request) else "launches/cycle.html",
        board_context(membership, cycle, form=launch_form(membership.workspace)),
    )


@login_required
@require_POST
def launch_add(request, ws, cycle):
    membership, cycle = cycle_for(request, ws, cycle, Access.EDITOR)
    form = launch_form(membership.workspace, request.POST)
    if form.is_valid():
        try:
            data = form.cleaned_data
            launch = services.launch_create(
                cycle=cycle,
                name=data["name"],
                summary=data["summary"],
                pm_owner_id=data["pm_owner"],
                pmm_owner_id=data["pmm_owner"],
                matrix_id=data["matrix"],
                ship_date=data["ship_date"],
                launch_date=data["launch_date"],
            )
        except InvalidInput as error:
            show_on_form(form, error)
        else:
            messages.success(request, f"Added {launch.name}. Score it to get a suggested tier.")
            return redirect("launches:cycle", ws, cycle.slug)
    return render(request, "launches/cycle.html", board_context(membership, cycle, form=form), status=422)


@login_required
@require_POST
def launches_import(request, ws, cycle):
    """Candidates from a CSV file: all of them, or none and every problem listed."""
    membership, cycle = cycle_for(request, ws, cycle, Access.EDITOR)
    upload_form = CandidatesUploadForm(request.POST, request.FILES)
    import_errors, filename = [], ""
    if upload_form.is_valid():
        try:
            added = services.launches_import(
                cycle=cycle, data=upload_form.cleaned_data["file"].read(), by_email=membership.access == Access.ADMIN
            )
        except services.ImportRefused as error:
            filename = upload_form.cleaned_data["file"].name
            upload_form.add_error("file", error.message)
            import_errors = error.errors
        else:
            messages.success(request, f"Added {len(added)} launch{'es' if len(added) != 1 else ''} from the file.")
            return redirect("launches:cycle", ws, cycle.slug)
    return render(
        request,
        "launches/cycle.html",
        board_context(
            membership,
            cycle,
            form=launch_form(membership.workspace),
            upload_form=upload_form,
            import_errors=import_errors,
            import_filename=filename,
        ),
        status=422,
    )


@login_required
@require_POST
def launch_tier(request, ws, cycle, launch_id):
    """Move a launch to a tier: from the board (htmx answers with the board) or its page."""
    membership, launch = launch_for(request, ws, cycle, launch_id, Access.EDITOR)
    form = TierForm(request.POST)
    # An invalid form (a reason too long) is refused like the service refuses: nothing saved,
    # the message on the card.
    error = None if form.is_valid() else form.first_error()
    if error is None:
        try:
            launch = services.launch_set_tier(
                launch=launch, tier=form.tier_value(), reason=form.cleaned_data["reason"], actor=membership
            )
        except InvalidInput as exc:
            error = exc.message
    if is_htmx(request):
        # The page's number moves with the board it gets, read first (launches.views.common):
        # its next poll then fetches only what someone else changed.
        cycle = launch.cycle
        cycle.refresh_from_db(fields=["version"])
        context = board_context(membership, cycle)
        card = context["board"].card(launch.pk)
        if error and card:
            card.error, card.reason = error, form.data.get("reason", "")
        return render_varied(request, "launches/cycle.html#board-response", context, status=422 if error else 200)
    if error:
        messages.error(request, error)
    else:
        messages.success(
            request,
            f"{launch.name}: {selectors.rubric_of(workspace_id=launch.cycle.workspace_id).tier_name(launch.tier)}.",
        )
    if request.POST.get("next") == "launch":
        return redirect("launches:launch", ws, launch.cycle.slug, launch.pk)
    return redirect("launches:cycle", ws, launch.cycle.slug)
