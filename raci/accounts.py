"""Accounts: invitations into a workspace, sign-up with a confirmed address, and the mail
they send.

Every mail here goes to an address someone typed, so each is counted against the
address's hourly allowance (and invitations against the workspace's) before it is sent;
see `throttle`. Nothing here tells the person asking whether an account has an address:
the answers are the same either way, and the difference only shows in the mailbox.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
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
from django.utils import timezone

from . import throttle
from .models import EMAIL_MAX, Access, Invitation, Membership, Workspace
from .notify import absolute
from .services import InvalidInput, NotFound

log = logging.getLogger(__name__)

_INVITATION_SALT = "raci.invitation"
_SIGNUP_SALT = "raci.signup"


class WrongAccount(InvalidInput):
    """The signed-in account is not the one the invitation was sent to."""


class AddressTaken(InvalidInput):
    """An account already has the address (never shown to the person asking)."""


@dataclass(frozen=True)
class InvitationSent:
    invitation: Invitation
    link: str
    mailed: bool


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _send(*, to: str, subject: str, template: str, context: dict) -> bool:
    """Send one plain-text mail; False if the mail server refused it (the caller says so)."""
    try:
        send_mail(subject=_one_line(subject), message=render_to_string(template, context), from_email=None,
                  recipient_list=[to])
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

def invitation_link(invitation: Invitation) -> str:
    token = signing.Signer(salt=_INVITATION_SALT).sign_object({"i": invitation.pk, "n": invitation.nonce})
    return absolute(reverse("invitation", args=[token]))


def invitation_from_token(token: str) -> Invitation | None:
    """The invitation a link names, whatever its state; None for a forged or outdated link."""
    try:
        data = signing.Signer(salt=_INVITATION_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("i"), int) or not isinstance(data.get("n"), str):
        return None
    return (Invitation.objects.select_related("workspace", "invited_by")
            .filter(pk=data["i"], nonce=data["n"]).first())


def invitations_open(*, workspace: Workspace) -> list[Invitation]:
    """The workspace's invitations that are neither accepted nor revoked, newest first."""
    return list(Invitation.objects.filter(workspace=workspace, accepted_at__isnull=True, revoked_at__isnull=True)
                .select_related("invited_by"))


def _check_allowance(workspace: Workspace, email: str) -> None:
    if not throttle.invitation_allowed(workspace.pk):
        raise InvalidInput(f"This workspace has sent {settings.INVITATIONS_PER_WORKSPACE_HOUR} invitations in the "
                           "last hour, the most it can. Try again in an hour.", "email")
    if not throttle.mail_allowed(email):
        raise InvalidInput(f"{email} has been sent {settings.MAILS_PER_ADDRESS_HOUR} mails from Lockstep in the last "
                           "hour, the most it can get. Try again in an hour, or copy the link of a pending "
                           "invitation.", "email")


def _mail_invitation(invitation: Invitation, inviter) -> InvitationSent:
    link = invitation_link(invitation)
    who = _one_line(inviter.get_full_name() or inviter.username) if inviter else "A Lockstep admin"
    mailed = _send(to=invitation.email, subject=f"{who} invited you to {invitation.workspace.name} on Lockstep",
                   template="registration/email/invitation.txt",
                   context={"invitation": invitation, "who": who, "link": link,
                            "workspace_name": _one_line(invitation.workspace.name),
                            "access": invitation.get_access_display().lower()})
    return InvitationSent(invitation=invitation, link=link, mailed=mailed)


def _renew(invitation: Invitation) -> None:
    now = timezone.now()
    invitation.nonce = secrets.token_hex(16)
    invitation.sent_at = now
    invitation.expires_at = now + timedelta(days=settings.INVITATION_DAYS)


def invitation_create(*, workspace: Workspace, email: str, access: str, invited_by) -> InvitationSent:
    """Invite an address into the workspace and mail it the link.

    Inviting an address that has an open invitation renews that one (new link, new expiry,
    the access given now). Raises InvalidInput for a bad address or access level, for a
    member's address, and when the workspace's or the address's hourly allowance is spent.
    The result says whether the mail went out; the invitation stands either way, and its
    link can be copied from the members page.
    """
    email = clean_email(email)
    if access not in Access.values:
        raise InvalidInput("Pick an access level: viewer, editor or admin.", "access")
    if Membership.objects.filter(workspace=workspace, user__email__iexact=email).exists():
        raise InvalidInput(f"{email} is already a member of {workspace.name}.", "email")
    _check_allowance(workspace, email)
    with transaction.atomic():
        invitation = (Invitation.objects.select_for_update()
                      .filter(workspace=workspace, email=email, accepted_at__isnull=True, revoked_at__isnull=True)
                      .first()) or Invitation(workspace=workspace, email=email)
        invitation.access, invitation.invited_by = access, invited_by
        _renew(invitation)
        try:
            with transaction.atomic():
                invitation.save()
        except IntegrityError:  # invited at the same moment by someone else: theirs stands
            raise InvalidInput(f"{email} was invited a moment ago; see the pending invitations.", "email") from None
    return _mail_invitation(invitation, invited_by)


def _open_invitation(workspace: Workspace, invitation_id: int) -> Invitation:
    invitation = (Invitation.objects.select_for_update().select_related("workspace")
                  .filter(workspace=workspace, pk=invitation_id).first())
    if invitation is None:
        raise NotFound("That invitation does not exist.")
    return invitation


