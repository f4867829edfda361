"""Role holders are set by workspace admins only (DESIGN, Launches): editors rename roles
but cannot give anyone, themselves included, a hat."""

import pytest
from django.urls import reverse

from raci import services as raci_services
from raci.models import Template
from raci.seeding import templates_seed
from tests.factories import MembershipFactory, UserFactory
from workspaces import services
from workspaces.models import Access, RoleHolder

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    admin = MembershipFactory(access=Access.ADMIN)
    ws = admin.workspace
    editor = MembershipFactory(workspace=ws, access=Access.EDITOR)
    viewer = MembershipFactory(workspace=ws, access=Access.VIEWER)
    role = services.role_create(workspace=ws, name="Product Manager", code="PM")
    return {"admin": admin, "editor": editor, "viewer": viewer, "role": role}


def _holders_url(world):
    return reverse("workspaces:role_holders", args=[world["role"].workspace.slug, world["role"].pk])


def _edit_url(world):
    return reverse("workspaces:role_edit", args=[world["role"].workspace.slug, world["role"].pk])


def _held(world) -> set[int]:
    return set(RoleHolder.objects.filter(role=world["role"]).values_list("membership_id", flat=True))


def test_an_admin_sets_who_holds_a_role(client, world):
    client.force_login(world["admin"].user)
    page = client.get(_edit_url(world)).content.decode()
    assert 'name="holders"' in page and "Save holders" in page
    response = client.post(_holders_url(world), {"holders": [world["editor"].pk, world["viewer"].pk]})
    assert response.status_code == 302 and response["Location"] == _edit_url(world)
    assert _held(world) == {world["editor"].pk, world["viewer"].pk}
    client.post(_holders_url(world), {"holders": [world["viewer"].pk]})
    assert _held(world) == {world["viewer"].pk}


def test_an_editor_cannot_take_a_role_and_does_not_see_the_controls(client, world):
    client.force_login(world["editor"].user)
    page = client.get(_edit_url(world)).content.decode()
    assert 'name="holders"' not in page and "Save holders" not in page
    assert "Workspace admins set who holds a role" in page
    assert client.post(_holders_url(world), {"holders": [world["editor"].pk]}).status_code == 403
    assert _held(world) == set()


def test_an_editor_renaming_a_role_leaves_its_holders_alone(client, world):
    RoleHolder.objects.create(role=world["role"], membership=world["admin"])
    client.force_login(world["editor"].user)
    response = client.post(
        _edit_url(world),
        {
            "name": "Product lead",
            "code": "PM",
            "description": "",
            "version": world["role"].version,
            "holders": [world["editor"].pk],
        },
    )
    assert response.status_code == 302
    world["role"].refresh_from_db()
    assert world["role"].name == "Product lead"
    assert _held(world) == {world["admin"].pk}


def test_a_viewer_gets_403_and_an_outsider_404(client, world):
    client.force_login(world["viewer"].user)
    assert client.post(_holders_url(world), {"holders": [world["viewer"].pk]}).status_code == 403
    client.force_login(UserFactory())
    assert client.post(_holders_url(world), {"holders": [world["viewer"].pk]}).status_code == 404
    assert _held(world) == set()


def test_a_matrix_from_a_template_gives_an_editor_no_hats(world):
    templates_seed()
    template = Template.objects.get(slug="pm-pmm-startup", workspace=None)
    raci_services.matrix_create(
        workspace=world["admin"].workspace, name="Seed", actor=world["editor"].user, template=template
    )
    assert not RoleHolder.objects.filter(membership=world["editor"]).exists()


def test_a_viewer_reads_a_role_without_its_edit_form_or_delete_button(client, world):
    client.force_login(world["viewer"].user)
    page = client.get(_edit_url(world)).content.decode()
    assert "Product Manager" in page
    assert "Save role" not in page
    assert "Delete PM" not in page
    assert 'method="post"' not in page.split('id="main"')[1].split("</main>")[0]


def test_an_editor_still_edits_and_deletes_a_role(client, world):
    client.force_login(world["editor"].user)
    page = client.get(_edit_url(world)).content.decode()
    assert "Save role" in page
    assert "Delete PM" in page
