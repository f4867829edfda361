"""Share links: the pages anyone with the address reads (`/s/<secret>/`, no sign-in), and the
workspace's side (`/w/<ws>/share/`): making links, the admins' list, revoking, embedding, and
who may make them."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.csp import CSP
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import slides
from core.bounds import query_int
from core.errors import Forbidden, InvalidInput, NotFound
from core.responses import show_on_form
from launches.models import Launch
from raci.models import Matrix
from sharing import decks, selectors, services, throttle
from sharing.forms import NewLinkForm, OriginsForm, PolicyForm
from sharing.models import Kind, ShareLink
from workspaces.access import membership_for
from workspaces.models import Access

# Public pages


def _live_or_404(request, share: str) -> ShareLink | HttpResponse:
    """The link behind the address, or a 404 that says nothing of why (made up, expired,
    revoked or switched off all look alike); 429 past the address's rate limit."""
    wait = throttle.retry_after(request)
    if wait is not None:
        response = HttpResponse("Too many requests: try again in a minute.", status=429, content_type="text/plain")
        response["Retry-After"] = str(wait)
        return _public(response, None)
    link = selectors.live_link(share)
    if link is None:
        throttle.missed(request)
        raise Http404("No such page")
    return link


def _public(response: HttpResponse, link: ShareLink | None) -> HttpResponse:
    """What every answer under /s/ carries: kept out of search engines, caches and referrers;
    framed only by the origins an admin listed for the link (else by nobody)."""
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "no-store"
    origins = link.origins if link is not None else []
    response._csp_config = {**settings.SECURE_CSP, "frame-ancestors": origins or [CSP.NONE]}  # type: ignore[attr-defined]
    if origins:
        # Its own frame-ancestors says who may frame it; X-Frame-Options would forbid them all.
        response.xframe_options_exempt = True
    return response


TEMPLATES = {
    Kind.MATRIX: "sharing/shared_matrix.html",
    Kind.QUARTER: "sharing/shared_quarter.html",
    Kind.LAUNCH: "sharing/shared_launch.html",
    Kind.PREREAD: "sharing/shared_preread.html",
}


@require_GET
def shared(request, share):
    found = _live_or_404(request, share)
    if isinstance(found, HttpResponse):
        return found
    link = found
    services.link_viewed(link=link)
    names = not link.hide_names
    context: dict = {"link": link, "what": selectors.what_of(link), "names": names}
    context["version"] = selectors.version_of(link)
    context["poll_seconds"] = settings.SHARE_POLL_SECONDS
    context["deck"] = decks.offers_deck(link)
    if link.kind == Kind.MATRIX:
        context["view"] = selectors.matrix_view(link=link, page=query_int(request.GET.get("page")))
    elif link.kind == Kind.LAUNCH:
        context.update(selectors.launch_view(link=link, names=names))
    else:
        context.update(selectors.quarter_view(link=link, names=names))
    response = render(request, TEMPLATES[Kind(link.kind)], context)
    if link.hide_names:
        # The page leaves names out; this guard catches any that a shared renderer put in.
        text = response.content.decode()
        response.content = selectors.hide_names(text, selectors.names_of(workspace=link.workspace)).encode()
    return _public(response, link)


@require_GET
def shared_slides(request, share):
    """What the page shows as slides, when its link allows downloads. A link that does not
    (or whose kind has no deck) answers the same 404 as one that does not exist."""
    found = _live_or_404(request, share)
    if isinstance(found, HttpResponse):
        return found
    if not decks.offers_deck(found):
        raise Http404("No such page")
    services.link_viewed(link=found)
    body, filename = decks.deck_of(found)
    return _public(slides.download(body, filename=filename), found)


@require_GET
def shared_changes(request, share):
    """Has what the link shows changed since version `since`? 204 when not, else 200 with
    the version now (the page reloads). A link that stopped working is a 404 here too."""
    found = _live_or_404(request, share)
    if isinstance(found, HttpResponse):
        return found
    version = selectors.version_of(found)
    if query_int(request.GET.get("since")) == version:
        return _public(HttpResponse(status=204), found)
    return _public(JsonResponse({"version": version}), found)


# The workspace's side


