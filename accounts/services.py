"""Accounts: what allauth leaves to us. Accounts made by an invitation (the address is
proven by its link), unconfirmed sign-ups replaced and expired, and the mail invitations
send.

Every mail here goes to an address someone typed, so each is counted against the
address's hourly allowance (and invitations against the workspace's) before it is sent;
see `throttle`. Nothing here tells the person asking whether an account has an address:
the answers are the same either way, and the difference only shows in the mailbox.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from allauth.account.models import EmailAddress
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts import throttle
from accounts.models import SignInEvent
from core.errors import InvalidInput
from core.links import absolute
from core.text import EMAIL_MAX

log = logging.getLogger(__name__)


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
    return (
        get_user_model().objects.filter(email__iexact=email).exists()
        or EmailAddress.objects.filter(email__iexact=email).exists()
    )


def mail_already_registered(*, email: str, invitation_link: str = "") -> bool:
    """Tell an address that has an account that someone tried to create another with it."""
    if not throttle.mail_allowed(email):
        return False
    return send_email(
        to=email,
        subject="You already have a Lockstep account",
        template="registration/email/already_registered.txt",
        context={
            "login_link": absolute(reverse("account_login")),
            "reset_link": absolute(reverse("account_reset_password")),
            "invitation_link": invitation_link,
        },
    )


# --- sign-up ---------------------------------------------------------------------------


def new_user(*, username: str, first_name: str, email: str, password: str, is_active: bool):
    """An account whose address is proven already (an invitation's link came to it)."""
    user = get_user_model()(username=username, first_name=first_name, email=email, is_active=is_active)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    except IntegrityError:  # the form checked the name; someone took it since
        raise InvalidInput("That username is taken; pick another.", "username") from None
    return user


def unconfirmed_users():
    """Accounts made by a sign-up whose address was never confirmed: never signed in, with
    an unconfirmed address and no confirmed one."""
    confirmed = EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)
    unconfirmed = EmailAddress.objects.filter(user=OuterRef("pk"), verified=False)
    return (
        get_user_model()
        .objects.filter(last_login__isnull=True, is_staff=False, is_superuser=False)
        .filter(Exists(unconfirmed))
        .exclude(Exists(confirmed))
    )


def unconfirmed_for(email: str):
    """The unconfirmed accounts that hold the address."""
    holders = EmailAddress.objects.filter(email__iexact=email).values("user_id")
    return unconfirmed_users().filter(pk__in=holders)


def drop_unconfirmed(email: str) -> None:
    """Remove accounts made for the address that were never confirmed: whoever proves the
    address now gets it, and nobody can hold an address by signing up with it first."""
    unconfirmed_for(email).delete()


def only_unconfirmed_hold(email: str) -> bool:
    """Whether the address is held, if at all, only by unconfirmed sign-ups (which a new
    sign-up for it replaces)."""
    holders = set(EmailAddress.objects.filter(email__iexact=email).values_list("user_id", flat=True))
    holders |= set(get_user_model().objects.filter(email__iexact=email).values_list("pk", flat=True))
    return bool(holders) and holders == set(unconfirmed_for(email).values_list("pk", flat=True))


@transaction.atomic
def unconfirmed_sign_ups_expire(*, now=None) -> int:
    """Delete the sign-ups whose confirmation window has passed, freeing their usernames
    and addresses. Returns how many went."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS)
    expired = unconfirmed_users().filter(date_joined__lt=cutoff)
    count = expired.count()
    expired.delete()
    return count


def sign_in_events_prune(*, now=None) -> int:
    cutoff = (now or timezone.now()) - timedelta(days=settings.SIGN_IN_EVENT_DAYS)
    deleted, _ = SignInEvent.objects.filter(at__lt=cutoff).delete()
    return deleted


def record_session(request) -> None:
    """List a session begun outside allauth's sign-in (an invitation's sign-up) on the
    person's sessions page."""
    UserSession.objects.create_from_request(request)
