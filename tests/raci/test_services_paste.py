"""Pasting a block of letters from a spreadsheet into the grid: validated like an import,
written as one group or not at all, refused when a target cell changed since."""

import pytest

from core import errors
from raci import selectors, services
from raci.models import Cell, ChangeEvent
from raci.selectors import history
from tests.factories import MembershipFactory, build_matrix

pytestmark = pytest.mark.django_db


@pytest.fixture
def me():
    return MembershipFactory(access="editor")


@pytest.fixture
def ana(me):
    return MembershipFactory(workspace=me.workspace, access="editor", user__first_name="Ana", user__last_name="Ortiz")


@pytest.fixture
def grid(me):
    return build_matrix(me.workspace, activities=4, roles=4)


def _letters(acts, roles):
    found = {(c.activity_id, c.role_id): c.value for c in Cell.objects.filter(activity__in=acts)}
    return [[found.get((a.pk, r.pk), "") for r in roles] for a in acts]


def _paste(matrix, acts, roles, text, who, *, row=0, column=0, since=None):
    return services.cells_paste(
        matrix=matrix,
        activity_id=acts[row].pk,
        role_id=roles[column].pk,
        text=text,
        since=matrix.last_seq if since is None else since,
        actor=who.user,
    )


def test_a_block_fills_rightwards_and_down_from_the_cell(grid, me):
    matrix, acts, roles = grid
    result = _paste(matrix, acts, roles, "R\tI\tA/R\r\n-\t\tc\r\n", me, row=1, column=1)
    assert _letters(acts, roles)[1:3] == [["C", "R", "I", "AR"], ["C", "", "", "C"]]
    assert result.label == "Paste of 2×3 cells"


def test_a_paste_is_one_recorded_group_with_its_label(grid, me):
    matrix, acts, roles = grid
    result = _paste(matrix, acts, roles, "R\tR\nI\tI", me)
    events = ChangeEvent.objects.filter(matrix=matrix)
    assert {(e.group, e.group_label) for e in events} == {(result.group, "Paste of 2×2 cells")}
    assert events.count() == result.changed == 4


def test_the_csv_contracts_spellings_are_accepted(grid, me):
    matrix, acts, roles = grid
    _paste(matrix, acts, roles, " r \ta, r\tR/A\t-", me)
    assert _letters(acts, roles)[0] == ["R", "AR", "AR", ""]


def test_an_invalid_value_refuses_the_whole_paste_naming_row_column_and_value(grid, me):
    matrix, acts, roles = grid
    before = _letters(acts, roles)
    with pytest.raises(errors.InvalidInput) as refused:
        _paste(matrix, acts, roles, "R\tI\nR\tX", me, row=1)
    assert "“X” in row “Activity 2”, column GRI1 is not a RACI value" in refused.value.message
    assert refused.value.field == "text"
    assert _letters(acts, roles) == before
    assert not ChangeEvent.objects.filter(matrix=matrix).exists()


def test_several_invalid_values_are_counted(grid, me):
    matrix, acts, roles = grid
    with pytest.raises(errors.InvalidInput, match="2 more values of the block are not valid"):
        _paste(matrix, acts, roles, "X\tY\tZ", me)


def test_a_block_running_past_the_grids_edge_is_refused_whole(grid, me):
    matrix, acts, roles = grid
    before = _letters(acts, roles)
    with pytest.raises(
        errors.InvalidInput,
        match=r"2 rows by 3 columns, but from “Activity 3” × GRI2 the matrix "
        r"has 1 row and 2 columns",
    ):
        _paste(matrix, acts, roles, "R\tR\tR\nR\tR\tR", me, row=3, column=2)
    assert _letters(acts, roles) == before


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "nothing to paste"),
        ("\r\n", "nothing to paste"),
        ("R\tI\nR", "Row 2 of the pasted block has 1 value and row 1 has 2"),
        ("R\x00", "NUL"),
        ("R\t" * 40_000, "larger than 64 KB"),
    ],
)
def test_text_that_is_not_a_block_is_refused_with_a_clear_message(grid, me, text, message):
    matrix, acts, roles = grid
    with pytest.raises(errors.InvalidInput, match=message):
        _paste(matrix, acts, roles, text, me)
    assert not ChangeEvent.objects.filter(matrix=matrix).exists()


