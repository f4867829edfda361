"""The members page's invitations (admins only) and the invitation link's page."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD, MembershipFactory, UserFactory
from workspaces import invitations as accounts
from workspaces.models import Access, Invitation, Membership

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}


@pytest.fixture
def admin():
    return MembershipFactory(access=Access.ADMIN, user=UserFactory(first_name="Ada", last_name=""))


def members_url(membership):
    return reverse("workspaces:members", args=[membership.workspace.slug])


def invite_url(membership):
    return reverse("workspaces:invitation_create", args=[membership.workspace.slug])


def invite(admin, email="priya@example.com", access=Access.EDITOR):
    return accounts.invitation_create(workspace=admin.workspace, email=email, access=access, invited_by=admin.user)


def path_of(link):
    return link.removeprefix("http://testserver")


# --- the admin's side --------------------------------------------------------------------


def test_admins_see_pending_invitations_with_their_links(client, admin):
    sent = invite(admin)
    client.force_login(admin.user)
    html = client.get(members_url(admin)).content.decode()
    assert "priya@example.com" in html and sent.link in html and "Send again" in html and "Revoke" in html


def test_an_expired_invitation_is_listed_as_expired_without_a_link(client, admin):
    sent = invite(admin)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(days=1))
    client.force_login(admin.user)
    html = client.get(members_url(admin)).content.decode()
    assert "Expired" in html and sent.link not in html


@pytest.mark.parametrize("access", [Access.VIEWER, Access.EDITOR])
def test_other_members_see_neither_invitations_nor_the_form(client, admin, access):
    invite(admin)
    me = MembershipFactory(workspace=admin.workspace, access=access)
    client.force_login(me.user)
    html = client.get(members_url(me)).content.decode()
    assert "priya@example.com" not in html and "Invite someone" not in html


def test_a_plain_invitation_redirects_with_a_message(client, admin):
    client.force_login(admin.user)
    response = client.post(invite_url(admin), {"email": "priya@example.com", "access": "viewer"})
    assert response.status_code == 302 and response["Location"] == members_url(admin)
    assert "Invitation sent to priya@example.com" in client.get(members_url(admin)).content.decode()
    assert Invitation.objects.get().access == Access.VIEWER and len(mail.outbox) == 1


def test_an_htmx_invitation_returns_the_invitations_card_and_a_toast(client, admin):
    client.force_login(admin.user)
    response = client.post(invite_url(admin), {"email": "priya@example.com", "access": "editor"}, headers=HX)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html and "HX-Request" in response["Vary"]
    assert 'id="invitations"' in html and "priya@example.com" in html
    assert 'hx-swap-oob="beforeend:#toasts"' in html and "Invitation sent" in html


@pytest.mark.parametrize("headers", [{}, HX])
def test_a_bad_address_is_refused_at_the_field(client, admin, headers):
    client.force_login(admin.user)
    response = client.post(invite_url(admin), {"email": "nope", "access": "editor"}, headers=headers)
    assert response.status_code == 422 and 'id="id_email_error"' in response.content.decode()
    assert not Invitation.objects.exists()


def test_the_invitation_answers_the_same_whether_or_not_the_address_has_an_account(client, admin):
    UserFactory(email="known@example.com")
    client.force_login(admin.user)
    answers = []
    for email in ("known@example.com", "unknown@example.com"):
        response = client.post(invite_url(admin), {"email": email, "access": "editor"}, headers=HX)
        answers.append(
            (
                response.status_code,
                re.sub(
                    r"[a-z]+@example\.com",
                    "X",
                    re.sub(
                        r'<div class="invitation".*?</div>\s*</div>\s*</div>', "", response.content.decode(), flags=re.S
                    ),
                ),
            )
        )
    assert answers[0][0] == answers[1][0] == 200
    toast = [re.search(r'class="toast[^"]*"[^>]*>([^<]*)<', html).group(1) for _, html in answers]
    assert toast[0] == toast[1] == "Invitation sent to X."


def test_the_workspace_allowance_is_said_at_the_field(client, admin, settings):
    settings.INVITATIONS_PER_WORKSPACE_HOUR = 1
    client.force_login(admin.user)
    client.post(invite_url(admin), {"email": "a@example.com", "access": "editor"})
    response = client.post(invite_url(admin), {"email": "b@example.com", "access": "editor"}, headers=HX)
    assert response.status_code == 422 and "1 invitations in the last hour" in response.content.decode()
    assert Invitation.objects.count() == 1


@pytest.mark.parametrize("headers", [{}, HX])
def test_resend_mails_again(client, admin, headers):
    sent = invite(admin)
    client.force_login(admin.user)
    response = client.post(
        reverse("workspaces:invitation_resend", args=[admin.workspace.slug, sent.invitation.pk]), headers=headers
    )
    assert response.status_code == (200 if headers else 302)
    assert len(mail.outbox) == 2 and mail.outbox[1].to == ["priya@example.com"]


@pytest.mark.parametrize("headers", [{}, HX])
def test_revoke_withdraws_the_invitation(client, admin, headers):
    sent = invite(admin)
    client.force_login(admin.user)
    response = client.post(
        reverse("workspaces:invitation_revoke", args=[admin.workspace.slug, sent.invitation.pk]), headers=headers
    )
    assert response.status_code == (200 if headers else 302)
    if headers:
        assert "withdrawn" in response.content.decode() and sent.link not in response.content.decode()
    assert Invitation.objects.get().state == Invitation.State.REVOKED


def test_another_workspaces_invitation_is_404(client, admin):
    other = invite(MembershipFactory(access=Access.ADMIN))
    client.force_login(admin.user)
    for name in ("workspaces:invitation_resend", "workspaces:invitation_revoke"):
        for headers in ({}, HX):
            url = reverse(name, args=[admin.workspace.slug, other.invitation.pk])
            assert client.post(url, headers=headers).status_code == 404
    assert Invitation.objects.get().state == Invitation.State.PENDING


def test_adding_anyone_by_name_is_gone(client, admin):
    UserFactory(username="stranger")
    client.force_login(admin.user)
    html = client.get(members_url(admin)).content.decode()
    assert "Username or e-mail" not in html
    assert client.post(f"/w/{admin.workspace.slug}/members/add/", {"user": "stranger"}).status_code == 404
    assert not Membership.objects.filter(user__username="stranger").exists()


# --- addresses are for admins -------------------------------------------------------------


@pytest.mark.parametrize("access, shown", [(Access.VIEWER, False), (Access.EDITOR, False), (Access.ADMIN, True)])
def test_members_addresses_are_shown_to_admins_only(client, admin, access, shown):
    MembershipFactory(workspace=admin.workspace, user=UserFactory(username="lee", email="lee.secret@example.com"))
    me = MembershipFactory(workspace=admin.workspace, access=access)
    client.force_login(me.user)
    from tests.factories import RoleFactory, build_matrix

    role = RoleFactory(workspace=admin.workspace)
    matrix, _, _ = build_matrix(admin.workspace, activities=1, roles=1)
    ws = admin.workspace.slug
    pages = [
        members_url(me),
        reverse("raci:people", args=[ws]),
        reverse("workspaces:role_edit", args=[ws, role.pk]),
        reverse("raci:matrix_settings", args=[ws, matrix.slug]),
        reverse("raci:decisions", args=[ws, matrix.slug]),
        reverse("dashboard:workspace", args=[ws]),
    ]
    assert ">lee" in client.get(members_url(me)).content.decode()  # the username, for everyone
    for url in pages:
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200, url
        if url == members_url(me):
            assert ("lee.secret@example.com" in html) is shown, url
        else:
            assert "lee.secret@example.com" not in html, url


# --- the invitee's side -------------------------------------------------------------------


def test_the_link_offers_sign_up_and_sign_in_to_a_visitor(client, admin):
    sent = invite(admin)
    response = client.get(path_of(sent.link))
    html = response.content.decode()
    assert response.status_code == 200 and f"Join {admin.workspace.name}" in html and "Ada invited you" in html
    assert "Create account and join" in html and "/accounts/login/?next=" in html


def test_signing_up_from_the_link_joins_with_the_invited_address(client, admin):
    sent = invite(admin, access=Access.VIEWER)
    response = client.post(
        path_of(sent.link),
        {
            "username": "priya",
            "first_name": "Priya",
            "email": "someone.else@example.com",
            "password1": "plum orchard 1987",
            "password2": "plum orchard 1987",
        },
    )
    assert response.status_code == 302 and response["Location"] == f"/w/{admin.workspace.slug}/"
    user = get_user_model().objects.get(username="priya")
    assert user.email == "priya@example.com" and user.is_active
    assert Membership.objects.get(user=user).access == Access.VIEWER
    assert client.get(response["Location"]).status_code == 200  # signed in
    assert client.get(path_of(sent.link)).status_code == 410  # single use


def test_signing_up_from_the_link_applies_the_password_rules(client, admin):
    sent = invite(admin)
    response = client.post(path_of(sent.link), {"username": "priya", "password1": "lockstep", "password2": "lockstep"})
    assert response.status_code == 422 and not get_user_model().objects.filter(username="priya").exists()


def test_signing_up_from_the_link_for_an_address_with_an_account_mails_it_instead(client, admin):
    UserFactory(username="priya", email="priya@example.com")
    sent = invite(admin)
    mail.outbox.clear()
    response = client.post(
        path_of(sent.link), {"username": "priya2", "password1": "plum orchard 1987", "password2": "plum orchard 1987"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("account_email_verification_sent")
    assert not get_user_model().objects.filter(username="priya2").exists()
    [message] = mail.outbox
    assert message.to == ["priya@example.com"] and "already has an account" in message.body
    assert sent.link in message.body


def test_signing_in_with_the_invited_account_then_joining(client, admin):
    sent = invite(admin)
    UserFactory(username="priya", email="priya@example.com")
    response = client.post(
        reverse("login") + f"?next={path_of(sent.link)}",
        {"login": "priya", "password": PASSWORD, "next": path_of(sent.link)},
    )
    assert response["Location"] == path_of(sent.link)
    assert "Join " in client.get(path_of(sent.link)).content.decode()
    response = client.post(path_of(sent.link))
    assert response.status_code == 302 and Membership.objects.filter(user__username="priya").exists()


def test_another_signed_in_account_is_told_without_the_address(client, admin):
    sent = invite(admin)
    client.force_login(UserFactory(email="mallory@example.com"))
    for method in ("get", "post"):
        response = getattr(client, method)(path_of(sent.link))
        html = response.content.decode()
        assert response.status_code == 403 and "for someone else" in html and "priya@example.com" not in html
    assert Invitation.objects.get().state == Invitation.State.PENDING


@pytest.mark.parametrize(
    "change, status, words",
    [
        ("accepted", 410, "used already"),
        ("revoked", 410, "withdrawn"),
        ("expired", 410, "expired"),
        ("renewed", 404, "not valid"),
    ],
)
def test_a_link_that_no_longer_works_says_why(client, admin, change, status, words):
    sent = invite(admin)
    if change == "accepted":
        accounts.invitation_accept(invitation=sent.invitation, user=UserFactory(email="priya@example.com"))
    elif change == "revoked":
        accounts.invitation_revoke(workspace=admin.workspace, invitation_id=sent.invitation.pk)
    elif change == "expired":
        Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    else:
        invite(admin)
    for method in ("get", "post"):
        response = getattr(client, method)(path_of(sent.link))
        assert response.status_code == status and words in response.content.decode()
    assert get_user_model().objects.filter(email="priya@example.com").count() == (change == "accepted")
