"""How allauth behaves here: our sign-in throttle in front of every password check, mail
counted per address and sent from a task, links made from SITE_URL, and sign-outs of other
sessions recorded."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.usersessions.adapter import DefaultUserSessionsAdapter
from django import forms
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.urls import reverse

from accounts import events, tasks, throttle
from core import push
from core.links import absolute
from core.proxies import request_client_ip


class ThrottledError(forms.ValidationError):
    """A sign-in refused by the throttle; the form shows when to try again."""

    def __init__(self, refusal: throttle.Throttled):
        super().__init__(refusal.message, code="throttled")
        self.refusal = refusal


def client_address(request) -> str:
    return request_client_ip(request) if request is not None else ""


class AccountAdapter(DefaultAccountAdapter):
    error_messages = DefaultAccountAdapter.error_messages | {
        "username_taken": "That username is taken; pick another.",
        "username_password_mismatch": "Please enter a correct username and password. Both are case-sensitive.",
    }

    def authenticate(self, request, **credentials: Any):
        """Count the attempt against the account (its name NFKC-normalised and case-folded)
        and the client address before the password is checked; a correct password gives the
        attempt back (accounts/throttle.py)."""
        name = credentials.get("username") or credentials.get("email") or ""
        try:
            attempt = throttle.attempt_begin(username=name, address=client_address(request))
        except throttle.Throttled as refusal:
            events.record(request, kind=events.FAILURE, username=name, detail="throttled")
            raise ThrottledError(refusal) from None
        user = super().authenticate(request, **credentials)
        if user is not None:
            attempt.succeeded()
        return user

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Every mail goes to an address someone typed: it is counted against the address's
        hourly allowance, whether or not an account has the address, and is handed to a task,
        so the request takes as long either way."""
        if not throttle.mail_allowed(email):
            return
        request = allauth_context.request
        ctx = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request),
            "expiration_days": settings.ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS,
        } | context
        # allauth makes these from the request's host; links in mail are made from SITE_URL.
        if "signup_url" in ctx:
            ctx["signup_url"] = absolute(reverse("account_signup"))
        if "password_reset_url" in ctx and template_prefix != "account/email/password_reset_key":
            ctx["password_reset_url"] = absolute(reverse("account_reset_password"))
        message = self.render_mail(template_prefix, email, ctx)
        tasks.send_account_mail.delay(to=email, subject=message.subject, body=message.body)

    def get_reset_password_from_key_url(self, key: str) -> str:
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return absolute(path.replace("UID-KEY", key))

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        return absolute(reverse("account_confirm_email", args=[emailconfirmation.key]))

    def get_client_ip(self, request) -> str:
        # The address the throttle counts: forwarded headers only from trusted proxies.
        return client_address(request) or "0.0.0.0"


class SessionsAdapter(DefaultUserSessionsAdapter):
    def end_sessions(self, sessions) -> None:
        sessions = list(sessions)
        super().end_sessions(sessions)
        request = allauth_context.request
        others = [s for s in sessions if request is None or not s.is_current()]
        if others and request is not None and request.user.is_authenticated:
            events.record(
                request,
                kind=events.SIGNED_OUT_ELSEWHERE,
                user=request.user,
                detail=f"{len(others)} other session{'s' if len(others) != 1 else ''}",
            )
            # Pages open in the ended sessions stop receiving changes: every stream of the
            # person closes, and only those whose session still stands reconnect.
            push.access_changed(person_id=request.user.pk)
