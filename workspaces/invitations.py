"""Invitations: an admin invites an address with an access level; the link joins it."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts import throttle
from accounts.services import (
    AddressTaken,
    clean_email,
    drop_unconfirmed,
    email_in_use,
    new_user,
    one_line,
    send_email,
)
from core.errors import InvalidInput, NotFound
from core.links import absolute
from workspaces.models import Access, Invitation, Membership, Workspace

_INVITATION_SALT = "raci.invitation"


class WrongAccount(InvalidInput):
    """The signed-in account is not the one the invitation was sent to."""


@dataclass(frozen=True)
class InvitationSent:
    invitation: Invitation
    link: str
    mailed: bool


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
    return Invitation.objects.select_related("workspace", "invited_by").filter(pk=data["i"], nonce=data["n"]).first()


def invitations_open(*, workspace: Workspace) -> list[Invitation]:
    """The workspace's invitations that are neither accepted nor revoked, newest first."""
    return list(
        Invitation.objects.filter(
            workspace=workspace, accepted_at__isnull=True, revoked_at__isnull=True
        ).select_related("invited_by")
    )


def _check_allowance(workspace: Workspace, email: str) -> None:
    if not throttle.invitation_allowed(workspace.pk):
        raise InvalidInput(
            f"This workspace has sent {settings.INVITATIONS_PER_WORKSPACE_HOUR} invitations in the "
            "last hour, the most it can. Try again in an hour.",
            "email",
        )
    if not throttle.mail_allowed(email):
        raise InvalidInput(
            f"{email} has been sent {settings.MAILS_PER_ADDRESS_HOUR} mails from Lockstep in the last "
            "hour, the most it can get. Try again in an hour, or copy the link of a pending "
            "invitation.",
            "email",
        )


def _mail_invitation(invitation: Invitation, inviter) -> InvitationSent:
    link = invitation_link(invitation)
    who = one_line(inviter.get_full_name() or inviter.username) if inviter else "A Lockstep admin"
    mailed = send_email(
        to=invitation.email,
        subject=f"{who} invited you to {invitation.workspace.name} on Lockstep",
        template="registration/email/invitation.txt",
        context={
            "invitation": invitation,
            "who": who,
            "link": link,
            "workspace_name": one_line(invitation.workspace.name),
            "access": invitation.get_access_display().lower(),
        },
    )
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
        invitation = (
            Invitation.objects.select_for_update()
            .filter(workspace=workspace, email=email, accepted_at__isnull=True, revoked_at__isnull=True)
            .first()
        ) or Invitation(workspace=workspace, email=email)
        invitation.access, invitation.invited_by = access, invited_by
        _renew(invitation)
        try:
            with transaction.atomic():
                invitation.save()
        except IntegrityError:  # invited at the same moment by someone else: theirs stands
            raise InvalidInput(f"{email} was invited a moment ago; see the pending invitations.", "email") from None
    return _mail_invitation(invitation, invited_by)


def _open_invitation(workspace: Workspace, invitation_id: int) -> Invitation:
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("workspace")
        .filter(workspace=workspace, pk=invitation_id)
        .first()
    )
    if invitation is None:
        raise NotFound("That invitation does not exist.")
    return invitation


def invitation_resend(*, workspace: Workspace, invitation_id: int, actor) -> InvitationSent:
    """Mail a new link (the old one stops working) that is good for another INVITATION_DAYS."""
    with transaction.atomic():
        invitation = _open_invitation(workspace, invitation_id)
        if invitation.state in (Invitation.State.ACCEPTED, Invitation.State.REVOKED):
            raise InvalidInput(
                f"The invitation to {invitation.email} was {Invitation.State(invitation.state).label.lower()}; "
                "invite the address again instead."
            )
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
UNUSABLE: dict[str, str] = {
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
        raise WrongAccount(
            "This invitation was sent to another e-mail address than your account's. "
            "Sign out, then open the link again and sign in or create an account with that address."
        )
    membership, _ = Membership.objects.get_or_create(
        workspace=invitation.workspace, user=user, defaults={"access": invitation.access}
    )
    invitation.accepted_at, invitation.accepted_by = timezone.now(), user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


@transaction.atomic
def invitation_signup(*, invitation: Invitation, username: str, first_name: str, password: str):
    """Create an account for the invited address and join the workspace with it.

    The link came to that address, so the account is confirmed at once. Raises AddressTaken
    when an account has the address already: the caller mails them instead of saying so."""
    invitation = _usable(invitation)
    drop_unconfirmed(invitation.email)
    if email_in_use(invitation.email):
        raise AddressTaken("An account has this address.")
    user = new_user(username=username, first_name=first_name, email=invitation.email, password=password, is_active=True)
    invitation_accept(invitation=invitation, user=user)
    return user
