import pytest

from core import errors as core_errors
from raci import services
from raci.models import Activity, Cell, ChangeEvent, Column, Template
from raci.seeding import templates_seed
from raci.selectors import matrix_grid
from tests.factories import MembershipFactory, UserFactory, build_matrix
from workspaces import services as workspaces_services
from workspaces.models import Membership, Role, RoleHolder

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    return MembershipFactory(access="admin")


@pytest.fixture
def grid3(member):
    return build_matrix(member.workspace, activities=3, roles=3)


def test_matrix_from_the_default_template_copies_roles_activities_and_letters(member):
    templates_seed()
    template = Template.objects.get(slug="pm-pmm-scaleup", workspace=None)
    matrix = services.matrix_create(workspace=member.workspace, name="Core", actor=member.user, template=template)
    grid = matrix_grid(matrix=matrix)
    assert [c.code for c in grid.columns] == ["PM", "PMM", "ENG", "UX", "SALES", "CS", "REVOPS"]
    assert len(grid.activities) == 19
    assert not [f for f in grid.findings if f.severity != "info"]
    naming = next(a for a in grid.activities if a.name == "Naming")
    pmm = grid.columns[1].role_id
    assert grid.cells[(naming.id, pmm)][0] == "AR"
    # Each row remembers which template activity it is and where its letters come from.
    readiness = next(a for a in grid.activities if a.name == "Launch Readiness")
    assert readiness.template_key == "launch-readiness"
    assert "PM A (“Product Management vs. Product Marketing: Key Differences”:" in readiness.source
    assert "Our default:" in readiness.source
    assert readiness.source in readiness.hover
    assert matrix.owner == member.user
    assert ChangeEvent.objects.filter(matrix=matrix, kind="matrix.create").count() == 1


def test_template_roles_reuse_the_workspace_roles_with_the_same_code(member):
    templates_seed()
    existing = workspaces_services.role_create(workspace=member.workspace, name="Product manager", code="pm")
    template = Template.objects.get(slug="pm-pmm-scaleup", workspace=None)
    services.matrix_create(workspace=member.workspace, name="One", actor=member.user, template=template)
    services.matrix_create(workspace=member.workspace, name="Two", actor=member.user, template=template)
    assert Role.objects.filter(workspace=member.workspace).count() == 7
    assert Column.objects.filter(role=existing).count() == 2


def test_the_startup_template_gives_its_creator_both_hats(member):
    templates_seed()
    template = Template.objects.get(slug="pm-pmm-startup", workspace=None)
    matrix = services.matrix_create(workspace=member.workspace, name="Seed stage", actor=member.user, template=template)
    grid = matrix_grid(matrix=matrix)
    # The template accepts the shared hats on purpose: the finding is there, and accepted.
    assert [f.rule for f in grid.all_findings() if f.person == member.pk] == ["shared-hats"]
    assert [f.rule for f, _ in grid.accepted if f.person == member.pk] == ["shared-hats"]


def test_duplicate_matrix_names_are_refused_in_one_workspace(member):
    services.matrix_create(workspace=member.workspace, name="Core", actor=member.user)
    with pytest.raises(core_errors.InvalidInput, match="already has a matrix"):
        services.matrix_create(workspace=member.workspace, name="core", actor=member.user)


def test_matrix_slugs_stay_unique(member):
    a = services.matrix_create(workspace=member.workspace, name="Core!", actor=member.user)
    b = services.matrix_create(workspace=member.workspace, name="Core?", actor=member.user)
    assert a.slug == "core" and b.slug == "core-2"


@pytest.mark.parametrize("name, message", [("", "needs a name"), ("   ", "needs a name"), ("x" * 201, "limit is 200")])
def test_bad_activity_names_are_refused_with_a_message(grid3, member, name, message):
    matrix = grid3[0]
    with pytest.raises(core_errors.InvalidInput, match=message):
        services.activity_add(matrix=matrix, name=name, actor=member.user)
    assert Activity.objects.filter(matrix=matrix).count() == 3


