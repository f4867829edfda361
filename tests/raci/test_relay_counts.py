"""The relay's warning (`idle-driver`) is a column's finding: a cell edit, a group of cells
and an undo keep the stored counts equal to a full check, as for every other rule."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from raci import services
from raci.grid import COLUMN_LETTERS
from raci.models import Activity, Cell, Column, Matrix
from raci.selectors import matrix_grid
from raci.services import matrix_recount
from tests.factories import MatrixFactory, MembershipFactory
from workspaces.models import Role
from workspaces.team_phases import phase_relay_set

PHASES = ["insight", "strategy", "build", "launch", "post_launch"]
LETTERS = ["R", "A", "AR", "C", "I", ""]

pytestmark = pytest.mark.django_db


def _relay_matrix(*, team_relay: bool):
    """PM, PMM and ENG over two activities of each lifecycle phase, every row owned by ENG:
    PM and PMM drive phases where they hold no A and no R. With `team_relay`, the workspace's
    own relay is stored (Launch is driven by ENG, Build by PMM)."""
    member = MembershipFactory(access="editor")
    workspace = member.workspace
    matrix = MatrixFactory(workspace=workspace, name="Relay", slug="relay")
    roles = [Role.objects.create(workspace=workspace, code=code, name=code) for code in ("PM", "PMM", "ENG")]
    if team_relay:
        phase_relay_set(workspace=workspace, phase_key="launch", driver="ENG", navigator="PMM")
        phase_relay_set(workspace=workspace, phase_key="build", driver="PMM", navigator="PM")
    Column.objects.bulk_create([Column(matrix=matrix, role=r, order=i) for i, r in enumerate(roles)])
    acts = Activity.objects.bulk_create(
        [
            Activity(matrix=matrix, name=f"{p} {i}", phase=p, order=n)
            for n, (p, i) in enumerate((p, i) for p in PHASES for i in range(2))
        ]
    )
    Cell.objects.bulk_create(
        [Cell(activity=a, role=roles[2], value="AR", version=1) for a in acts]
        + [Cell(activity=a, role=roles[0], value="C", version=1) for a in acts]
    )
    matrix_recount(matrix)
    return member, Matrix.objects.select_related("workspace").get(pk=matrix.pk), acts, roles


def _assert_counts_of_a_full_check(matrix):
    matrix.refresh_from_db()
    grid = matrix_grid(matrix=matrix)
    assert matrix.counts == grid.counts
    return grid


def test_the_relay_matrix_starts_with_idle_drivers():
    member, matrix, acts, roles = _relay_matrix(team_relay=False)
    grid = _assert_counts_of_a_full_check(matrix)
    assert sorted(f.role for f in grid.findings if f.rule == "idle-driver") == sorted([roles[0].pk, roles[1].pk])


@pytest.mark.parametrize("team_relay", [False, True])
def test_an_edit_that_gives_a_driver_its_phase_clears_the_warning_in_the_stored_counts(team_relay):
    member, matrix, acts, roles = _relay_matrix(team_relay=team_relay)
    before = matrix.warnings
    # PM drives Strategy (split) and, by the lifecycle, Build: an R in each clears its warning.
    for activity in (acts[2], acts[4]):
        version = Cell.objects.get(activity=activity, role=roles[0]).version
        result = services.cell_set(
            matrix=matrix,
            activity_id=activity.pk,
            role_id=roles[0].pk,
            value="R",
            expected_version=version,
            actor=member.user,
        )
        grid = _assert_counts_of_a_full_check(matrix)
        assert sorted(f.rule for f in result.column_findings) == sorted(
            f.rule for f in grid.column_findings(roles[0].pk)
        )
    assert matrix.warnings <= before


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    team_relay=st.booleans(),
    steps=st.lists(
        st.one_of(
            st.tuples(st.just("cell"), st.integers(0, 9), st.integers(0, 2), st.sampled_from(LETTERS)),
            st.tuples(
                st.just("group"),
                st.lists(
                    st.tuples(st.integers(0, 9), st.integers(0, 2), st.sampled_from(LETTERS)), min_size=1, max_size=4
                ),
            ),
            st.tuples(st.just("undo")),
        ),
        min_size=1,
        max_size=10,
    ),
)
def test_edits_groups_and_undos_keep_the_relay_counts_of_a_full_check(team_relay, steps):
    member, matrix, acts, roles = _relay_matrix(team_relay=team_relay)
    for step in steps:
        matrix = Matrix.objects.select_related("workspace").get(pk=matrix.pk)
        if step[0] == "cell":
            _, a, r, value = step
            version = Cell.objects.filter(activity=acts[a], role=roles[r]).values_list("version", flat=True).first()
            result = services.cell_set(
                matrix=matrix,
                activity_id=acts[a].pk,
                role_id=roles[r].pk,
                value=value,
                expected_version=version or 0,
                actor=member.user,
            )
            grid = _assert_counts_of_a_full_check(matrix)
            if result.column_findings is not None:
                assert sorted(f.rule for f in result.column_findings) == sorted(
                    f.rule for f in grid.column_findings(roles[r].pk)
                )
            else:
                assert value not in COLUMN_LETTERS
        elif step[0] == "group":
            changes = {(acts[a].pk, roles[r].pk): value for a, r, value in step[1]}
            services.cells_set(
                matrix=matrix,
                actor=member.user,
                label="Several",
                changes=[services.CellChange(a, r, v) for (a, r), v in changes.items()],
            )
            _assert_counts_of_a_full_check(matrix)
        else:
            try:
                services.undo_last(matrix=matrix, actor=member.user)
            except Exception as refused:  # nothing to undo, or refused: the counts still hold
                assert getattr(refused, "status", None) in (404, 409, 422)
            _assert_counts_of_a_full_check(matrix)


def test_a_count_stored_before_the_rule_existed_stops_at_zero_and_never_fails_an_edit():
    """A matrix whose stored counts predate the relay's warning (never checked whole since):
    the edit that clears the warning takes the count to zero, not below, and is saved."""
    member, matrix, acts, roles = _relay_matrix(team_relay=False)
    Matrix.objects.filter(pk=matrix.pk).update(warnings=0)
    matrix.refresh_from_db()
    version = Cell.objects.get(activity=acts[2], role=roles[0]).version
    result = services.cell_set(
        matrix=matrix,
        activity_id=acts[2].pk,
        role_id=roles[0].pk,
        value="R",
        expected_version=version,
        actor=member.user,
    )
    assert result.changed and result.counts["warning"] == 0
    services.cells_set(
        matrix=matrix, actor=member.user, label="Launch", changes=[services.CellChange(acts[6].pk, roles[1].pk, "R")]
    )
    matrix.refresh_from_db()
    assert (matrix.warnings, Cell.objects.get(activity=acts[6], role=roles[1]).value) == (0, "R")
