"""Invitation services: the link, its states, renewal, revocation, acceptance, allowances."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from accounts import services as accounts_services
from core.errors import InvalidInput, NotFound
from tests.factories import MembershipFactory, UserFactory
from workspaces import invitations as accounts
from workspaces.models import Access, Invitation, Membership

pytestmark = pytest.mark.django_db


def invite(admin, email="priya@example.com", access=Access.EDITOR):
    return accounts.invitation_create(workspace=admin.workspace, email=email, access=access, invited_by=admin.user)


def token_of(link: str) -> str:
    return link.rstrip("/").rsplit("/", 1)[1]


def test_an_invitation_mails_an_absolute_link_that_names_it(admin):
    sent = invite(admin, email="  Priya@Example.com ")
    assert sent.mailed and sent.link.startswith("http://testserver/invitations/")
    assert sent.invitation.email == "priya@example.com"
    [message] = mail.outbox
    assert message.to == ["priya@example.com"]
    assert admin.workspace.name in message.subject
    assert sent.link in message.body and "as editor" in message.body
    assert accounts.invitation_from_token(token_of(sent.link)) == sent.invitation


def test_a_forged_or_tampered_link_names_no_invitation(admin):
    sent = invite(admin)
    token = token_of(sent.link)
    assert accounts.invitation_from_token(token[:-2] + ("AA" if not token.endswith("AA") else "BB")) is None
    assert accounts.invitation_from_token("not-a-token") is None
    assert accounts.invitation_from_token("") is None


@pytest.mark.parametrize(
    "email, access, message",
    [
        ("", Access.EDITOR, "Give the e-mail address"),
        ("not an address", Access.EDITOR, "is not an e-mail address"),
        ("x" * 250 + "@example.com", Access.EDITOR, "at most 254"),
        ("ok@example.com", "owner", "Pick an access level"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved_or_sent(admin, email, access, message):
    with pytest.raises(InvalidInput, match=message):
        invite(admin, email=email, access=access)
    assert not Invitation.objects.exists() and not mail.outbox


def test_a_members_address_is_not_invited(admin):
    MembershipFactory(workspace=admin.workspace, user=UserFactory(email="lee@example.com"))
    with pytest.raises(InvalidInput, match="already a member"):
        invite(admin, email="LEE@example.com")
    assert not Invitation.objects.exists()


def test_inviting_again_renews_the_open_invitation_and_the_old_link_stops_working(admin):
    first = invite(admin, access=Access.VIEWER)
    second = invite(admin, access=Access.ADMIN)
    assert second.invitation.pk == first.invitation.pk and Invitation.objects.count() == 1
    assert second.invitation.access == Access.ADMIN
    assert accounts.invitation_from_token(token_of(first.link)) is None
    assert accounts.invitation_from_token(token_of(second.link)) == second.invitation


def test_resend_mails_a_new_link_good_for_another_week(admin):
    sent = invite(admin)
    Invitation.objects.filter(pk=sent.invitation.pk).update(expires_at=timezone.now() - timedelta(hours=1))
    again = accounts.invitation_resend(workspace=admin.workspace, invitation_id=sent.invitation.pk, actor=admin.user)
    assert again.invitation.state == Invitation.State.PENDING
    assert again.invitation.expires_at > timezone.now() + timedelta(days=6)
    assert len(mail.outbox) == 2 and again.link in mail.outbox[1].body and again.link != sent.link
    assert accounts.invitation_from_token(token_of(sent.link)) is None


def test_resend_and_revoke_do_not_reach_another_workspaces_invitation(admin):
    other = invite(MembershipFactory(access=Access.ADMIN))
    with pytest.raises(NotFound):
        accounts.invitation_resend(workspace=admin.workspace, invitation_id=other.invitation.pk, actor=admin.user)
    with pytest.raises(NotFound):
        accounts.invitation_revoke(workspace=admin.workspace, invitation_id=other.invitation.pk)
    assert other.invitation.__class__.objects.get(pk=other.invitation.pk).state == Invitation.State.PENDING


def test_a_revoked_invitation_cannot_be_accepted_or_resent(admin):
    sent = invite(admin)
    accounts.invitation_revoke(workspace=admin.workspace, invitation_id=sent.invitation.pk)
    accounts.invitation_revoke(workspace=admin.workspace, invitation_id=sent.invitation.pk)  # twice: no change
    invitation = accounts.invitation_from_token(token_of(sent.link))
    assert invitation.state == Invitation.State.REVOKED
    with pytest.raises(InvalidInput, match="withdrawn"):
        accounts.invitation_accept(invitation=invitation, user=UserFactory(email="priya@example.com"))
    with pytest.raises(InvalidInput, match="revoked"):
        accounts.invitation_resend(workspace=admin.workspace, invitation_id=invitation.pk, actor=admin.user)
    assert accounts.invitations_open(workspace=admin.workspace) == []


def test_an_expired_invitation_cannot_be_accepted(admin):
    sent = invite(admin)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(InvalidInput, match="expired"):
        accounts.invitation_accept(invitation=sent.invitation, user=UserFactory(email="priya@example.com"))
    assert not Membership.objects.filter(user__email="priya@example.com").exists()


def test_accepting_joins_with_the_invited_access_once(admin):
    sent = invite(admin, access=Access.VIEWER)
    priya = UserFactory(email="Priya@example.com")
    membership = accounts.invitation_accept(invitation=sent.invitation, user=priya)
    assert (membership.workspace, membership.access) == (admin.workspace, Access.VIEWER)
    assert Invitation.objects.get().accepted_by == priya
    with pytest.raises(InvalidInput, match="used already"):
        accounts.invitation_accept(invitation=sent.invitation, user=priya)
    with pytest.raises(InvalidInput, match="remove the member"):
        accounts.invitation_revoke(workspace=admin.workspace, invitation_id=sent.invitation.pk)


def test_another_account_cannot_accept(admin):
    sent = invite(admin)
    with pytest.raises(accounts.WrongAccount):
        accounts.invitation_accept(invitation=sent.invitation, user=UserFactory(email="mallory@example.com"))
    assert sent.invitation.__class__.objects.get().state == Invitation.State.PENDING


def test_a_member_who_accepts_keeps_their_access(admin):
    sent = invite(admin, email="lee@example.com", access=Access.VIEWER)
    lee = MembershipFactory(workspace=admin.workspace, access=Access.EDITOR, user=UserFactory(email="lee@example.com"))
    accounts.invitation_accept(invitation=sent.invitation, user=lee.user)
    lee.refresh_from_db()
    assert lee.access == Access.EDITOR


def test_signing_up_from_the_link_gives_the_account_the_invited_address(admin):
    sent = invite(admin)
    user = accounts.invitation_signup(
        invitation=sent.invitation, username="priya", first_name="Priya", password="plum orchard 1987"
    )
    assert user.email == "priya@example.com" and user.is_active
    assert Membership.objects.filter(workspace=admin.workspace, user=user).exists()


def test_signing_up_from_the_link_with_an_address_that_has_an_account_makes_nothing(admin):
    UserFactory(email="priya@example.com")
    sent = invite(admin)
    with pytest.raises(accounts_services.AddressTaken):
        accounts.invitation_signup(
            invitation=sent.invitation, username="priya2", first_name="", password="plum orchard 1987"
        )
    assert not Membership.objects.filter(workspace=admin.workspace, user__username="priya2").exists()
    assert Invitation.objects.get().state == Invitation.State.PENDING


def test_a_workspace_sends_at_most_its_hourly_allowance_of_invitations(admin, settings):
    settings.INVITATIONS_PER_WORKSPACE_HOUR = 2
    invite(admin, email="a@example.com")
    invite(admin, email="b@example.com")
    with pytest.raises(InvalidInput, match="2 invitations in the last hour"):
        invite(admin, email="c@example.com")
    assert Invitation.objects.count() == 2 and len(mail.outbox) == 2
    # Another workspace has its own allowance.
    invite(MembershipFactory(access=Access.ADMIN), email="c@example.com")


def test_an_address_gets_at_most_its_hourly_allowance_of_mails(admin, settings):
    settings.MAILS_PER_ADDRESS_HOUR = 2
    sent = invite(admin)
    accounts.invitation_resend(workspace=admin.workspace, invitation_id=sent.invitation.pk, actor=admin.user)
    with pytest.raises(InvalidInput, match="2 mails"):
        accounts.invitation_resend(workspace=admin.workspace, invitation_id=sent.invitation.pk, actor=admin.user)
    with pytest.raises(InvalidInput, match="2 mails"):
        invite(MembershipFactory(access=Access.ADMIN))
    assert len(mail.outbox) == 2


def test_an_invitation_stands_when_the_mail_server_fails(admin):
    with mock.patch("accounts.services.send_mail", side_effect=OSError("connection refused")):
        sent = invite(admin)
    assert not sent.mailed and Invitation.objects.get().state == Invitation.State.PENDING
    assert accounts.invitation_from_token(token_of(sent.link)) == sent.invitation
