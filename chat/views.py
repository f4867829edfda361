"""The chat door: Slack's slash command and Teams' outgoing webhook (unauthenticated POSTs,
each verified as its service signs it), and the admins' set-up page.

A request that is unsigned, wrongly signed, stale, replayed, or for a workspace without
that service set up gets the same refusal, which says nothing about any workspace.
"""

from __future__ import annotations

import json
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from chat import answers, asides, forms, guard, selectors, services, signing, slack, teams
from chat.models import ChatSetup
from core.errors import Conflict
from core.links import absolute
from core.responses import render_varied, vary_on_htmx
from raci import selectors as raci_selectors
from raci.matrix_access import matrix_for
from workspaces.access import membership_for
from workspaces.models import Access

BODY_MAX = 64 * 1024
NOT_SIGNED = "This request is not signed as Lockstep expects, so it was not answered."
BUSY = "Lockstep is answering many questions from this workspace just now. Ask again in a minute."
CHANNEL_REFUSED = "Lockstep does not answer in this channel. A workspace admin chooses the channels that may ask."


def _refused(status: int = 401) -> HttpResponse:
    return HttpResponse(NOT_SIGNED, status=status, content_type="text/plain; charset=utf-8")


def _body(request, content_type: str) -> bytes | None:
    """The raw body when it is of the kind the service sends and not too large; else None."""
    if request.content_type != content_type:
        return None
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if not 0 < length <= BODY_MAX:
        return None
    return request.body


def _allowed(setup: ChatSetup, channels: list[str]) -> bool:
    listed = setup.channel_list
    return not listed or any(c.casefold() in listed for c in channels if c)


def _answer_of(setup: ChatSetup, channels: list[str], text: str) -> answers.Answer:
    if not _allowed(setup, channels):
        return answers.refusal(CHANNEL_REFUSED)
    if not guard.within_rate(setup.workspace_id):
        return answers.refusal(BUSY)
    return answers.answer_of(workspace=setup.workspace, text=text)


@csrf_exempt
@require_POST
def slack_command(request, ws):
    body = _body(request, "application/x-www-form-urlencoded")
    if body is None:
        return _refused(400)
    setup = selectors.setup_of(slug=ws)
    signature = request.headers.get("X-Slack-Signature")
    verified = setup is not None and signing.slack_verified(
        secret=setup.slack_signing_secret,
        timestamp=request.headers.get("X-Slack-Request-Timestamp"),
        signature=signature,
        body=body,
        now=time.time(),
    )
    # A signature is unique to its timestamp and body: seen twice, the second is a replay.
    if not verified or setup is None or signature is None or not guard.first_time("slack", signature):
        return _refused()
    if request.POST.get("ssl_check"):
        return HttpResponse(status=200)
    channels = [request.POST.get("channel_id", ""), request.POST.get("channel_name", "")]
    answer = _answer_of(setup, channels, request.POST.get("text", ""))
    return JsonResponse(slack.message_of(answer))


def _dict(value: object) -> dict:
    return value if isinstance(value, dict) else {}


def _teams_channels(message: dict) -> list[str]:
    data = _dict(message.get("channelData"))
    conversation = _dict(message.get("conversation"))
    found = [_dict(data.get("channel")).get("id"), data.get("teamsChannelId"), str(conversation.get("id") or "")]
    # A thread's conversation id is the channel's with ";messageid=…" after it.
    return [c.split(";")[0] for c in found if isinstance(c, str) and c]


@csrf_exempt
@require_POST
def teams_message(request, ws):
    body = _body(request, "application/json")
    if body is None:
        return _refused(400)
    setup = selectors.setup_of(slug=ws)
    if setup is None or not signing.teams_verified(
        token=setup.teams_security_token, authorization=request.headers.get("Authorization"), body=body
    ):
        return _refused()
    try:
        message = json.loads(body)
    except (ValueError, RecursionError):  # not JSON, or nested past what the parser follows
        return _refused(400)
    ident = message.get("id") if isinstance(message, dict) else None
    if not isinstance(ident, str) or not 0 < len(ident) <= 200:
        return _refused(400)
    if not signing.teams_time_ok(message.get("timestamp"), now=timezone.now()):
        return _refused()
    if not guard.first_time(f"teams:{setup.workspace_id}", ident):
        return _refused()
    text = message.get("text") if isinstance(message.get("text"), str) else ""
    return JsonResponse(teams.message_of(_answer_of(setup, _teams_channels(message), text)))


