"""Who holds each role is part of starting out: a matrix made from a template offers its
admin to name the holder of each role (skippable); a column nobody holds says so."""

import pytest
from django.urls import reverse

from raci.models import Template
from raci.seeding import templates_seed
from tests.factories import MembershipFactory, hold
from workspaces.models import Access, Role, RoleHolder

pytestmark = pytest.mark.django_db


def _make(client, ws, name="Our split"):
    template = Template.objects.get(workspace__isnull=True, is_default=True)
    return client.post(reverse("raci:matrix_new", args=[ws.slug]), {"name": name, "template": template.pk})


def test_an_admin_making_a_matrix_from_a_template_is_offered_to_name_each_role_s_holder(client, admin):
    templates_seed()
    ws = admin.workspace
    response = _make(client, ws)
    holders_url = reverse("raci:matrix_holders", args=[ws.slug, "our-split"])
    assert response.status_code == 302 and response["Location"] == holders_url
    page = client.get(holders_url).content.decode()
    assert "Who holds each role?" in page and "Skip for now" in page
    assert reverse("raci:matrix", args=[ws.slug, "our-split"]) in page
    pm, pmm = Role.objects.get(workspace=ws, code="PM"), Role.objects.get(workspace=ws, code="PMM")
    assert f'name="holder-{pm.pk}"' in page and f'name="holder-{pmm.pk}"' in page
    assert "Nobody holds this role yet." in page

    colleague = MembershipFactory(workspace=ws, access=Access.EDITOR)
    saved = client.post(holders_url, {f"holder-{pm.pk}": admin.pk, f"holder-{pmm.pk}": colleague.pk})
    assert saved["Location"] == reverse("raci:matrix", args=[ws.slug, "our-split"])
    assert set(RoleHolder.objects.filter(role__workspace=ws).values_list("role__code", "membership_id")) == {
        ("PM", admin.pk),
        ("PMM", colleague.pk),
    }


def test_naming_holders_is_skippable_and_ignores_other_workspaces_people(client, admin, db):
    templates_seed()
    ws = admin.workspace
    _make(client, ws)
    holders_url = reverse("raci:matrix_holders", args=[ws.slug, "our-split"])
    pm = Role.objects.get(workspace=ws, code="PM")
    stranger = MembershipFactory()
    client.post(holders_url, {f"holder-{pm.pk}": stranger.pk, "holder-999999": admin.pk})
    assert not RoleHolder.objects.filter(role__workspace=ws).exists()
    client.post(holders_url, {})
    assert not RoleHolder.objects.filter(role__workspace=ws).exists()


def test_an_editor_goes_straight_to_the_matrix_and_cannot_name_holders(client, editor):
    templates_seed()
    ws = editor.workspace
    response = _make(client, ws)
    assert response["Location"] == reverse("raci:matrix", args=[ws.slug, "our-split"])
    holders_url = reverse("raci:matrix_holders", args=[ws.slug, "our-split"])
    assert client.get(holders_url).status_code == 403
    pm = Role.objects.get(workspace=ws, code="PM")
    assert client.post(holders_url, {f"holder-{pm.pk}": editor.pk}).status_code == 403
    assert not RoleHolder.objects.filter(role__workspace=ws).exists()


def test_a_column_nobody_holds_says_so_in_its_header(client, admin):
    templates_seed()
    ws = admin.workspace
    _make(client, ws)
    pm = Role.objects.get(workspace=ws, code="PM")
    hold(pm, admin)
    body = client.get(reverse("raci:matrix", args=[ws.slug, "our-split"])).content.decode()
    header = body[body.index("<thead>") : body.index("</thead>")]
    pm_head = header[header.index(f'id="col-{pm.pk}"') :].split("</th>", 1)[0]
    pmm = Role.objects.get(workspace=ws, code="PMM")
    pmm_head = header[header.index(f'id="col-{pmm.pk}"') :].split("</th>", 1)[0]
    assert "nobody holds this" not in pm_head
    assert 'class="unheld"' in pmm_head and "nobody holds this" in pmm_head
    assert reverse("workspaces:role_edit", args=[ws.slug, pmm.pk]) in pmm_head
