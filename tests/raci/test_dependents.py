"""Nothing that deletes a row or a column takes others' work along unseen: removing a row
or a column, an undo (of an added or split row, of an added column), an import's
replacement of the contents all refuse, naming what would be lost, while anything hangs
off what they delete. The relations are walked from the models, so a new one is caught
here until it has a case; and redo is never refused for what an undo made."""

from collections.abc import Callable
from datetime import date

import pytest

from core import errors
from raci import dependents, services
from raci.models import Activity, Cell, ChangeEvent, Column, Decision
from raci.tabular import ActivitySpec
from tests.factories import MembershipFactory, build_matrix
from workshops.models import Proposal, RowNote, Settlement, Workshop

pytestmark = pytest.mark.django_db


@pytest.fixture
def me():
    return MembershipFactory(access="editor", user__first_name="Mia", user__last_name="Lund")


@pytest.fixture
def grid(me):
    return build_matrix(me.workspace, activities=3, roles=3)


def _workshop(matrix, activity, me) -> Workshop:
    workshop = Workshop.objects.create(matrix=matrix, facilitator=me.user, title="Roles")
    workshop.activities.add(activity)
    workshop.participants.add(me)
    return workshop


def _decision(matrix, activity, me) -> Decision:
    return Decision.objects.create(matrix=matrix, activity=activity, what="PMM owns it", decided_on=date(2026, 12, 1))


# What hangs off one activity, one case per relation to `Activity` (app.Model.field).
ON_ACTIVITY: dict[str, Callable] = {
    "raci.decision.activity": lambda matrix, activity, role, me: _decision(matrix, activity, me),
    "workshops.workshop.activities": lambda matrix, activity, role, me: _workshop(matrix, activity, me),
    "workshops.proposal.activity": lambda matrix, activity, role, me: Proposal.objects.create(
        workshop=_workshop(matrix, activity, me), participant=me, activity=activity, role=role, value="R"
    ),
    "workshops.settlement.activity": lambda matrix, activity, role, me: Settlement.objects.create(
        workshop=_workshop(matrix, activity, me), activity=activity, role=role, value="R", agreed=3, total=4
    ),
    "workshops.rownote.activity": lambda matrix, activity, role, me: RowNote.objects.create(
        workshop=_workshop(matrix, activity, me), activity=activity, decision=_decision(matrix, activity, me)
    ),
}
# What points at one cell (an activity and a role together), whose column removal orphans it.
ON_CELL: dict[str, Callable] = {
    "workshops.proposal": ON_ACTIVITY["workshops.proposal.activity"],
    "workshops.settlement": ON_ACTIVITY["workshops.settlement.activity"],
}


def _name(model) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


def test_every_relation_to_an_activity_has_a_case_here():
    found = {f"{_name(r.related_model)}.{r.field.name}" for r in dependents.activity_relations()}
    assert found == set(ON_ACTIVITY), (
        "A model points at an activity: give it a case in ON_ACTIVITY so the delete guards are proved for it"
    )


def test_every_model_on_a_cell_has_a_case_here():
    found = {_name(model) for model, _, _ in dependents.pair_relations()}
    assert found == set(ON_CELL), "A model points at a cell: give it a case in ON_CELL"


def _snapshot():
    return (
        Activity.objects.count(),
        Column.objects.count(),
        Cell.objects.count(),
        ChangeEvent.objects.count(),
        Decision.objects.filter(activity__isnull=False).count(),
        Workshop.activities.through.objects.count(),
        Proposal.objects.count(),
        Settlement.objects.count(),
        RowNote.objects.count(),
    )


def _remove_row(matrix, activity, role, me):
    services.activity_delete(matrix=matrix, activity_id=activity.pk, actor=me.user)


def _undo_added_row(matrix, activity, role, me):
    services.undo_last(matrix=matrix, actor=me.user)


def _undo_split(matrix, activity, role, me):
    services.undo_last(matrix=matrix, actor=me.user)


def _replace_contents(matrix, activity, role, me):
    services.matrix_contents_replace(
        matrix=matrix,
        roles=[role],
        activities=[ActivitySpec(name="New", phase="", letters={0: "AR"})],
        actor=me.user,
        source="plan.csv",
    )


ROW_DELETERS = {
    "remove row": _remove_row,
    "undo of an added row": _undo_added_row,
    "undo of a split (its outcome row)": _undo_split,
    "import replacing the contents": _replace_contents,
}


def _target_row(deleter: str, matrix, acts, roles, me) -> Activity:
    if deleter == "undo of an added row":
        return services.activity_add(matrix=matrix, name="Pricing page", phase="strategy", actor=me.user)
    if deleter == "undo of a split (its outcome row)":
        _, outcome = services.activity_split(
            matrix=matrix, activity_id=acts[0].pk, input_role_id=roles[0].pk, outcome_role_id=roles[1].pk, actor=me.user
        )
        return outcome
    return acts[0]


@pytest.mark.parametrize("relation", sorted(ON_ACTIVITY))
@pytest.mark.parametrize("deleter", sorted(ROW_DELETERS))
def test_a_row_with_work_hanging_off_it_is_not_deleted_and_the_refusal_names_it(grid, me, relation, deleter):
    matrix, acts, roles = grid
    row = _target_row(deleter, matrix, acts, roles, me)
    ON_ACTIVITY[relation](matrix, row, roles[1], me)
    before = _snapshot()
    with pytest.raises(errors.Conflict, match="would delete or orphan what others made on it") as refused:
        ROW_DELETERS[deleter](matrix, row, roles[1], me)
    assert _snapshot() == before
    assert Activity.objects.filter(pk=row.pk).exists()
    assert "Workshops:" in refused.value.message or "RACI: 1 decision" in refused.value.message


