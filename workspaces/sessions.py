"""What a session proves (signed in by SSO, and when; two-factor used), the refusals a
workspace's sign-in rules give a session, and the cap on an SSO session's length.

Reads only the session, which the request has loaded already (from the cache): the checks
cost the pages (and the cell edit) no query, and neither does the SSO cap, which runs as
middleware before every view. The sign-in library records each way a session was
authenticated under `account_authentication_methods` (method, time, provider), for the user
named under `account_authentication_methods_user`; the session names its signed-in user
under Django's own key.
"""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.urls import NoReverseMatch, reverse
from django_htmx.http import HttpResponseClientRedirect

from core.errors import Forbidden
from workspaces import providers

METHODS_KEY = "account_authentication_methods"
METHODS_USER_KEY = "account_authentication_methods_user"
SSO_METHOD = "socialaccount"
TWO_FACTOR_METHOD = "mfa"


def _records(request) -> list[dict]:
    """The session's ways of signing in, when they are its signed-in user's. The user's id
    comes from the session, not from `request.user`: loading the user is a query, and the
    SSO cap asks before every view, a stream's included (under ASGI, in a thread and on a
    database connection of the request's own; a burst of pages opening streams would open
    one connection each)."""
    session = getattr(request, "session", None)
    if session is None:
        return []
    signed_in = session.get(SESSION_KEY)
    if signed_in is None or str(session.get(METHODS_USER_KEY, "")) != str(signed_in):
        return []
    records = session.get(METHODS_KEY)
    return [r for r in records if isinstance(r, dict)] if isinstance(records, list) else []


def sso_signed_in_at(request) -> float | None:
    """When this session last signed in through an identity provider (a Unix time), or None."""
    times = [r.get("at") for r in _records(request) if r.get("method") == SSO_METHOD]
    numbers = [t for t in times if isinstance(t, int | float) and not isinstance(t, bool)]
    return max(numbers) if numbers else None


def sso_session_ends_at(request) -> float | None:
    """When this session's SSO cap ends (a Unix time): SSO_SESSION_HOURS after its last SSO
    sign-in; None for a session not signed in by SSO, which the cap does not end."""
    at = sso_signed_in_at(request)
    return at + settings.SSO_SESSION_HOURS * 3600 if at is not None else None


def used_two_factor(request) -> bool:
    return any(r.get("method") == TWO_FACTOR_METHOD for r in _records(request))


def sso_sign_in_url(next_path: str = "") -> str:
    """Where a person signs in through the identity provider: the sign-in page, which
    offers "Sign in with …" (or the one provider's own start when there is exactly one)."""
    url = providers.sign_in_url()
    return f"{url}{'&' if '?' in url else '?'}{urlencode({'next': next_path})}" if next_path else url


def _two_factor_url() -> str:
    for name in ("mfa_index", "account"):
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return "/"


class SignInRefused(Forbidden):
    """The workspace's sign-in rules refuse this session: the page says how to get in."""


def refused_by(request, *, require_sso: bool, require_two_factor: bool) -> str:
    """The rule of a workspace with these sign-in rules that refuses this session: "sso",
    "two_factor", or "" when none does. Site admins are never refused (the way back in when
    the identity provider is down). Reads only the session: no query."""
    if not (require_sso or require_two_factor):
        return ""
    if request.user.is_superuser:
        return ""
    if sso_signed_in_at(request) is not None:
        return ""
    if require_sso:
        return "sso"
    if not used_two_factor(request):
        return "two_factor"
    return ""


def session_refusal(request, workspace) -> SignInRefused | None:
    """Why the workspace refuses this session, or None."""
    rule = refused_by(request, require_sso=workspace.require_sso, require_two_factor=workspace.require_two_factor)
    if rule == "sso":
        return SignInRefused(
            f"{workspace.name} requires single sign-on: sign in through your company's identity provider "
            "to open it. A password sign-in is not enough here.",
            link=("Sign in with single sign-on", sso_sign_in_url(request.get_full_path()[:2000])),
        )
    if rule == "two_factor":
        return SignInRefused(
            f"{workspace.name} requires two-factor sign-in for password accounts: turn on an authenticator "
            "app on your account page, then sign out and in again.",
            link=("Set up two-factor sign-in", _two_factor_url()),
        )
    return None


def refused_workspaces(request) -> Q | None:
    """A filter on workspaces: those whose sign-in rules refuse this session, for what
    gathers several workspaces on one page (the notifications, the bell), or None when none
    is refused. `refused_by` reads nothing of a workspace but its two rules, so it is asked
    here of each pair of them: the rule stays in one place and costs no query."""
    refused = [
        Q(require_sso=sso, require_two_factor=two_factor)
        for sso, two_factor in ((True, False), (False, True), (True, True))
        if refused_by(request, require_sso=sso, require_two_factor=two_factor)
    ]
    if not refused:
        return None
    found = refused[0]
    for rule in refused[1:]:
        found |= rule
    return found


def refuse_session(request, workspace) -> None:
    refusal = session_refusal(request, workspace)
    if refusal is not None:
        raise refusal


def sso_session_cap(get_response):
    """An SSO session lasts at most SSO_SESSION_HOURS since its last SSO sign-in: past it the
    person is signed out and sent to sign in again, so the identity provider is asked again
    (someone disabled there gets no further). An open page's stream ends at the cap by itself
    (raci.views.stream), so the page reloads and meets this."""

    def middleware(request):
        if not request.path.startswith(("/api/", "/static/")):
            ends_at = sso_session_ends_at(request)
            if ends_at is not None and time.time() > ends_at:
                next_path = request.get_full_path()[:2000] if request.method == "GET" else "/"
                logout(request)
                messages.info(
                    request,
                    f"Single sign-on sessions last {settings.SSO_SESSION_HOURS} hours: sign in again to go on.",
                )
                url = reverse("login") + "?" + urlencode({"next": next_path})
                if getattr(request, "htmx", False):
                    return HttpResponseClientRedirect(url)
                return HttpResponseRedirect(url)
        return get_response(request)

    return middleware