def _page(request, membership, **extra):
    workspace = membership.workspace
    targets = selectors.targets_of(workspace=workspace)
    links = selectors.links_of(workspace=workspace, user=None if membership.is_admin else request.user)
    context = {
        "membership": membership,
        "workspace": workspace,
        "may_create": services.may_create(membership),
        "is_admin": membership.is_admin,
        "links": [(link, selectors.what_of(link), link.is_live()) for link in links],
        "form": extra.pop("form", None)
        or NewLinkForm(
            matrices=targets["matrices"], launches=targets["launches"], initial={"days": services.DEFAULT_DAYS}
        ),
        "policy_form": PolicyForm(initial={"share_links_by": workspace.share_links_by}),
        **extra,
    }
    return context


def _member(request, ws):
    """Admins manage every link; anyone the workspace lets make links manages their own."""
    membership = membership_for(request, ws)
    if not (membership.is_admin or services.may_create(membership)):
        raise Forbidden("Your access to this workspace does not allow making share links.")
    return membership


@login_required
@require_http_methods(["GET", "POST"])
def links(request, ws):
    """The links (every one for admins, their own for others) and the form for a new one;
    a new link's address is shown once, on the answer to the POST."""
    membership = _member(request, ws)
    if request.method == "GET":
        return render(request, "sharing/links.html", _page(request, membership))
    targets = selectors.targets_of(workspace=membership.workspace)
    form = NewLinkForm(request.POST, matrices=targets["matrices"], launches=targets["launches"])
    if form.is_valid():
        try:
            made = services.link_create(
                membership=membership,
                target=_target(membership.workspace, form.cleaned_data),
                days=form.cleaned_data["days"],
                hide_names=form.hide_names,
                allow_downloads=form.cleaned_data["allow_downloads"],
            )
        except (NotFound, InvalidInput) as error:
            show_on_form(form, error, default="kind")
        else:
            address = request.build_absolute_uri(f"/s/{made.secret}/")
            context = _page(request, membership, new=made.link, address=address)
            return render(request, "sharing/links.html", context, status=201)
    return render(request, "sharing/links.html", _page(request, membership, form=form), status=422)


def _target(workspace, data) -> services.Target:
    kind = data["kind"]
    if kind == Kind.MATRIX:
        matrix = Matrix.objects.select_related("workspace").filter(workspace=workspace, pk=data["matrix"]).first()
        return services.Target(kind, matrix=matrix)
    if kind == Kind.LAUNCH:
        launch = Launch.objects.select_related("cycle").filter(cycle__workspace=workspace, pk=data["launch"]).first()
        return services.Target(kind, launch=launch)
    quarter = data["quarter"]
    return services.Target(kind, year=int(quarter[:4]), quarter=int(quarter[-1]))


@login_required
@require_POST
def link_revoke(request, ws, link_id):
    membership = _member(request, ws)
    services.link_revoke(link_id=link_id, workspace=membership.workspace, actor=request.user)
    messages.success(request, "Revoked: the link no longer works.")
    return redirect("sharing:links", ws)


@login_required
@require_POST
def link_origins(request, ws, link_id):
    """Which sites may embed the link's page: admins only."""
    membership = membership_for(request, ws, needs=Access.ADMIN)
    form = OriginsForm(request.POST)
    if form.is_valid():
        try:
            services.link_origins_set(
                link_id=link_id, workspace=membership.workspace, origins=form.cleaned_data["frame_origins"]
            )
        except InvalidInput as error:
            messages.error(request, error.message)
            return redirect("sharing:links", ws)
        messages.success(request, "Saved the sites that may embed the link.")
    else:
        messages.error(request, "; ".join(e for errors in form.errors.values() for e in errors))
    return redirect("sharing:links", ws)


@login_required
@require_POST
def policy(request, ws):
    """Who may make share links: admins only. Nobody revokes every link."""
    membership = membership_for(request, ws, needs=Access.ADMIN)
    form = PolicyForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Pick who may make share links.")
        return redirect("sharing:links", ws)
    revoked = services.sharing_policy_set(
        workspace=membership.workspace, who=form.cleaned_data["share_links_by"], actor=request.user
    )
    if revoked:
        messages.success(request, f"Sharing is off: {revoked} link{'s' if revoked != 1 else ''} revoked.")
    else:
        messages.success(request, "Saved who may make share links.")
    return redirect("sharing:links", ws)


def section(membership, errors=None) -> dict:
    """The workspace settings' "Share links" section (workspaces.settings_sections)."""
    return {
        "live": selectors.live_count(workspace=membership.workspace) if membership.is_admin else 0,
        "policy": membership.workspace.get_share_links_by_display(),
    }
