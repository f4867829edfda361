"""Undo of a person's own last change (Ctrl+Z in the grid): a stack of their own cell edits
and groups kept in the change log, refused like a stale edit when someone else changed it."""

import pytest

from core import errors
from raci import changelog, services
from raci.models import Cell, ChangeEvent
from tests.factories import MembershipFactory, build_matrix

pytestmark = pytest.mark.django_db


@pytest.fixture
def me():
    return MembershipFactory(access="editor", user__first_name="Mia", user__last_name="Lund")


@pytest.fixture
def ana(me):
    return MembershipFactory(workspace=me.workspace, access="editor", user__first_name="Ana", user__last_name="Ortiz")


@pytest.fixture
def grid(me):
    return build_matrix(me.workspace, activities=3, roles=3)


def _value(activity, role):
    cell = Cell.objects.filter(activity=activity, role=role).first()
    return cell.value if cell else ""


def _set(matrix, activity, role, value, who):
    cell = Cell.objects.filter(activity=activity, role=role).first()
    return services.cell_set(
        matrix=matrix,
        activity_id=activity.pk,
        role_id=role.pk,
        value=value,
        expected_version=cell.version if cell else 0,
        actor=who.user,
    )


def test_undo_restores_the_previous_letter_of_my_last_edit(grid, me):
    matrix, acts, roles = grid
    _set(matrix, acts[0], roles[1], "R", me)
    result = services.undo_last(matrix=matrix, actor=me.user)
    assert _value(acts[0], roles[1]) == "C"
    assert result.label == "Undo: Activity 0 × GRI1 set to R"
    undo = ChangeEvent.objects.get(matrix=matrix, kind="undo")
    assert undo.group == result.group and undo.group_label == "Undo: Activity 0 × GRI1 set to R"


def test_undo_is_repeatable_newest_first_even_on_the_same_cell(grid, me):
    matrix, acts, roles = grid
    _set(matrix, acts[0], roles[1], "A", me)
    _set(matrix, acts[0], roles[1], "AR", me)
    _set(matrix, acts[1], roles[2], "I", me)
    services.undo_last(matrix=matrix, actor=me.user)
    assert _value(acts[1], roles[2]) == "C"
    services.undo_last(matrix=matrix, actor=me.user)
    assert _value(acts[0], roles[1]) == "A"
    services.undo_last(matrix=matrix, actor=me.user)
    assert _value(acts[0], roles[1]) == "C"
    with pytest.raises(errors.InvalidInput, match="Nothing to undo"):
        services.undo_last(matrix=matrix, actor=me.user)


def test_the_stack_is_kept_in_the_change_log_so_it_survives_a_reload(grid, me):
    matrix, acts, roles = grid
    _set(matrix, acts[2], roles[0], "I", me)
    matrix.refresh_from_db()  # a new request: nothing is held in memory
    services.undo_last(matrix=matrix, actor=me.user)
    assert _value(acts[2], roles[0]) == "C"


def test_undo_skips_others_changes_and_takes_back_only_mine(grid, me, ana):
    matrix, acts, roles = grid
    _set(matrix, acts[0], roles[1], "R", me)
    _set(matrix, acts[1], roles[0], "I", ana)
    services.undo_last(matrix=matrix, actor=me.user)
    assert _value(acts[0], roles[1]) == "C"
    assert _value(acts[1], roles[0]) == "I"


def test_undo_is_refused_when_someone_else_changed_that_cell_since_and_says_who(grid, me, ana):
    matrix, acts, roles = grid
    _set(matrix, acts[0], roles[1], "R", me)
    _set(matrix, acts[0], roles[1], "I", ana)
    with pytest.raises(errors.StaleChanges) as refused:
        services.undo_last(matrix=matrix, actor=me.user)
    assert "Ana Ortiz set Activity 0 × GRI1 to I" in refused.value.message
    assert _value(acts[0], roles[1]) == "I"
    assert not ChangeEvent.objects.filter(matrix=matrix, kind="undo").exists()
    matrix.refresh_from_db()
    assert matrix.last_seq == 2


def test_a_group_is_undone_as_one_step(grid, me):
    matrix, acts, roles = grid
    services.cells_set(
        matrix=matrix,
        actor=me.user,
        label="Fix: two cells",
        changes=[
            services.CellChange(acts[0].pk, roles[1].pk, "I"),
            services.CellChange(acts[1].pk, roles[2].pk, "R"),
        ],
    )
    result = services.undo_last(matrix=matrix, actor=me.user)
    assert result.label == "Undo: Fix: two cells"
    assert (_value(acts[0], roles[1]), _value(acts[1], roles[2])) == ("C", "C")


