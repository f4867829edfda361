"""The sign-in section of the workspace settings page (workspaces.sign_in_views)."""

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from tests.factories import RoleFactory
from workspaces.models import Access, ClaimedDomain, GroupMapping


def settings_url(member):
    return reverse("workspaces:workspace_settings", args=[member.workspace.slug])


def url(name, member, *args):
    return reverse(f"workspaces:{name}", args=[member.workspace.slug, *args])


def test_admins_see_the_section_and_which_providers_send_no_groups(client, admin):
    page = client.get(settings_url(admin)).content.decode()
    assert 'id="sign-in"' in page
    assert "Google</strong> sends no groups claim" in page
    assert "placeholder" in page  # Entra's overage


@pytest.mark.parametrize("who", ["viewer", "editor"])
def test_others_do_not_see_the_section(client, who, request):
    member = request.getfixturevalue(who)
    assert 'id="sign-in"' not in client.get(settings_url(member)).content.decode()


@pytest.mark.parametrize("name", ["sign_in_rules", "domain_claim", "group_mapping_add"])
def test_an_editor_is_refused_every_form(client, editor, name):
    assert client.post(url(name, editor), {}).status_code == 403


@pytest.mark.parametrize("name", ["sign_in_rules", "domain_claim", "group_mapping_add"])
def test_an_outsider_gets_404(client, outsider, members_workspace, name):
    assert client.post(reverse(f"workspaces:{name}", args=[members_workspace.slug]), {}).status_code == 404


def test_a_claim_refused_is_shown_beside_the_field(client, admin):
    answer = client.post(url("domain_claim", admin), {"domain": "globex.com"})
    assert answer.status_code == 422
    page = answer.content.decode()
    assert "confirmed address of your own" in page and 'id="domain-domain_error"' in page
    assert not ClaimedDomain.objects.exists()


def test_an_admin_claims_their_domain_and_releases_it(client, admin):
    domain = admin.user.email.rpartition("@")[2]
    EmailAddress.objects.create(user=admin.user, email="ada@acme.com", verified=True)
    answer = client.post(url("domain_claim", admin), {"domain": "acme.com"})
    assert answer.status_code == 302 and answer["Location"].endswith("#sign-in")
    claimed = ClaimedDomain.objects.get(workspace=admin.workspace)
    assert claimed.domain == "acme.com" != domain
    assert "acme.com" in client.get(settings_url(admin)).content.decode()
    client.post(url("domain_release", admin, claimed.pk))
    assert not ClaimedDomain.objects.exists()


def test_turning_require_sso_on_from_a_password_session_is_refused_with_a_reason(client, admin):
    answer = client.post(url("sign_in_rules", admin), {"require_sso": "on", "domain_access": "off"})
    assert answer.status_code == 422 and "Sign in with single sign-on first" in answer.content.decode()
    admin.workspace.refresh_from_db()
    assert not admin.workspace.require_sso


def test_the_rules_are_saved(client, admin):
    answer = client.post(url("sign_in_rules", admin), {"require_two_factor": "on", "domain_access": "viewer"})
    assert answer.status_code == 302
    admin.workspace.refresh_from_db()
    assert admin.workspace.require_two_factor and admin.workspace.domain_access == "viewer"


def test_a_group_is_mapped_with_roles_and_removed(client, admin):
    role = RoleFactory(workspace=admin.workspace)
    answer = client.post(url("group_mapping_add", admin), {"group": "Product", "access": "editor", "roles": [role.pk]})
    assert answer.status_code == 302
    mapping = GroupMapping.objects.get(workspace=admin.workspace)
    assert (mapping.group, mapping.access, list(mapping.roles.all())) == ("Product", Access.EDITOR, [role])
    client.post(url("group_mapping_remove", admin, mapping.pk))
    assert not GroupMapping.objects.exists()


def test_another_workspaces_mapping_is_not_found(client, admin, outsider):
    theirs = GroupMapping.objects.create(workspace=outsider.workspace, group="x", access=Access.VIEWER)
    client.force_login(admin.user)
    assert client.post(url("group_mapping_remove", admin, theirs.pk)).status_code == 404
    assert GroupMapping.objects.filter(pk=theirs.pk).exists()


def test_a_huge_group_name_is_refused_with_a_message(client, admin):
    answer = client.post(url("group_mapping_add", admin), {"group": "g" * 5000, "access": "viewer"})
    assert answer.status_code == 422 and not GroupMapping.objects.exists()


def test_the_members_page_marks_a_suspended_member(client, admin, editor):
    from django.utils import timezone

    editor.suspended_at = timezone.now()
    editor.save()
    client.force_login(admin.user)
    assert "suspended" in client.get(url("members", admin)).content.decode().lower()