@login_required
@require_GET
def most_asked(request, ws, m):
    """The matrix page's "most asked" when the cache did not know it: read, kept, shown."""
    matrix = matrix_for(request, ws, m)
    most = selectors.most_asked_fill(matrix_id=matrix.pk)
    rows = asides.rows_of(raci_selectors.matrix_grid(matrix=matrix, check=False), most) if most else []
    if not rows:
        return vary_on_htmx(HttpResponse(""))
    return render_varied(request, "chat/most_asked_aside.html", {"aside": {"rows": rows}})


# --- the set-up page -------------------------------------------------------------------------


def _manifest(slack_url: str) -> str:
    """The Slack app manifest an admin pastes in "Create an app → From a manifest"."""
    manifest = {
        "display_information": {"name": "Lockstep", "description": "Who owns what, from your RACI matrix"},
        "features": {
            "bot_user": {"display_name": "Lockstep", "always_online": False},
            "slash_commands": [
                {
                    "command": "/lockstep",
                    "url": slack_url,
                    "description": "Who owns an activity, or a launch's readiness items",
                    "usage_hint": "who owns pricing [in <matrix>] [for <launch>]",
                    "should_escape": False,
                }
            ],
        },
        "oauth_config": {"scopes": {"bot": ["commands"]}},
        "settings": {"org_deploy_enabled": False, "socket_mode_enabled": False, "token_rotation_enabled": False},
    }
    return json.dumps(manifest, indent=2)


def _setup_page(request, membership, *, bound=None, status=200, problem=""):
    workspace = membership.workspace
    setup = selectors.setup_for(workspace=workspace)
    initial = {"version": setup.version}
    built = {
        "slack_form": forms.SlackForm(initial=initial, prefix="slack"),
        "teams_form": forms.TeamsForm(initial=initial, prefix="teams"),
        "channels_form": forms.ChannelsForm(initial={**initial, "channels": setup.channels}, prefix="channels"),
    }
    if bound is not None:
        built[bound[0]] = bound[1]
    slack_url = absolute(reverse("chat:slack", args=[workspace.slug]))
    return render(
        request,
        "chat/setup.html",
        {
            "membership": membership,
            "workspace": workspace,
            "setup": setup,
            "slack_url": slack_url,
            "teams_url": absolute(reverse("chat:teams", args=[workspace.slug])),
            "manifest": _manifest(slack_url),
            "most_asked": selectors.most_asked_of(workspace=workspace),
            "rate": settings.CHAT_QUESTIONS_PER_MINUTE,
            "problem": problem,
            **built,
        },
        status=status,
    )


@login_required
@require_GET
def setup_page(request, ws):
    # The page takes the services' secrets: admins only.
    return _setup_page(request, membership_for(request, ws, needs=Access.ADMIN))


FORMS = {"slack": ("slack_form", forms.SlackForm), "teams": ("teams_form", forms.TeamsForm)}
FORGET = {"forget-slack": "slack_signing_secret", "forget-teams": "teams_security_token"}
DONE = {
    "slack": "Slack signing secret saved: /lockstep answers from now on.",
    "teams": "Teams security token saved: @Lockstep answers from now on.",
    "channels": "Channels saved.",
    "forget-slack": "Slack signing secret removed: /lockstep is refused until a new one is saved.",
    "forget-teams": "Teams security token removed: @Lockstep is refused until a new one is saved.",
}


@login_required
@require_POST
def setup_action(request, ws, action):
    membership = membership_for(request, ws, needs=Access.ADMIN)
    if action not in DONE:
        raise Http404("No such action")
    if action in FORGET:
        form: forms.VersionedForm = forms.VersionedForm(request.POST)
        key, changes = "", {FORGET[action]: ""}
    elif action == "channels":
        form, key = forms.ChannelsForm(request.POST, prefix="channels"), "channels_form"
    else:
        key, form_class = FORMS[action]
        form = form_class(request.POST, prefix=action)
    if not form.is_valid():
        if not key:
            return _setup_page(request, membership, status=422, problem="The page was out of date: try again.")
        return _setup_page(request, membership, bound=(key, form), status=422)
    if action not in FORGET:
        changes = {k: v for k, v in form.cleaned_data.items() if k != "version"}
    try:
        services.chat_setup_save(
            workspace=membership.workspace, expected_version=form.cleaned_data["version"], **changes
        )
    except Conflict as error:
        return _setup_page(request, membership, status=error.status, problem=error.message)
    messages.success(request, DONE[action])
    return redirect("chat:setup", ws)