def _remove_column(matrix, role, me):
    services.column_remove(matrix=matrix, role_id=role.pk, actor=me.user)


def _undo_added_column(matrix, role, me):
    services.undo_last(matrix=matrix, actor=me.user)


COLUMN_DELETERS = {"remove column": _remove_column, "undo of an added column": _undo_added_column}


@pytest.mark.parametrize("model", sorted(ON_CELL))
@pytest.mark.parametrize("deleter", sorted(COLUMN_DELETERS))
def test_a_column_with_work_on_its_cells_is_not_removed(grid, me, model, deleter):
    matrix, acts, roles = grid
    role = roles[2]
    if deleter == "undo of an added column":
        role = services.column_add(matrix=matrix, name="Support", code="SUP", actor=me.user)
    ON_CELL[model](matrix, acts[1], role, me)
    before = _snapshot()
    with pytest.raises(errors.Conflict, match="Workshops: 1 "):
        COLUMN_DELETERS[deleter](matrix, role, me)
    assert _snapshot() == before
    assert Column.objects.filter(matrix=matrix, role=role).exists()


def test_a_row_or_column_nothing_hangs_off_is_removed_as_before(grid, me):
    matrix, acts, roles = grid
    _workshop(matrix, acts[1], me)  # another row's workshop does not hold this one
    services.activity_delete(matrix=matrix, activity_id=acts[0].pk, actor=me.user)
    services.column_remove(matrix=matrix, role_id=roles[2].pk, actor=me.user)
    assert not Activity.objects.filter(pk=acts[0].pk).exists()
    assert not Column.objects.filter(matrix=matrix, role=roles[2]).exists()


# --- redo is never refused for what an undo made ----------------------------------------------


def _names(matrix):
    return list(Activity.objects.filter(matrix=matrix).values_list("name", flat=True))


def test_an_added_row_undone_comes_back_with_redo_and_goes_again_with_undo(grid, me):
    matrix, acts, roles = grid
    row = services.activity_add(matrix=matrix, name="Pricing page", phase="strategy", actor=me.user)
    services.cell_set(
        matrix=matrix, activity_id=row.pk, role_id=roles[0].pk, value="AR", expected_version=0, actor=me.user
    )
    services.undo_last(matrix=matrix, actor=me.user)  # the letter
    services.undo_last(matrix=matrix, actor=me.user)  # the row
    assert "Pricing page" not in _names(matrix)
    services.redo_last(matrix=matrix, actor=me.user)
    assert "Pricing page" in _names(matrix)
    again = Activity.objects.get(matrix=matrix, name="Pricing page")
    services.redo_last(matrix=matrix, actor=me.user)  # the letter, on the row made again
    assert Cell.objects.get(activity=again, role=roles[0]).value == "AR"
    services.undo_last(matrix=matrix, actor=me.user)
    services.undo_last(matrix=matrix, actor=me.user)
    assert "Pricing page" not in _names(matrix)
    services.redo_last(matrix=matrix, actor=me.user)
    assert "Pricing page" in _names(matrix)


def test_a_split_undone_is_redone_with_both_rows_and_their_letters(grid, me):
    matrix, acts, roles = grid
    services.activity_split(
        matrix=matrix, activity_id=acts[0].pk, input_role_id=roles[0].pk, outcome_role_id=roles[1].pk, actor=me.user
    )
    split = {a.name: dict(a.cells.values_list("role_id", "value")) for a in Activity.objects.filter(matrix=matrix)}
    services.undo_last(matrix=matrix, actor=me.user)
    assert "Activity 0" in _names(matrix) and "Activity 0: outcome" not in _names(matrix)
    services.redo_last(matrix=matrix, actor=me.user)
    again = {a.name: dict(a.cells.values_list("role_id", "value")) for a in Activity.objects.filter(matrix=matrix)}
    assert {k: {r: v for r, v in row.items() if v} for k, row in again.items()} == {
        k: {r: v for r, v in row.items() if v} for k, row in split.items()
    }
    services.undo_last(matrix=matrix, actor=me.user)
    assert "Activity 0" in _names(matrix) and "Activity 0: outcome" not in _names(matrix)


def test_an_added_column_undone_comes_back_with_redo(grid, me):
    matrix, acts, roles = grid
    role = services.column_add(matrix=matrix, name="Support", code="SUP", actor=me.user)
    services.undo_last(matrix=matrix, actor=me.user)
    assert not Column.objects.filter(matrix=matrix, role=role).exists()
    services.redo_last(matrix=matrix, actor=me.user)
    assert Column.objects.filter(matrix=matrix, role=role).exists()


def test_an_undo_refused_for_what_hangs_off_saves_nothing_and_stays_on_the_stack(grid, me):
    matrix, acts, roles = grid
    row = services.activity_add(matrix=matrix, name="Pricing page", phase="strategy", actor=me.user)
    _workshop(matrix, row, me)
    with pytest.raises(errors.Conflict):
        services.undo_last(matrix=matrix, actor=me.user)
    assert services.own_changes(matrix=matrix, actor=me.user)[0].activity_id_ref == row.pk
