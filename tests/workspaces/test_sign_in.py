"""The sign-in rules' writes and an SSO sign-in applied to memberships (workspaces.sign_in)."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.utils import timezone

from core.errors import InvalidInput
from tests.factories import MembershipFactory, RoleFactory, UserFactory, WorkspaceFactory
from workspaces import services, sign_in
from workspaces.claims import Action
from workspaces.models import Access, ClaimedDomain, DomainAccess, Membership, RoleHolder, SsoSignIn


@pytest.fixture
def acme(db):
    admin = MembershipFactory(access=Access.ADMIN, user=UserFactory(email="ada@acme.com"))
    ClaimedDomain.objects.create(workspace=admin.workspace, domain="acme.com", claimed_by=admin.user)
    return admin


def apply(user, groups=None, address=None, verified=True):
    claims = {} if groups is None else {"groups": groups}
    return sign_in.sign_in_apply(
        user=user, address=address or user.email, address_verified=verified, claim_values=claims, provider="acme"
    )


# --- claiming a domain --------------------------------------------------------------------


def test_an_admin_claims_the_domain_of_their_confirmed_address(db):
    admin = MembershipFactory(access=Access.ADMIN, user=UserFactory(email="ada@Acme.com"))
    claimed = sign_in.domain_claim(workspace=admin.workspace, domain=" ACME.com. ", actor=admin.user)
    assert claimed.domain == "acme.com"


def test_a_domain_claim_is_refused_when_the_admins_address_is_not_at_it(db):
    admin = MembershipFactory(access=Access.ADMIN, user=UserFactory(email="ada@acme.com"))
    with pytest.raises(InvalidInput, match="confirmed address of your own at it"):
        sign_in.domain_claim(workspace=admin.workspace, domain="globex.com", actor=admin.user)
    assert not ClaimedDomain.objects.exists()


def test_a_subdomain_is_not_the_domain(db):
    admin = MembershipFactory(access=Access.ADMIN, user=UserFactory(email="ada@eu.acme.com"))
    with pytest.raises(InvalidInput):
        sign_in.domain_claim(workspace=admin.workspace, domain="acme.com", actor=admin.user)


def test_an_unconfirmed_account_claims_nothing(db):
    admin = MembershipFactory(access=Access.ADMIN, user=UserFactory(email="ada@acme.com", confirmed_address=False))
    EmailAddress.objects.create(user=admin.user, email="ada@acme.com", verified=False, primary=True)
    with pytest.raises(InvalidInput):
        sign_in.domain_claim(workspace=admin.workspace, domain="acme.com", actor=admin.user)


def test_a_public_mail_domain_cannot_be_claimed(db):
    admin = MembershipFactory(access=Access.ADMIN, user=UserFactory(email="ada@gmail.com"))
    with pytest.raises(InvalidInput, match="Anyone can have an address"):
        sign_in.domain_claim(workspace=admin.workspace, domain="gmail.com", actor=admin.user)


@pytest.mark.parametrize("domain", ["", "acme", "-acme.com", "ac me.com", "acme..com", "a" * 300, "ac\x00me.com"])
def test_a_domain_that_is_not_one_is_refused(acme, domain):
    with pytest.raises(InvalidInput):
        sign_in.domain_claim(workspace=acme.workspace, domain=domain, actor=acme.user)


def test_claiming_twice_is_refused_with_a_message(acme):
    with pytest.raises(InvalidInput, match="already"):
        sign_in.domain_claim(workspace=acme.workspace, domain="acme.com", actor=acme.user)


# --- the rules ----------------------------------------------------------------------------


def test_require_sso_is_refused_to_an_admin_on_a_password_session(acme):
    with pytest.raises(InvalidInput, match="Sign in with single sign-on first"):
        sign_in.sign_in_rules_set(
            workspace=acme.workspace,
            require_sso=True,
            require_two_factor=False,
            domain_access=DomainAccess.OFF,
            actor=acme.user,
            via_sso=False,
        )
    acme.workspace.refresh_from_db()
    assert not acme.workspace.require_sso


def test_require_sso_is_set_by_an_admin_signed_in_by_sso(acme):
    sign_in.sign_in_rules_set(
        workspace=acme.workspace,
        require_sso=True,
        require_two_factor=True,
        domain_access=DomainAccess.VIEWER,
        actor=acme.user,
        via_sso=True,
    )
    acme.workspace.refresh_from_db()
    assert (acme.workspace.require_sso, acme.workspace.require_two_factor, acme.workspace.domain_access) == (
        True,
        True,
        DomainAccess.VIEWER,
    )


def test_a_group_is_mapped_once_whatever_its_case(acme):
    sign_in.group_mapping_add(workspace=acme.workspace, group="Product", access=Access.EDITOR, role_ids=[])
    with pytest.raises(InvalidInput, match="mapped already"):
        sign_in.group_mapping_add(workspace=acme.workspace, group="PRODUCT", access=Access.VIEWER, role_ids=[])


def test_a_mapping_refuses_another_workspaces_role(acme):
    stranger = RoleFactory()
    with pytest.raises(InvalidInput, match="roles of this workspace"):
        sign_in.group_mapping_add(workspace=acme.workspace, group="x", access=Access.EDITOR, role_ids=[stranger.pk])


# --- an SSO sign-in ------------------------------------------------------------------------


def test_a_sign_in_records_when_even_without_a_claimed_domain(db):
    user = UserFactory(email="sam@elsewhere.org")
    assert apply(user, ["a"]) == []
    assert SsoSignIn.objects.get(user=user).at <= timezone.now()


def test_a_mapped_group_brings_someone_new_in_with_its_access_and_roles(acme):
    pmm = RoleFactory(workspace=acme.workspace, code="PMM")
    sign_in.group_mapping_add(workspace=acme.workspace, group="Marketing", access=Access.EDITOR, role_ids=[pmm.pk])
    sam = UserFactory(email="sam@acme.com")
    apply(sam, ["marketing"])
    member = Membership.objects.get(workspace=acme.workspace, user=sam)
    assert member.access == Access.EDITOR
    assert RoleHolder.objects.filter(membership=member, role=pmm).exists()


def test_access_follows_the_groups_at_each_sign_in(acme):
    sign_in.group_mapping_add(workspace=acme.workspace, group="Viewers", access=Access.VIEWER, role_ids=[])
    sign_in.group_mapping_add(workspace=acme.workspace, group="Editors", access=Access.EDITOR, role_ids=[])
    sam = MembershipFactory(workspace=acme.workspace, access=Access.VIEWER, user=UserFactory(email="sam@acme.com"))
    apply(sam.user, ["Editors"])
    sam.refresh_from_db()
    assert sam.access == Access.EDITOR
    apply(sam.user, ["Viewers"])
    sam.refresh_from_db()
    assert sam.access == Access.VIEWER


def test_no_mapped_group_suspends_and_tells_the_admins(acme, django_capture_on_commit_callbacks):
    sign_in.group_mapping_add(workspace=acme.workspace, group="Editors", access=Access.EDITOR, role_ids=[])
    sam = MembershipFactory(workspace=acme.workspace, access=Access.EDITOR, user=UserFactory(email="sam@acme.com"))
    with django_capture_on_commit_callbacks(execute=True):
        (applied,) = apply(sam.user, ["Sales"])
    sam.refresh_from_db()
    assert applied.outcome.action == Action.SUSPEND and sam.suspended_at is not None
    assert Membership.objects.filter(pk=sam.pk).exists()  # suspended, never removed
    (message,) = mail.outbox
    assert message.to == ["ada@acme.com"] and "hand it over" in message.body


def test_no_groups_claim_changes_nothing(acme):
    sign_in.group_mapping_add(workspace=acme.workspace, group="Editors", access=Access.EDITOR, role_ids=[])
    sam = MembershipFactory(workspace=acme.workspace, access=Access.EDITOR, user=UserFactory(email="sam@acme.com"))
    apply(sam.user, None)
    sam.refresh_from_db()
    assert (sam.access, sam.suspended_at) == (Access.EDITOR, None)


def test_an_unverified_address_changes_nothing(acme):
    sign_in.group_mapping_add(workspace=acme.workspace, group="Editors", access=Access.EDITOR, role_ids=[])
    sam = MembershipFactory(workspace=acme.workspace, access=Access.EDITOR, user=UserFactory(email="sam@acme.com"))
    assert apply(sam.user, [], verified=False) == []
    sam.refresh_from_db()
    assert sam.suspended_at is None


def test_the_last_admin_is_kept_and_the_site_admins_are_told(acme, django_capture_on_commit_callbacks):
    sign_in.group_mapping_add(workspace=acme.workspace, group="Editors", access=Access.EDITOR, role_ids=[])
    UserFactory(email="root@site.org", is_superuser=True)
    with django_capture_on_commit_callbacks(execute=True):
        apply(acme.user, ["Editors"])
    acme.refresh_from_db()
    assert (acme.access, acme.suspended_at) == (Access.ADMIN, None)
    (message,) = mail.outbox
    assert message.to == ["root@site.org"] and "last admin" in message.body


def test_a_suspended_admin_does_not_count_as_another_admin(acme):
    sign_in.group_mapping_add(workspace=acme.workspace, group="Editors", access=Access.EDITOR, role_ids=[])
    MembershipFactory(workspace=acme.workspace, access=Access.ADMIN, suspended_at=timezone.now())
    apply(acme.user, [])
    acme.refresh_from_db()
    assert acme.suspended_at is None


def test_a_claimed_domain_without_mapping_lets_people_join_at_its_access(acme):
    acme.workspace.domain_access = DomainAccess.VIEWER
    acme.workspace.save()
    sam = UserFactory(email="sam@acme.com")
    apply(sam, None)
    assert Membership.objects.get(workspace=acme.workspace, user=sam).access == Access.VIEWER


def test_another_workspace_is_untouched(acme):
    other = MembershipFactory(workspace=WorkspaceFactory(), access=Access.EDITOR, user=UserFactory(email="s@acme.com"))
    sign_in.group_mapping_add(workspace=acme.workspace, group="Editors", access=Access.EDITOR, role_ids=[])
    apply(other.user, [])
    other.refresh_from_db()
    assert other.suspended_at is None


def test_setting_a_suspended_members_access_lifts_the_suspension(acme):
    sam = MembershipFactory(workspace=acme.workspace, access=Access.EDITOR, suspended_at=timezone.now())
    services.member_update(workspace=acme.workspace, membership_id=sam.pk, access=Access.VIEWER)
    sam.refresh_from_db()
    assert (sam.access, sam.suspended_at) == (Access.VIEWER, None)
