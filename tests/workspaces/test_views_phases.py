"""The Phases section of the workspace settings: admins rename, add, reorder and remove
with plain forms; others read the list; refusals show beside the phase they concern."""

import pytest
from django.urls import reverse

from raci import services as raci_services
from tests.factories import MatrixFactory, MembershipFactory
from workspaces import team_phases
from workspaces.models import Access

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client):
    member = MembershipFactory(access=Access.ADMIN)
    client.force_login(member.user)
    return member


def settings_url(ws):
    return reverse("workspaces:workspace_settings", args=[ws.slug])


def names(ws):
    return [p.name for p in team_phases.phases_of(workspace=ws)]


def test_the_settings_page_lists_the_phases_in_order_with_their_controls(client, admin):
    html = client.get(settings_url(admin.workspace)).content.decode()
    assert html.index('value="Insight/Discovery"') < html.index('value="Post-Launch"')
    assert 'aria-label="Move Launch up"' in html and 'aria-label="Remove Launch"' in html
    assert 'id="phase-add-name"' in html


def test_an_admin_adds_a_phase_and_lands_back_on_the_list(client, admin):
    response = client.post(reverse("workspaces:phase_add", args=[admin.workspace.slug]), {"name": "Hypercare"})
    assert response.status_code == 302 and response["Location"].endswith("/settings/#phases")
    assert names(admin.workspace)[-1] == "Hypercare"
    assert "Added the phase “Hypercare”." in client.get(response["Location"]).content.decode()


def test_a_refused_name_is_shown_beside_the_add_field_and_kept(client, admin):
    response = client.post(reverse("workspaces:phase_add", args=[admin.workspace.slug]), {"name": "launch"})
    html = response.content.decode()
    assert response.status_code == 422
    assert 'id="phase-add-error"' in html and "already has a phase named “Launch”" in html
    assert 'value="launch"' in html and len(names(admin.workspace)) == 5


def test_an_admin_renames_and_moves_a_phase(client, admin):
    ws = admin.workspace
    client.post(reverse("workspaces:phase_rename", args=[ws.slug, "launch"]), {"name": "Go-to-market", "was": "Launch"})
    client.post(reverse("workspaces:phase_move", args=[ws.slug, "launch"]), {"direction": "up"})
    assert names(ws) == ["Insight/Discovery", "Strategy", "Go-to-market", "Build & Validate", "Post-Launch"]


def test_a_phase_in_use_is_not_removed_and_the_page_says_why_beside_it(client, admin):
    matrix = MatrixFactory(workspace=admin.workspace, name="Core")
    raci_services.activity_add(matrix=matrix, name="Naming", phase="launch", actor=admin.user)
    response = client.post(reverse("workspaces:phase_remove", args=[admin.workspace.slug, "launch"]))
    html = response.content.decode()
    assert response.status_code == 422 and 'id="phase-error-launch"' in html and "still holds 1 activity" in html
    assert "Launch" in names(admin.workspace)


def test_an_unused_phase_is_removed(client, admin):
    response = client.post(reverse("workspaces:phase_remove", args=[admin.workspace.slug, "strategy"]))
    assert response.status_code == 302 and "Strategy" not in names(admin.workspace)


def test_a_phase_name_is_escaped(client, admin):
    team_phases.phase_add(workspace=admin.workspace, name="<script>alert(1)</script>")
    html = client.get(settings_url(admin.workspace)).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


@pytest.mark.parametrize("access", [Access.EDITOR, Access.VIEWER])
def test_others_read_the_phases_without_controls_and_cannot_change_them(client, access):
    admin = MembershipFactory(access=Access.ADMIN)
    member = MembershipFactory(workspace=admin.workspace, access=access)
    client.force_login(member.user)
    html = client.get(settings_url(admin.workspace)).content.decode()
    assert "Post-Launch" in html and "phase-add-name" not in html and "Remove Launch" not in html
    ws = admin.workspace.slug
    for url, data in (
        (reverse("workspaces:phase_add", args=[ws]), {"name": "Mine"}),
        (reverse("workspaces:phase_rename", args=[ws, "launch"]), {"name": "Mine"}),
        (reverse("workspaces:phase_move", args=[ws, "launch"]), {"direction": "up"}),
        (reverse("workspaces:phase_remove", args=[ws, "launch"]), {}),
    ):
        assert client.post(url, data).status_code == 403
    assert len(names(admin.workspace)) == 5


def test_outsiders_get_404_and_another_workspaces_phase_is_404(client, admin):
    other = MembershipFactory(access=Access.ADMIN)
    theirs = team_phases.phase_add(workspace=other.workspace, name="Theirs")
    assert client.post(reverse("workspaces:phase_add", args=[other.workspace.slug]), {"name": "x"}).status_code == 404
    url = reverse("workspaces:phase_rename", args=[admin.workspace.slug, theirs.key])
    assert client.post(url, {"name": "Mine"}).status_code == 404


def test_the_phase_actions_take_post_only(client, admin):
    assert client.get(reverse("workspaces:phase_add", args=[admin.workspace.slug])).status_code == 405


def test_a_rename_over_someone_elses_is_refused_saying_what_changed(client, admin):
    team_phases.phase_rename(workspace=admin.workspace, phase_key="launch", name="GTM")  # someone else, meanwhile
    response = client.post(
        reverse("workspaces:phase_rename", args=[admin.workspace.slug, "launch"]), {"name": "Go live", "was": "Launch"}
    )
    html = response.content.decode()
    assert response.status_code == 409 and "Someone renamed this phase to “GTM”" in html
    assert 'id="phase-error-launch"' in html and names(admin.workspace)[3] == "GTM"


def test_a_rename_without_the_name_the_page_showed_never_overwrites(client, admin):
    """The form always sends the name it showed; a request without it is treated as stale."""
    team_phases.phase_rename(workspace=admin.workspace, phase_key="launch", name="GTM")
    response = client.post(reverse("workspaces:phase_rename", args=[admin.workspace.slug, "launch"]), {"name": "Mine"})
    assert response.status_code == 409 and names(admin.workspace)[3] == "GTM"