def test_activity_names_are_unique_within_a_phase_only(grid3, member):
    matrix = grid3[0]
    with pytest.raises(core_errors.InvalidInput, match="already an activity"):
        services.activity_add(matrix=matrix, name="activity 0", phase="strategy", actor=member.user)
    services.activity_add(matrix=matrix, name="Activity 0", phase="launch", actor=member.user)


def test_renaming_an_activity_is_recorded_with_before_and_after(grid3, member):
    matrix, acts, _ = grid3
    services.activity_update(
        matrix=matrix,
        activity_id=acts[0].pk,
        name="Pricing",
        phase="strategy",
        description="Willingness to pay",
        actor=member.user,
    )
    event = ChangeEvent.objects.get(kind="activity.update")
    assert event.before["name"] == "Activity 0" and event.after["name"] == "Pricing"


def test_moving_an_activity_swaps_it_with_its_neighbour(grid3, member):
    matrix, acts, _ = grid3
    services.activity_move(matrix=matrix, activity_id=acts[2].pk, direction="up", actor=member.user)
    assert [a.name for a in matrix_grid(matrix=matrix).activities] == ["Activity 0", "Activity 2", "Activity 1"]
    services.activity_move(matrix=matrix, activity_id=acts[0].pk, direction="up", actor=member.user)
    assert ChangeEvent.objects.filter(kind="activity.move").count() == 1


def test_split_makes_input_and_outcome_rows_with_the_same_phase_each_with_one_owner(grid3, member):
    matrix, acts, roles = grid3
    services.activity_split(
        matrix=matrix, activity_id=acts[1].pk, input_role_id=roles[0].pk, outcome_role_id=roles[1].pk, actor=member.user
    )
    grid = matrix_grid(matrix=matrix)
    names = [a.name for a in grid.activities]
    assert names == ["Activity 0", "Activity 1: input", "Activity 1: outcome", "Activity 2"]
    inp, out = grid.activities[1], grid.activities[2]
    assert inp.phase == out.phase == "strategy"
    letters = lambda a: {r: v for (act, r), (v, _) in grid.cells.items() if act == a.id}  # noqa: E731
    assert letters(inp) == {roles[0].pk: "AR", roles[1].pk: "C", roles[2].pk: "C"}
    assert letters(out) == {roles[0].pk: "C", roles[1].pk: "AR", roles[2].pk: "C"}


def test_deleting_an_activity_keeps_its_letters_in_the_history(grid3, member):
    matrix, acts, roles = grid3
    services.activity_delete(matrix=matrix, activity_id=acts[0].pk, actor=member.user)
    event = ChangeEvent.objects.get(kind="activity.delete")
    assert event.before["letters"] == {str(roles[0].pk): "AR", str(roles[1].pk): "C", str(roles[2].pk): "C"}
    assert not Activity.objects.filter(pk=acts[0].pk).exists()


def test_adding_a_new_role_as_a_column(grid3, member):
    matrix = grid3[0]
    role = services.column_add(matrix=matrix, name="Sales", code="sales", actor=member.user)
    assert role.code == "SALES"
    assert [c.code for c in matrix_grid(matrix=matrix).columns][-1] == "SALES"
    with pytest.raises(core_errors.InvalidInput, match="already a column"):
        services.column_add(matrix=matrix, role_id=role.pk, actor=member.user)


def test_removing_a_column_hides_its_letters_and_adding_it_back_restores_them(grid3, member):
    matrix, acts, roles = grid3
    services.column_remove(matrix=matrix, role_id=roles[0].pk, actor=member.user)
    grid = matrix_grid(matrix=matrix)
    assert roles[0].pk not in [c.role_id for c in grid.columns]
    assert {f.rule for f in grid.findings} >= {"no-accountable"}
    services.column_add(matrix=matrix, role_id=roles[0].pk, actor=member.user)
    assert not [f for f in matrix_grid(matrix=matrix).findings if f.severity == "error"]


def test_moving_columns(grid3, member):
    matrix, _, roles = grid3
    services.column_move(matrix=matrix, role_id=roles[0].pk, direction="right", actor=member.user)
    assert [c.role_id for c in matrix_grid(matrix=matrix).columns] == [roles[1].pk, roles[0].pk, roles[2].pk]