def test_an_undo_is_itself_recorded_and_not_on_the_stack(grid, me):
    matrix, acts, roles = grid
    _set(matrix, acts[0], roles[1], "R", me)
    _set(matrix, acts[0], roles[2], "R", me)
    services.undo_last(matrix=matrix, actor=me.user)
    stack = services.own_changes(matrix=matrix, actor=me.user, limit=5)
    assert [changelog.unit_label(e) for e in stack] == ["Activity 0 × GRI1 set to R"]


def test_a_change_undo_cannot_revert_is_refused_and_named(grid, me):
    matrix, acts, roles = grid
    _set(matrix, acts[0], roles[1], "R", me)
    services.activity_update(
        matrix=matrix,
        activity_id=acts[2].pk,
        name="Pricing",
        phase="strategy",
        description="",
        expected_version=acts[2].version,
        actor=me.user,
    )
    with pytest.raises(errors.InvalidInput, match="cannot be undone here"):
        services.undo_last(matrix=matrix, actor=me.user)
    assert _value(acts[0], roles[1]) == "R"


def test_undo_of_a_cell_whose_row_was_removed_is_refused_and_saves_nothing(grid, me, ana):
    matrix, acts, roles = grid
    _set(matrix, acts[0], roles[1], "R", me)
    services.activity_delete(matrix=matrix, activity_id=acts[0].pk, actor=ana.user)
    with pytest.raises((errors.NotFound, errors.StaleChanges)):
        services.undo_last(matrix=matrix, actor=me.user)
    assert not ChangeEvent.objects.filter(matrix=matrix, kind="undo").exists()


def test_an_edit_undone_from_the_history_is_not_undone_twice(grid, me):
    matrix, acts, roles = grid
    _set(matrix, acts[0], roles[1], "R", me)
    result = services.cells_set(
        matrix=matrix,
        actor=me.user,
        label="Paste of 1×1 cells",
        changes=[services.CellChange(acts[1].pk, roles[0].pk, "I")],
    )
    services.group_undo(matrix=matrix, group=result.group, actor=me.user)
    services.undo_last(matrix=matrix, actor=me.user)
    assert (_value(acts[0], roles[1]), _value(acts[1], roles[0])) == ("C", "C")


def test_an_undo_undone_from_the_history_lets_the_change_before_it_be_undone(grid, me):
    matrix, acts, roles = grid
    _set(matrix, acts[0], roles[1], "A", me)
    _set(matrix, acts[0], roles[1], "R", me)
    first_undo = services.undo_last(matrix=matrix, actor=me.user)  # back to A
    services.group_undo(matrix=matrix, group=first_undo.group, actor=me.user)  # R again (a redo)
    assert _value(acts[0], roles[1]) == "R"
    services.undo_last(matrix=matrix, actor=me.user)  # the redo: back to A
    assert _value(acts[0], roles[1]) == "A"


def test_redo_takes_back_my_undos_newest_first_and_is_labelled_redo(grid, me):
    matrix, acts, roles = grid
    _set(matrix, acts[0], roles[1], "R", me)
    _set(matrix, acts[1], roles[2], "I", me)
    services.undo_last(matrix=matrix, actor=me.user)
    services.undo_last(matrix=matrix, actor=me.user)
    result = services.redo_last(matrix=matrix, actor=me.user)
    assert result.label == "Redo: Activity 0 × GRI1 set to R"
    assert (_value(acts[0], roles[1]), _value(acts[1], roles[2])) == ("R", "C")
    services.redo_last(matrix=matrix, actor=me.user)
    assert _value(acts[1], roles[2]) == "I"
    with pytest.raises(errors.InvalidInput, match="Nothing to redo"):
        services.redo_last(matrix=matrix, actor=me.user)
    services.undo_last(matrix=matrix, actor=me.user)  # undo works on a redo like on any change
    assert _value(acts[1], roles[2]) == "C"


def test_a_new_edit_after_an_undo_ends_the_redos(grid, me):
    matrix, acts, roles = grid
    _set(matrix, acts[0], roles[1], "R", me)
    services.undo_last(matrix=matrix, actor=me.user)
    _set(matrix, acts[2], roles[0], "I", me)
    with pytest.raises(errors.InvalidInput, match="Nothing to redo"):
        services.redo_last(matrix=matrix, actor=me.user)
    assert _value(acts[0], roles[1]) == "C"


def test_redo_is_refused_when_someone_else_changed_that_cell_since(grid, me, ana):
    matrix, acts, roles = grid
    _set(matrix, acts[0], roles[1], "R", me)
    services.undo_last(matrix=matrix, actor=me.user)
    _set(matrix, acts[0], roles[1], "I", ana)
    with pytest.raises(errors.StaleChanges, match="Ana Ortiz set Activity 0 × GRI1 to I"):
        services.redo_last(matrix=matrix, actor=me.user)
    assert _value(acts[0], roles[1]) == "I"
