"""Accounts: invitations into a workspace, sign-up with a confirmed address, and the mail
they send.

Every mail here goes to an address someone typed, so each is counted against the
address's hourly allowance (and invitations against the workspace's) before it is sent;
see `throttle`. Nothing here tells the person asking whether an account has an address:
the answers are the same either way, and the difference only shows in the mailbox.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse

from accounts import throttle
from core.errors import InvalidInput
from core.links import absolute
from core.text import EMAIL_MAX

log = logging.getLogger(__name__)

_SIGNUP_SALT = "raci.signup"


class AddressTaken(InvalidInput):
    """An account already has the address (never shown to the person asking)."""


def one_line(text: str) -> str:
    return " ".join(str(text).split())


def send_email(*, to: str, subject: str, template: str, context: dict) -> bool:
    """Send one plain-text mail; False if the mail server refused it (the caller says so)."""
    try:
        send_mail(
            subject=one_line(subject),
            message=render_to_string(template, context),
            from_email=None,
            recipient_list=[to],
        )
    except Exception:  # an unreachable or refusing mail server must not lose what was saved
        log.exception("Could not send %s", template)
        return False
    return True


def clean_email(value: str, field: str = "email") -> str:
    email = (value or "").strip()
    if not email:
        raise InvalidInput("Give the e-mail address to send the invitation to.", field)
    if len(email) > EMAIL_MAX:
        raise InvalidInput(f"An e-mail address has at most {EMAIL_MAX} characters.", field)
    try:
        validate_email(email)
    except ValidationError:
        raise InvalidInput(f"“{email}” is not an e-mail address.", field) from None
    # Addresses are compared without case everywhere; storing them folded keeps the
    # one-open-invitation rule a plain unique constraint.
    return email.lower()


# --- invitations -------------------------------------------------------------------------


def email_in_use(email: str) -> bool:
    return get_user_model().objects.filter(email__iexact=email).exists()


def mail_already_registered(*, email: str, invitation_link: str = "") -> bool:
    """Tell an address that has an account that someone tried to create another with it."""
    if not throttle.mail_allowed(email):
        return False
    return send_email(
        to=email,
        subject="You already have a Lockstep account",
        template="registration/email/already_registered.txt",
        context={
            "login_link": absolute(reverse("login")),
            "reset_link": absolute(reverse("password_reset")),
            "invitation_link": invitation_link,
        },
    )


# --- sign-up -----------------------------------------------------------------------------


def new_user(*, username: str, first_name: str, email: str, password: str, is_active: bool):
    user = get_user_model()(username=username, first_name=first_name, email=email, is_active=is_active)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # the form checked the name; someone took it since
        raise InvalidInput("That username is taken; pick another.", "username") from None
    return user


def drop_unconfirmed(email: str) -> None:
    """Remove accounts made for the address that were never confirmed: whoever proves the
    address now gets it, and nobody can hold an address by signing up with it first."""
    get_user_model().objects.filter(email__iexact=email, is_active=False, last_login__isnull=True).delete()


def signup_start(*, username: str, first_name: str, email: str, password: str) -> None:
    """Start a sign-up: the account is made inactive and a confirmation link is mailed.

    When an account has the address already, nothing is made and that address is told so
    by mail instead. The person signing up sees the same "check your mail" page either way,
    so the sign-up form does not disclose which addresses have accounts (a taken username
    is still refused at the form: usernames are shown to teammates anyway)."""
    email = clean_email(email)
    with transaction.atomic():
        drop_unconfirmed(email)
        if email_in_use(email):
            user = None
        else:
            user = new_user(username=username, first_name=first_name, email=email, password=password, is_active=False)
    if user is None:
        mail_already_registered(email=email)
        return
    if throttle.mail_allowed(email):
        token = signing.dumps({"u": user.pk, "e": email}, salt=_SIGNUP_SALT)
        send_email(
            to=email,
            subject="Confirm your Lockstep account",
            template="registration/email/signup_confirm.txt",
            context={
                "user": user,
                "link": absolute(reverse("signup_confirm", args=[token])),
                "days": settings.SIGNUP_CONFIRM_DAYS,
            },
        )


def signup_pending(token: str):
    """The unconfirmed account a confirmation link names, or None (bad, expired or used link)."""
    try:
        data = signing.loads(token, salt=_SIGNUP_SALT, max_age=timedelta(days=settings.SIGNUP_CONFIRM_DAYS))
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return None
    return (
        get_user_model()
        .objects.filter(pk=data["u"], email=data.get("e"), is_active=False, last_login__isnull=True)
        .first()
    )


@transaction.atomic
def signup_confirm(*, token: str):
    """Activate the account the link names; None if the link is bad, expired or used."""
    user = signup_pending(token)
    if user is None:
        return None
    user.is_active = True
    user.save(update_fields=["is_active"])
    return user