def test_a_paste_is_refused_when_someone_changed_a_target_cell_since(grid, me, ana):
    matrix, acts, roles = grid
    since = matrix.last_seq
    services.cell_set(
        matrix=matrix, activity_id=acts[1].pk, role_id=roles[1].pk, value="I", expected_version=1, actor=ana.user
    )
    with pytest.raises(errors.StaleChanges) as refused:
        _paste(matrix, acts, roles, "R\tR\nR\tR", me, since=since)
    assert "Ana Ortiz set Activity 1 × GRI1 to I" in refused.value.message
    assert _letters(acts, roles)[0] == ["AR", "C", "C", "C"]


def test_a_change_elsewhere_since_does_not_block_a_paste(grid, me, ana):
    matrix, acts, roles = grid
    since = matrix.last_seq
    services.cell_set(
        matrix=matrix, activity_id=acts[3].pk, role_id=roles[3].pk, value="I", expected_version=1, actor=ana.user
    )
    _paste(matrix, acts, roles, "R\tR", me, since=since)
    assert _letters(acts, roles)[0][:2] == ["R", "R"]


def test_my_own_edit_since_the_page_loaded_does_not_block_my_paste(grid, me):
    matrix, acts, roles = grid
    since = matrix.last_seq
    services.cell_set(
        matrix=matrix, activity_id=acts[0].pk, role_id=roles[1].pk, value="I", expected_version=1, actor=me.user
    )
    _paste(matrix, acts, roles, "R\tR", me, since=since)
    assert _letters(acts, roles)[0][:2] == ["R", "R"]


def test_a_paste_is_undone_in_one_step(grid, me):
    matrix, acts, roles = grid
    before = _letters(acts, roles)
    _paste(matrix, acts, roles, "R\tI\tI\nI\tR\tI", me, row=2, column=1)
    result = services.undo_last(matrix=matrix, actor=me.user)
    assert result.label == "Undo: Paste of 2×3 cells"
    assert _letters(acts, roles) == before


def test_a_paste_starting_outside_the_matrix_is_not_found(grid, me):
    matrix, acts, roles = grid
    other, other_acts, other_roles = build_matrix(me.workspace, activities=1, roles=1, name="Other")
    with pytest.raises(errors.NotFound):
        services.cells_paste(
            matrix=matrix, activity_id=other_acts[0].pk, role_id=roles[0].pk, text="R", since=0, actor=me.user
        )


def test_a_paste_that_changes_nothing_records_nothing(grid, me):
    matrix, acts, roles = grid
    result = _paste(matrix, acts, roles, "AR\tC", me)
    assert result.changed == 0
    assert not ChangeEvent.objects.filter(matrix=matrix).exists()
    assert services.own_changes(matrix=matrix, actor=me.user) == []


def test_a_block_over_the_paste_limit_is_refused_naming_the_limit(grid, me):
    matrix, acts, roles = grid
    text = "\n".join(["R"] * 20_001)
    with pytest.raises(errors.InvalidInput, match="A paste fills at most 20,000 cells and this block has 20,001"):
        _paste(matrix, acts, roles, text, me)
    assert not ChangeEvent.objects.filter(matrix=matrix, kind="cell").exists()


def test_what_changed_since_names_at_most_a_chunk_of_ids_per_statement_however_many_cells(grid, me, ana):
    from django.db import connection

    matrix, acts, roles = grid
    since = matrix.last_seq
    _paste(matrix, acts, roles, "I", ana, row=1, column=2)
    _paste(matrix, acts, roles, "I", ana, row=3, column=0)
    # A paste and its undo may name tens of thousands of cells: here most are not in the matrix.
    cells = [(acts[1].pk, roles[2].pk)] + [(100_000 + n, roles[n % 4].pk) for n in range(40_000)]
    widest = []

    def count(execute, sql, params, many, context):
        widest.append(len(params or ()))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        found = selectors.changes_since(matrix=matrix, since=since, limit=None, cells=cells)
    assert [(e.activity_id, e.role_id) for e in found] == [(acts[1].pk, roles[2].pk)]
    assert max(widest) <= history.IN_CHUNK + 10
