"""Sign-in events: what happened at the door, for the site's admins (accounts.models.SignInEvent).

Recorded from Django's and allauth's signals, so every way in is covered: the sign-in form,
two-factor codes, an invitation's sign-up, and single sign-on."""

from __future__ import annotations

import ipaddress

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from accounts.models import SignInEvent
from core.proxies import request_client_ip

SUCCESS = SignInEvent.Kind.SUCCESS
FAILURE = SignInEvent.Kind.FAILURE
TWO_FACTOR = SignInEvent.Kind.TWO_FACTOR
TWO_FACTOR_FAILURE = SignInEvent.Kind.TWO_FACTOR_FAILURE
SIGNED_OUT_ELSEWHERE = SignInEvent.Kind.SIGNED_OUT_ELSEWHERE


def _bounded(text: object, size: int) -> str:
    # Names and user agents come from the request: no NUL or control characters, bounded.
    cleaned = "".join(ch for ch in str(text or "") if ch.isprintable())
    return cleaned[:size]


def _ip(request) -> str | None:
    if request is None:
        return None
    try:
        return str(ipaddress.ip_address(request_client_ip(request)))
    except ValueError:
        return None


def record(request, *, kind: str, user=None, username: str = "", detail: str = "") -> SignInEvent:
    if user is not None and not username:
        username = user.get_username()
    return SignInEvent.objects.create(
        kind=kind,
        user=user if user is not None and user.pk else None,
        username=_bounded(username, 150),
        ip=_ip(request),
        user_agent=_bounded(request.META.get("HTTP_USER_AGENT", "") if request is not None else "", 200),
        detail=_bounded(detail, 200),
    )


@receiver(user_logged_in, dispatch_uid="signin-event-success")
def _signed_in(sender, request, user, **kwargs):
    record(request, kind=SUCCESS, user=user)


@receiver(user_login_failed, dispatch_uid="signin-event-failure")
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    name = credentials.get("username") or credentials.get("email") or ""
    user = get_user_model()._default_manager.filter(username=name).first() if name else None
    record(request, kind=FAILURE, user=user, username=name, detail="wrong password")


def connect_two_factor() -> None:
    """allauth.mfa's signals (connected in AppConfig.ready, once allauth is loaded)."""
    from allauth.mfa import signals as mfa_signals

    def used(sender, request, user, authenticator, reauthenticated=False, **kwargs):
        detail = authenticator.get_type_display() + (" (confirming it is you)" if reauthenticated else "")
        record(request, kind=TWO_FACTOR, user=user, detail=detail)

    def failed(sender, request, user, authenticator=None, reauthentication=False, **kwargs):
        record(request, kind=TWO_FACTOR_FAILURE, user=user, detail="wrong code")

    mfa_signals.authenticator_used.connect(used, dispatch_uid="signin-event-two-factor", weak=False)
    mfa_signals.authentication_failed.connect(failed, dispatch_uid="signin-event-two-factor-failed", weak=False)
