"""The change log API: one record, groups of changes made as one, and undoing a group."""

import pytest

from core.errors import InvalidInput, NotFound, StaleChanges
from raci import changelog
from raci import services as raci_services
from raci.models import Cell, ChangeEvent
from tests.factories import MembershipFactory, build_matrix

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    return MembershipFactory(access="editor")


@pytest.fixture
def grid(member):
    return build_matrix(member.workspace, activities=3, roles=3)


def _value(activity, role):
    cell = Cell.objects.filter(activity=activity, role=role).first()
    return cell.value if cell else ""


def test_a_group_gives_every_event_inside_it_the_id_of_its_first_and_its_label(grid, member):
    matrix, acts, roles = grid
    with changelog.changes_group(matrix=matrix, label="Paste two cells"):
        raci_services.cell_set(
            matrix=matrix, activity_id=acts[0].pk, role_id=roles[1].pk, value="R", expected_version=1, actor=member.user
        )
        raci_services.activity_add(matrix=matrix, name="New row", actor=member.user)
    events = list(ChangeEvent.objects.filter(matrix=matrix).order_by("seq"))
    assert [(e.group, e.group_label) for e in events] == [(events[0].seq, "Paste two cells")] * 2


def test_events_outside_a_group_have_none(grid, member):
    matrix, acts, roles = grid
    raci_services.cell_set(
        matrix=matrix, activity_id=acts[0].pk, role_id=roles[1].pk, value="R", expected_version=1, actor=member.user
    )
    assert ChangeEvent.objects.get(matrix=matrix).group is None


def test_a_failing_group_saves_nothing(grid, member):
    matrix, acts, roles = grid
    with pytest.raises(InvalidInput):
        with changelog.changes_group(matrix=matrix, label="Half"):
            raci_services.cells_set(
                matrix=matrix,
                actor=member.user,
                label="Half",
                changes=[raci_services.CellChange(acts[0].pk, roles[1].pk, "R")],
            )
            raci_services.activity_add(matrix=matrix, name="", actor=member.user)
    assert _value(acts[0], roles[1]) == "C"
    assert not ChangeEvent.objects.filter(matrix=matrix).exists()
    matrix.refresh_from_db()
    assert matrix.last_seq == 0


def test_cells_set_writes_many_cells_as_one_group_with_gap_free_numbers(grid, member):
    matrix, acts, roles = grid
    result = raci_services.cells_set(
        matrix=matrix,
        actor=member.user,
        label="Two",
        changes=[
            raci_services.CellChange(acts[0].pk, roles[1].pk, "R"),
            raci_services.CellChange(acts[1].pk, roles[2].pk, "I"),
            raci_services.CellChange(acts[2].pk, roles[2].pk, "AR"),
        ],
    )  # already A/R: no event
    assert result.changed == 2
    assert list(ChangeEvent.objects.filter(matrix=matrix).values_list("seq", "group")) == [(1, 1), (2, 1)]
    matrix.refresh_from_db()
    assert matrix.last_seq == 2


def test_cells_set_since_refuses_when_a_cell_changed_and_says_who(grid, member):
    matrix, acts, roles = grid
    since = matrix.last_seq
    other = MembershipFactory(workspace=member.workspace, user__first_name="Ana", user__last_name="Ortiz")
    raci_services.cell_set(
        matrix=matrix, activity_id=acts[0].pk, role_id=roles[1].pk, value="I", expected_version=1, actor=other.user
    )
    with pytest.raises(StaleChanges) as refused:
        raci_services.cells_set(
            matrix=matrix,
            actor=member.user,
            label="Mine",
            since=since,
            changes=[raci_services.CellChange(acts[0].pk, roles[1].pk, "R")],
        )
    assert "Ana Ortiz set Activity 0 × GRI1 to I" in refused.value.changes[0]
    assert _value(acts[0], roles[1]) == "I"


def test_group_undo_restores_the_letters_as_a_group_of_its_own(grid, member):
    matrix, acts, roles = grid
    done = raci_services.cells_set(
        matrix=matrix,
        actor=member.user,
        label="Fix: two",
        changes=[
            raci_services.CellChange(acts[0].pk, roles[1].pk, "A"),
            raci_services.CellChange(acts[0].pk, roles[2].pk, ""),
        ],
    )
    undo = raci_services.group_undo(matrix=matrix, group=done.group, actor=member.user)
    assert (_value(acts[0], roles[1]), _value(acts[0], roles[2])) == ("C", "C")
    assert undo.label == "Undo: Fix: two"
    assert set(ChangeEvent.objects.filter(matrix=matrix, group=undo.group).values_list("kind", flat=True)) == {
        "undo",
        "cell",
    }
    matrix.refresh_from_db()
    assert matrix.errors == 0


def test_group_undo_is_refused_when_a_cell_of_the_group_changed_since(grid, member):
    matrix, acts, roles = grid
    done = raci_services.cells_set(
        matrix=matrix, actor=member.user, label="Fix", changes=[raci_services.CellChange(acts[0].pk, roles[1].pk, "R")]
    )
    raci_services.cell_set(
        matrix=matrix, activity_id=acts[0].pk, role_id=roles[1].pk, value="I", expected_version=2, actor=member.user
    )
    with pytest.raises(StaleChanges, match="changed since"):
        raci_services.group_undo(matrix=matrix, group=done.group, actor=member.user)
    assert _value(acts[0], roles[1]) == "I"


def test_an_undo_can_be_undone_but_a_group_is_undone_only_once(grid, member):
    matrix, acts, roles = grid
    done = raci_services.cells_set(
        matrix=matrix, actor=member.user, label="Fix", changes=[raci_services.CellChange(acts[0].pk, roles[1].pk, "R")]
    )
    undo = raci_services.group_undo(matrix=matrix, group=done.group, actor=member.user)
    with pytest.raises(InvalidInput, match="undone already"):
        raci_services.group_undo(matrix=matrix, group=done.group, actor=member.user)
    raci_services.group_undo(matrix=matrix, group=undo.group, actor=member.user)
    assert _value(acts[0], roles[1]) == "R"


def test_undo_of_an_unknown_group_is_not_found(grid, member):
    with pytest.raises(NotFound):
        raci_services.group_undo(matrix=grid[0], group=999, actor=member.user)
