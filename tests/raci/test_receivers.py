"""raci's answers to a workspace's phase changes: renames recorded in the matrices'
history, removal refused while activities are in the phase."""

import pytest
from django.urls import reverse

from core.errors import InvalidInput
from raci import services
from raci.models import ChangeEvent, Template, TemplateActivity
from tests.factories import MatrixFactory, MembershipFactory
from workspaces import team_phases
from workspaces.models import Access

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return MembershipFactory(access=Access.ADMIN)


def test_a_rename_is_recorded_in_each_matrix_using_the_phase(client, admin):
    beta = team_phases.phase_add(workspace=admin.workspace, name="Beta")
    using = MatrixFactory(workspace=admin.workspace, name="Uses beta")
    other = MatrixFactory(workspace=admin.workspace, name="Elsewhere")
    services.activity_add(matrix=using, name="Beta sign-up", phase=beta.key, actor=admin.user)
    services.activity_add(matrix=other, name="Pricing", phase="strategy", actor=admin.user)
    team_phases.phase_rename(workspace=admin.workspace, phase_key=beta.key, name="Public beta", actor=admin.user)
    event = ChangeEvent.objects.get(matrix=using, kind="phase.update")
    assert (event.before, event.after, event.actor) == ({"name": "Beta"}, {"name": "Public beta"}, admin.user)
    assert not ChangeEvent.objects.filter(matrix=other, kind="phase.update").exists()
    client.force_login(admin.user)
    page = client.get(reverse("raci:history", args=[admin.workspace.slug, using.slug])).content.decode()
    assert "renamed phase" in page and "Public beta" in page


def test_a_phase_holding_activities_cannot_be_removed(admin):
    matrix = MatrixFactory(workspace=admin.workspace, name="Launch plan")
    services.activity_add(matrix=matrix, name="Naming", phase="launch", actor=admin.user)
    with pytest.raises(InvalidInput, match="“Launch” still holds 1 activity \\(in “Launch plan”\\)"):
        team_phases.phase_remove(workspace=admin.workspace, phase_key="launch")
    assert "launch" in team_phases.phase_list(workspace_id=admin.workspace.pk)


def test_a_phase_a_workspace_template_uses_cannot_be_removed(admin):
    alpha = team_phases.phase_add(workspace=admin.workspace, name="Alpha")
    template = Template.objects.create(workspace=admin.workspace, name="Ours", slug="ours", stage="startup")
    TemplateActivity.objects.create(template=template, name="Cohort", phase=alpha.key, order=0, letters={})
    with pytest.raises(InvalidInput, match="template “Ours”"):
        team_phases.phase_remove(workspace=admin.workspace, phase_key=alpha.key)


def test_the_matrix_groups_rows_by_the_workspaces_phases_in_their_order(client, admin):
    ga = team_phases.phase_add(workspace=admin.workspace, name="GA")
    team_phases.phase_move(workspace=admin.workspace, phase_key=ga.key, direction="up")  # before Post-Launch
    matrix = MatrixFactory(workspace=admin.workspace, name="Rollout")
    for name, phase in (("Debrief", "post_launch"), ("GA announcement", ga.key), ("Interviews", "insight")):
        services.activity_add(matrix=matrix, name=name, phase=phase, actor=admin.user)
    client.force_login(admin.user)
    html = client.get(reverse("raci:matrix", args=[admin.workspace.slug, matrix.slug])).content.decode()
    assert html.index(">Insight/Discovery</th>") < html.index(">GA</th>") < html.index(">Post-Launch</th>")
    assert f'<option value="{ga.key}">GA</option>' in html


def test_an_activity_cannot_go_in_a_phase_the_workspace_does_not_have(admin):
    other = MembershipFactory(access=Access.ADMIN).workspace
    theirs = team_phases.phase_add(workspace=other, name="Theirs")
    matrix = MatrixFactory(workspace=admin.workspace)
    with pytest.raises(InvalidInput, match="not one of the workspace's phases"):
        services.activity_add(matrix=matrix, name="Sneaky", phase=theirs.key, actor=admin.user)


def test_a_matrix_from_a_template_brings_back_a_removed_lifecycle_phase(client, admin):
    from raci.seeding import templates_seed

    templates_seed()
    team_phases.phase_remove(workspace=admin.workspace, phase_key="post_launch")
    template = Template.objects.filter(workspace=None).first()
    services.matrix_create(workspace=admin.workspace, name="From template", template=template, actor=admin.user)
    assert "post_launch" in team_phases.phase_list(workspace_id=admin.workspace.pk)


def test_the_history_names_a_team_phase_by_its_current_name_not_its_key(client, admin):
    beta = team_phases.phase_add(workspace=admin.workspace, name="Beta")
    matrix = MatrixFactory(workspace=admin.workspace, name="Rollout")
    services.activity_add(matrix=matrix, name="Sign-up page", phase=beta.key, actor=admin.user)
    team_phases.phase_rename(workspace=admin.workspace, phase_key=beta.key, name="Open beta")
    client.force_login(admin.user)
    page = client.get(reverse("raci:history", args=[admin.workspace.slug, matrix.slug])).content.decode()
    assert "<dd>Open beta</dd>" in page and beta.key not in page