def invitation_resend(*, workspace: Workspace, invitation_id: int, actor) -> InvitationSent:
    """Mail a new link (the old one stops working) that is good for another INVITATION_DAYS."""
    with transaction.atomic():
        invitation = _open_invitation(workspace, invitation_id)
        if invitation.state in (Invitation.State.ACCEPTED, Invitation.State.REVOKED):
            raise InvalidInput(f"The invitation to {invitation.email} was {invitation.state.label.lower()}; "
                               "invite the address again instead.")
        _check_allowance(workspace, invitation.email)
        _renew(invitation)
        invitation.save(update_fields=["nonce", "sent_at", "expires_at"])
    return _mail_invitation(invitation, actor)


@transaction.atomic
def invitation_revoke(*, workspace: Workspace, invitation_id: int) -> Invitation:
    """Withdraw an invitation: its link says so from now on. Revoking twice changes nothing."""
    invitation = _open_invitation(workspace, invitation_id)
    if invitation.accepted_at:
        raise InvalidInput(f"{invitation.email} already accepted; remove the member instead.")
    if not invitation.revoked_at:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


# What a link says when it no longer works.
UNUSABLE = {
    Invitation.State.ACCEPTED: "This invitation was used already. Sign in to reach the workspace.",
    Invitation.State.REVOKED: "This invitation was withdrawn. Ask the workspace's admin for a new one.",
    Invitation.State.EXPIRED: "This invitation has expired. Ask the workspace's admin to send it again.",
}


def _usable(invitation: Invitation) -> Invitation:
    """The invitation locked for acceptance, or InvalidInput saying plainly why not."""
    invitation = Invitation.objects.select_for_update().select_related("workspace").get(pk=invitation.pk)
    if invitation.state in UNUSABLE:
        raise InvalidInput(UNUSABLE[invitation.state])
    return invitation


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user) -> Membership:
    """Join the workspace with the invited access. The account must have the invited address.

    A person who is a member already keeps the access they have."""
    invitation = _usable(invitation)
    if (user.email or "").strip().lower() != invitation.email:
        raise WrongAccount("This invitation was sent to another e-mail address than your account's. "
                           "Sign out, then open the link again and sign in or create an account with that address.")
    membership, _ = Membership.objects.get_or_create(workspace=invitation.workspace, user=user,
                                                     defaults={"access": invitation.access})
    invitation.accepted_at, invitation.accepted_by = timezone.now(), user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


def _email_in_use(email: str) -> bool:
    return get_user_model().objects.filter(email__iexact=email).exists()


@transaction.atomic
def invitation_signup(*, invitation: Invitation, username: str, first_name: str, password: str):
    """Create an account for the invited address and join the workspace with it.

    The link came to that address, so the account is confirmed at once. Raises AddressTaken
    when an account has the address already: the caller mails them instead of saying so."""
    invitation = _usable(invitation)
    _drop_unconfirmed(invitation.email)
    if _email_in_use(invitation.email):
        raise AddressTaken("An account has this address.")
    user = _new_user(username=username, first_name=first_name, email=invitation.email, password=password,
                     is_active=True)
    invitation_accept(invitation=invitation, user=user)
    return user


def mail_already_registered(*, email: str, invitation: Invitation | None = None) -> bool:
    """Tell an address that has an account that someone tried to create another with it."""
    if not throttle.mail_allowed(email):
        return False
    return _send(to=email, subject="You already have a Lockstep account",
                 template="registration/email/already_registered.txt",
                 context={"login_link": absolute(reverse("login")), "reset_link": absolute(reverse("password_reset")),
                          "invitation_link": invitation_link(invitation) if invitation else ""})


# --- sign-up -----------------------------------------------------------------------------

def _new_user(*, username: str, first_name: str, email: str, password: str, is_active: bool):
    user = get_user_model()(username=username, first_name=first_name, email=email, is_active=is_active)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # the form checked the name; someone took it since
        raise InvalidInput("That username is taken; pick another.", "username") from None
    return user


def _drop_unconfirmed(email: str) -> None:
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
        _drop_unconfirmed(email)
        if _email_in_use(email):
            user = None
        else:
            user = _new_user(username=username, first_name=first_name, email=email, password=password,
                             is_active=False)
    if user is None:
        mail_already_registered(email=email)
        return
    if throttle.mail_allowed(email):
        token = signing.dumps({"u": user.pk, "e": email}, salt=_SIGNUP_SALT)
        _send(to=email, subject="Confirm your Lockstep account", template="registration/email/signup_confirm.txt",
              context={"user": user, "link": absolute(reverse("signup_confirm", args=[token])),
                       "days": settings.SIGNUP_CONFIRM_DAYS})


def signup_pending(token: str):
    """The unconfirmed account a confirmation link names, or None (bad, expired or used link)."""
    try:
        data = signing.loads(token, salt=_SIGNUP_SALT, max_age=timedelta(days=settings.SIGNUP_CONFIRM_DAYS))
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(data, dict):
        return None
    return get_user_model().objects.filter(pk=data.get("u"), email=data.get("e"), is_active=False,
                                           last_login__isnull=True).first()


@transaction.atomic
def signup_confirm(*, token: str):
    """Activate the account the link names; None if the link is bad, expired or used."""
    user = signup_pending(token)
    if user is None:
        return None
    user.is_active = True
    user.save(update_fields=["is_active"])
    return user