def test_role_codes_and_names_are_unique_in_a_workspace(member):
    workspaces_services.role_create(workspace=member.workspace, name="Product Manager", code="PM")
    with pytest.raises(core_errors.InvalidInput, match="code PM"):
        workspaces_services.role_create(workspace=member.workspace, name="Another", code="pm")
    with pytest.raises(core_errors.InvalidInput, match="named"):
        workspaces_services.role_create(workspace=member.workspace, name="product manager", code="PM2")


def test_a_role_in_use_cannot_be_deleted(grid3, member):
    _, _, roles = grid3
    with pytest.raises(core_errors.InvalidInput, match="column in"):
        workspaces_services.role_delete(workspace=member.workspace, role_id=roles[0].pk)


def test_role_holders_are_limited_to_the_workspace(member):
    role = workspaces_services.role_create(workspace=member.workspace, name="PM", code="PM")
    stranger = MembershipFactory()
    workspaces_services.role_holders_set(
        workspace=member.workspace, role_id=role.pk, membership_ids=[member.pk, stranger.pk]
    )
    assert list(RoleHolder.objects.values_list("membership_id", flat=True)) == [member.pk]


def test_save_as_template_round_trips_into_a_new_matrix(grid3, member):
    matrix = grid3[0]
    template = services.template_from_matrix(matrix=matrix, name="Our way", stage="scaleup")
    copy = services.matrix_create(workspace=member.workspace, name="Copy", actor=member.user, template=template)
    a, b = matrix_grid(matrix=matrix), matrix_grid(matrix=copy)
    assert [x.name for x in a.activities] == [x.name for x in b.activities]
    assert sorted(v for v, _ in a.cells.values()) == sorted(v for v, _ in b.cells.values())


def test_the_last_admin_cannot_leave_or_step_down(member):
    with pytest.raises(core_errors.InvalidInput, match="at least one admin"):
        workspaces_services.member_update(workspace=member.workspace, membership_id=member.pk, access="editor")
    with pytest.raises(core_errors.InvalidInput, match="at least one admin"):
        workspaces_services.membership_remove(membership=member, handover={}, actor=member.user)
    other = MembershipFactory(workspace=member.workspace, access="admin")
    workspaces_services.membership_remove(membership=member, handover={}, actor=other.user)
    assert list(Membership.objects.filter(workspace=member.workspace)) == [other]


def test_workspace_creator_is_its_admin():
    user = UserFactory()
    workspace = workspaces_services.workspace_create(name="Growth squad", owner=user)
    assert workspace.slug == "growth-squad"
    assert Membership.objects.get(workspace=workspace).access == "admin"


def test_threshold_settings_change_the_findings(grid3, member):
    matrix, acts, roles = grid3
    for role in roles[1:]:
        Cell.objects.filter(activity=acts[0], role=role).update(value="R")
    assert not [f for f in matrix_grid(matrix=matrix).findings if f.rule == "too-many-responsible"]
    services.matrix_update(
        matrix=matrix,
        name=matrix.name,
        description="",
        max_responsible=2,
        max_consulted=4,
        overload_min_activities=5,
        review_cadence_days=None,
        actor=member.user,
    )
    assert [f.rule for f in matrix_grid(matrix=matrix).findings if f.activity == acts[0].pk] == ["too-many-responsible"]


def test_changing_who_holds_a_role_is_recorded_in_every_matrix_with_that_column(grid3, member):
    """The shared-hats finding moves with the holders: the change bumps each matrix's
    sequence, so open pages refresh, and its history says who changed it."""
    matrix, _, roles = grid3
    elsewhere = build_matrix(member.workspace, activities=1, roles=1, name="Other")[0]
    before, elsewhere_before = matrix.last_seq, elsewhere.last_seq
    workspaces_services.role_holders_set(
        workspace=member.workspace, role_id=roles[0].pk, membership_ids=[member.pk], actor=member.user
    )
    matrix.refresh_from_db()
    elsewhere.refresh_from_db()
    assert matrix.last_seq == before + 1 and elsewhere.last_seq == elsewhere_before
    event = ChangeEvent.objects.get(matrix=matrix, seq=matrix.last_seq)
    assert (event.kind, event.target, event.actor_id) == ("role.holders", roles[0].code, member.user.pk)
