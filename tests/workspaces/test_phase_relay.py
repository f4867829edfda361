"""Who drives each phase and who navigates: the lifecycle's relay by default, a team's own
phases shared, and admins' changes checked against the workspace's roles and what they saw."""

import pytest
from django.urls import reverse

from core.errors import Conflict, InvalidInput
from tests.factories import MatrixFactory, MembershipFactory, RoleFactory
from workspaces import team_phases
from workspaces.models import Access, Phase
from workspaces.phases import PhaseList, drivers_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    member = MembershipFactory(access=Access.ADMIN)
    RoleFactory(workspace=member.workspace, code="PM", name="Product Manager")
    RoleFactory(workspace=member.workspace, code="PMM", name="Product Marketing Manager")
    return member


def relay(workspace):
    return {p.key: (p.driver, p.navigator) for p in team_phases.phase_list(workspace_id=workspace.pk)}


LIFECYCLE_RELAY = {
    "insight": ("shared", ""),
    "strategy": ("split", ""),
    "build": ("PM", "PMM"),
    "launch": ("PMM", "PM"),
    "post_launch": ("shared", ""),
}


def test_the_lifecycle_phases_follow_the_articles_relay_before_anything_is_stored(admin):
    assert relay(admin.workspace) == LIFECYCLE_RELAY
    assert not Phase.objects.exists()


def test_storing_the_phases_keeps_the_relay_and_a_teams_own_phase_starts_shared(admin):
    team_phases.phases_add(workspace=admin.workspace, names=["Hypercare"])
    stored = relay(admin.workspace)
    assert {k: v for k, v in stored.items() if not k.startswith("t-")} == LIFECYCLE_RELAY
    assert [v for k, v in stored.items() if k.startswith("t-")] == [("shared", "")]


def test_an_admin_adding_a_phase_may_name_its_driver(admin):
    phase = team_phases.phase_add(workspace=admin.workspace, name="Beta", driver="PM", navigator="PMM")
    assert (phase.driver, phase.navigator) == ("PM", "PMM")
    assert phase.relay_label == "PM drives, PMM navigates"


def test_who_drives_is_the_driver_the_pair_for_a_split_phase_and_nobody_alone_for_a_shared_one():
    assert drivers_of("PMM") == ("PMM",)
    assert drivers_of("split") == ("PM", "PMM")
    assert drivers_of("shared") == ()
    assert PhaseList.default().drivers() == {"strategy": ("PM", "PMM"), "build": ("PM",), "launch": ("PMM",)}


def test_an_admin_changes_who_drives_a_phase(admin):
    team_phases.phase_relay_set(workspace=admin.workspace, phase_key="insight", driver="PMM", navigator="PM")
    assert relay(admin.workspace)["insight"] == ("PMM", "PM")


@pytest.mark.parametrize(
    ("driver", "navigator", "message"),
    [
        ("CEO", "", "no role of this workspace"),
        ("PM", "CEO", "no role of this workspace"),
        ("PM", "PM", "cannot drive and navigate"),
        ("shared", "PM", "has no navigator"),
        ("PM\x00", "", "from the lists"),
        ("P" * 200, "", "from the lists"),
    ],
)
def test_a_driver_or_navigator_that_is_no_role_is_refused(admin, driver, navigator, message):
    with pytest.raises(InvalidInput, match=message):
        team_phases.phase_relay_set(workspace=admin.workspace, phase_key="build", driver=driver, navigator=navigator)
    assert relay(admin.workspace)["build"] == ("PM", "PMM")


def test_a_change_made_on_a_stale_page_is_refused(admin):
    team_phases.phase_relay_set(workspace=admin.workspace, phase_key="build", driver="PMM", navigator="")
    with pytest.raises(Conflict, match="Someone changed who drives"):
        team_phases.phase_relay_set(
            workspace=admin.workspace, phase_key="build", driver="shared", navigator="", expected=("PM", "PMM")
        )
    assert relay(admin.workspace)["build"] == ("PMM", "")


def test_the_settings_page_lets_admins_edit_the_relay_and_shows_others_the_label(client, admin):
    url = reverse("workspaces:workspace_settings", args=[admin.workspace.slug])
    client.force_login(admin.user)
    html = client.get(url).content.decode()
    assert 'id="phase-driver-build"' in html and "Product Management vs. Product Marketing: Key Differences" in html
    viewer = MembershipFactory(workspace=admin.workspace, access=Access.VIEWER)
    client.force_login(viewer.user)
    html = client.get(url).content.decode()
    assert 'id="phase-driver-build"' not in html and "PM drives, PMM navigates" in html


def test_only_an_admin_may_post_the_relay(client, admin):
    editor = MembershipFactory(workspace=admin.workspace, access=Access.EDITOR)
    client.force_login(editor.user)
    post = {"driver": "PMM", "navigator": "", "was_driver": "PM", "was_navigator": "PMM"}
    response = client.post(reverse("workspaces:phase_relay", args=[admin.workspace.slug, "build"]), post)
    assert response.status_code in (403, 404)
    assert relay(admin.workspace)["build"] == ("PM", "PMM")
    client.force_login(admin.user)
    response = client.post(reverse("workspaces:phase_relay", args=[admin.workspace.slug, "build"]), post)
    assert response.status_code == 302 and relay(admin.workspace)["build"] == ("PMM", "")
    response = client.post(reverse("workspaces:phase_relay", args=[admin.workspace.slug, "build"]), post)
    assert response.status_code == 409 and "Someone changed who drives" in response.content.decode()


def test_the_matrix_shows_who_drives_in_each_phase_header_citing_the_article(client, admin):
    from raci.models import Activity, Column
    from workspaces.models import Role

    matrix = MatrixFactory(workspace=admin.workspace)
    Column.objects.create(matrix=matrix, role=Role.objects.get(workspace=admin.workspace, code="PM"))
    Activity.objects.create(matrix=matrix, name="Specs", phase="build")
    client.force_login(admin.user)
    html = client.get(reverse("raci:matrix", args=[admin.workspace.slug, matrix.slug])).content.decode()
    assert 'class="relay"' in html and "PM drives, PMM navigates" in html
    # The phase's name stays the row group's header; who drives it sits beside it.
    assert '<th scope="rowgroup">Build &amp; Validate</th><td class="relay-cell"' in html
    assert "<cite>Product Management vs. Product Marketing: Key Differences</cite>" in html
