from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import errors as core_errors
from raci import rules, services
from raci.models import Cell, ChangeEvent, Matrix
from raci.selectors import COLUMN_LETTERS, matrix_grid
from tests.factories import MembershipFactory, build_matrix
from workspaces import services as workspaces_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    member = MembershipFactory(access="editor")
    matrix, acts, roles = build_matrix(member.workspace, activities=3, roles=3)
    return member, matrix, acts, roles


def test_setting_a_cell_bumps_its_version_and_records_the_change(setup):
    member, matrix, acts, roles = setup
    result = services.cell_set(
        matrix=matrix, activity_id=acts[0].pk, role_id=roles[1].pk, value="R", expected_version=1, actor=member.user
    )
    assert (result.value, result.version, result.changed) == ("R", 2, True)
    event = ChangeEvent.objects.get(matrix=matrix)
    assert (event.seq, event.kind, event.before, event.after, event.actor) == (1, "cell", "C", "R", member.user)
    matrix.refresh_from_db()
    assert matrix.last_seq == 1


def test_an_empty_cell_starts_at_version_zero(setup):
    member, matrix, acts, roles = setup
    Cell.objects.filter(activity=acts[0], role=roles[2]).delete()
    result = services.cell_set(
        matrix=matrix, activity_id=acts[0].pk, role_id=roles[2].pk, value="i", expected_version=0, actor=member.user
    )
    assert Cell.objects.get(activity=acts[0], role=roles[2]).value == "I"
    assert result.version == 1


def test_a_stale_version_is_refused_and_nothing_is_saved(setup):
    member, matrix, acts, roles = setup
    with pytest.raises(core_errors.StaleEdit) as caught:
        services.cell_set(
            matrix=matrix, activity_id=acts[0].pk, role_id=roles[1].pk, value="A", expected_version=0, actor=member.user
        )
    assert (caught.value.value, caught.value.version) == ("C", 1)
    assert Cell.objects.get(activity=acts[0], role=roles[1]).value == "C"
    assert not ChangeEvent.objects.exists()
    matrix.refresh_from_db()
    assert matrix.last_seq == 0


def test_clearing_keeps_the_row_so_the_version_keeps_counting(setup):
    member, matrix, acts, roles = setup
    services.cell_set(
        matrix=matrix, activity_id=acts[0].pk, role_id=roles[1].pk, value="", expected_version=1, actor=member.user
    )
    cell = Cell.objects.get(activity=acts[0], role=roles[1])
    assert (cell.value, cell.version) == ("", 2)
    services.cell_set(
        matrix=matrix, activity_id=acts[0].pk, role_id=roles[1].pk, value="C", expected_version=2, actor=member.user
    )
    assert Cell.objects.get(activity=acts[0], role=roles[1]).version == 3


def test_setting_the_same_value_records_nothing(setup):
    member, matrix, acts, roles = setup
    result = services.cell_set(
        matrix=matrix, activity_id=acts[0].pk, role_id=roles[1].pk, value="C", expected_version=1, actor=member.user
    )
    assert not result.changed
    assert not ChangeEvent.objects.exists()


def test_a_cell_of_another_matrix_is_not_found(setup):
    member, matrix, acts, roles = setup
    other, other_acts, other_roles = build_matrix(member.workspace, activities=1, roles=1, name="Other")
    with pytest.raises(core_errors.NotFound):
        services.cell_set(
            matrix=matrix,
            activity_id=other_acts[0].pk,
            role_id=roles[0].pk,
            value="R",
            expected_version=0,
            actor=member.user,
        )
    with pytest.raises(core_errors.NotFound):
        services.cell_set(
            matrix=matrix,
            activity_id=acts[0].pk,
            role_id=other_roles[0].pk,
            value="R",
            expected_version=0,
            actor=member.user,
        )


def test_the_result_carries_fresh_findings(setup):
    member, matrix, acts, roles = setup
    result = services.cell_set(
        matrix=matrix, activity_id=acts[0].pk, role_id=roles[1].pk, value="A", expected_version=1, actor=member.user
    )
    assert [f.rule for f in result.row_findings] == ["multiple-accountable"]
    result = services.cell_set(
        matrix=matrix, activity_id=acts[0].pk, role_id=roles[1].pk, value="C", expected_version=2, actor=member.user
    )
    assert result.row_findings == []


def test_sequence_numbers_are_gap_free_across_kinds_of_change(setup):
    member, matrix, acts, roles = setup
    services.cell_set(
        matrix=matrix, activity_id=acts[0].pk, role_id=roles[1].pk, value="I", expected_version=1, actor=member.user
    )
    with pytest.raises(core_errors.StaleEdit):
        services.cell_set(
            matrix=matrix, activity_id=acts[0].pk, role_id=roles[1].pk, value="R", expected_version=1, actor=member.user
        )
    services.activity_add(matrix=matrix, name="Battlecards", phase="launch", actor=member.user)
    assert list(ChangeEvent.objects.filter(matrix=matrix).values_list("seq", flat=True)) == [1, 2]


def test_stored_counts_follow_every_kind_of_change(setup):
    """The counts a cell edit answers with are kept incrementally; after any mix of
    writes they equal a full check of the matrix."""
    import random

    from tests.factories import MembershipFactory

    member, matrix, acts, roles = setup
    rng = random.Random(7)

    def check():
        matrix.refresh_from_db()
        assert matrix.counts == matrix_grid(matrix=matrix).counts

    check()
    for _ in range(150):
        a, r = rng.choice(acts), rng.choice(roles)
        version = Cell.objects.filter(activity=a, role=r).values_list("version", flat=True).first() or 0
        services.cell_set(
            matrix=matrix,
            activity_id=a.pk,
            role_id=r.pk,
            value=rng.choice(["", "R", "A", "AR", "C", "I"]),
            expected_version=version,
            actor=member.user,
        )
        check()
    extra = services.activity_add(matrix=matrix, name="Empty one", actor=member.user)
    check()
    services.activity_split(
        matrix=matrix, activity_id=acts[0].pk, input_role_id=roles[0].pk, outcome_role_id=roles[1].pk, actor=member.user
    )
    check()
    services.column_remove(matrix=matrix, role_id=roles[0].pk, actor=member.user)
    check()
    services.column_add(matrix=matrix, role_id=roles[0].pk, actor=member.user)
    check()
    other = MembershipFactory(workspace=member.workspace)
    workspaces_services.role_holders_set(workspace=member.workspace, role_id=roles[0].pk, membership_ids=[other.pk])
    workspaces_services.role_holders_set(workspace=member.workspace, role_id=roles[1].pk, membership_ids=[other.pk])
    check()
    assert matrix.infos >= 1
    workspaces_services.membership_remove(
        membership=other,
        actor=member.user,
        handover={f"role:{roles[0].pk}": member.pk, f"role:{roles[1].pk}": member.pk},
    )
    check()
    services.matrix_update(
        matrix=matrix,
        name=matrix.name,
        description="",
        max_responsible=1,
        max_consulted=1,
        overload_min_activities=1,
        review_cadence_days=None,
        actor=member.user,
    )
    check()
    services.activity_delete(matrix=matrix, activity_id=extra.pk, actor=member.user)
    check()


def test_an_edit_worked_out_on_a_matrix_read_before_another_write_lands_after_it(setup):
    """The one-statement write only applies at the sequence the matrix was read at; when
    another write came first, the edit is worked out again under the matrix's lock."""
    from raci.models import Matrix

    member, matrix, acts, roles = setup
    read_early = Matrix.objects.get(pk=matrix.pk)
    services.cell_set(
        matrix=matrix, activity_id=acts[0].pk, role_id=roles[1].pk, value="A", expected_version=1, actor=member.user
    )
    result = services.cell_set(
        matrix=read_early, activity_id=acts[0].pk, role_id=roles[2].pk, value="A", expected_version=1, actor=member.user
    )
    assert result.changed and read_early.last_seq == 2
    assert list(ChangeEvent.objects.filter(matrix=matrix).order_by("seq").values_list("seq", "role_id_ref")) == [
        (1, roles[1].pk),
        (2, roles[2].pk),
    ]
    matrix.refresh_from_db()
    assert matrix.counts == matrix_grid(matrix=matrix).counts == result.counts


def test_a_new_cell_set_on_a_matrix_read_before_another_write_is_stale_when_that_write_made_it(setup):
    from raci.models import Matrix

    member, matrix, acts, roles = setup
    Cell.objects.filter(activity=acts[0], role=roles[2]).delete()
    read_early = Matrix.objects.get(pk=matrix.pk)
    services.cell_set(
        matrix=matrix, activity_id=acts[0].pk, role_id=roles[2].pk, value="R", expected_version=0, actor=member.user
    )
    with pytest.raises(core_errors.StaleEdit):
        services.cell_set(
            matrix=read_early,
            activity_id=acts[0].pk,
            role_id=roles[2].pk,
            value="C",
            expected_version=0,
            actor=member.user,
        )
    assert Cell.objects.get(activity=acts[0], role=roles[2]).value == "R"
    assert ChangeEvent.objects.filter(matrix=matrix).count() == 1


LETTERS = ["R", "A", "AR", "C", "I", ""]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    edits=st.lists(st.tuples(st.integers(0, 8), st.integers(0, 3), st.sampled_from(LETTERS)), min_size=1, max_size=12)
)
def test_an_edit_that_reads_no_column_keeps_the_counts_and_the_column_as_a_full_check_finds_them(db_matrix, edits):
    """Edits between C, I and empty read no column: its findings cannot change. Whatever
    the edits, the stored counts equal a full check, and a column's findings, when the
    edit gives them, are the full check's."""
    member, matrix, acts, roles = db_matrix
    for a, r, value in edits:
        matrix.refresh_from_db()
        before, version = Cell.objects.filter(activity=acts[a], role=roles[r]).values_list(
            "value", "version"
        ).first() or ("", 0)
        result = services.cell_set(
            matrix=matrix,
            activity_id=acts[a].pk,
            role_id=roles[r].pk,
            value=value,
            expected_version=version,
            actor=member.user,
        )
        grid = matrix_grid(matrix=matrix)
        assert matrix.counts == grid.counts
        full = sorted(f.rule for f in grid.column_findings(roles[r].pk))
        if result.column_findings is None:
            assert before not in COLUMN_LETTERS and value not in COLUMN_LETTERS
        else:
            assert sorted(f.rule for f in result.column_findings) == full


ACCEPT = "accept"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    steps=st.lists(
        st.one_of(
            st.tuples(st.integers(0, 8), st.integers(0, 3), st.sampled_from(LETTERS)),
            st.tuples(st.just(ACCEPT), st.integers(0, 50), st.just("")),
        ),
        min_size=1,
        max_size=14,
    )
)
def test_counts_kept_by_edits_equal_a_full_check_with_findings_accepted_on_purpose(db_matrix, steps):
    """Findings accepted on purpose leave the counts while their row or column keeps its
    letters: whatever the edits and acceptances, the stored counts (and how many are
    accepted) equal a full check's, and an edit's row and column findings are its."""
    member, matrix, acts, roles = db_matrix
    for a, r, value in steps:
        matrix = Matrix.objects.select_related("workspace").get(pk=matrix.pk)
        if a == ACCEPT:
            open_ = [f for f in matrix_grid(matrix=matrix).findings if f.severity != "error"]
            if open_:
                finding = open_[r % len(open_)]
                services.finding_acknowledge(
                    matrix=matrix,
                    ref=services.FindingRef(finding.rule, finding.activity, finding.role, finding.person),
                    reason="On purpose.",
                    review_on=None,
                    actor=member.user,
                )
            continue
        version = Cell.objects.filter(activity=acts[a], role=roles[r]).values_list("version", flat=True).first()
        result = services.cell_set(
            matrix=matrix,
            activity_id=acts[a].pk,
            role_id=roles[r].pk,
            value=value,
            expected_version=version or 0,
            actor=member.user,
        )
        grid = matrix_grid(matrix=matrix)
        assert matrix.counts == grid.counts
        assert matrix.acknowledged_count == len(grid.accepted)
        assert sorted(f.rule for f in result.row_findings) == sorted(f.rule for f in grid.row_findings(acts[a].pk))
        if result.column_findings is not None:
            full = sorted(f.rule for f in grid.column_findings(roles[r].pk))
            assert sorted(f.rule for f in result.column_findings) == full
    stored = Matrix.objects.get(pk=matrix.pk)
    assert stored.counts == matrix_grid(matrix=matrix).counts


UNDO = "undo"


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    steps=st.lists(
        st.one_of(
            st.lists(st.tuples(st.integers(0, 8), st.integers(0, 3), st.sampled_from(LETTERS)), min_size=1, max_size=6),
            st.tuples(st.just(ACCEPT), st.integers(0, 50)),
            st.just(UNDO),
        ),
        min_size=1,
        max_size=10,
    )
)
def test_many_cells_as_one_group_and_their_undos_keep_the_counts_a_full_check_finds(db_matrix, steps):
    """A group of a few cells (a settlement, a fix, a reset) moves the counts by the cells'
    rows and columns without checking the matrix whole; whatever the groups, acceptances
    and undos, the stored counts (and how many are accepted) equal a full check's."""
    member, matrix, acts, roles = db_matrix
    for step in steps:
        matrix = Matrix.objects.select_related("workspace").get(pk=matrix.pk)
        if step == UNDO:
            try:
                services.undo_last(matrix=matrix, actor=member.user)
            except core_errors.InvalidInput:
                continue  # nothing left to undo
        elif step[0] == ACCEPT:
            open_ = [f for f in matrix_grid(matrix=matrix).findings if f.severity != "error"]
            if not open_:
                continue
            finding = open_[step[1] % len(open_)]
            services.finding_acknowledge(
                matrix=matrix,
                ref=services.FindingRef(finding.rule, finding.activity, finding.role, finding.person),
                reason="On purpose.",
                review_on=None,
                actor=member.user,
            )
        else:
            changes = [services.CellChange(acts[a].pk, roles[r].pk, value) for a, r, value in step]
            with mock.patch.object(rules, "check", side_effect=AssertionError("the whole matrix was checked")):
                services.cells_set(matrix=matrix, changes=changes, actor=member.user, label="Some cells")
        stored = Matrix.objects.get(pk=matrix.pk)
        grid = matrix_grid(matrix=stored)
        assert stored.counts == grid.counts
        assert stored.acknowledged_count == len(grid.accepted)


def test_many_cells_past_the_bound_are_counted_by_a_full_check(db_matrix, monkeypatch):
    member, matrix, acts, roles = db_matrix
    monkeypatch.setattr(services.cells, "COUNT_AROUND_MAX", 3)
    changes = [services.CellChange(a.pk, roles[1].pk, "A") for a in acts[:4]]
    checked = []
    check = rules.check
    monkeypatch.setattr(rules, "check", lambda *args, **kwargs: checked.append(1) or check(*args, **kwargs))
    services.cells_set(matrix=matrix, changes=changes, actor=member.user, label="Four cells")
    assert checked
    matrix.refresh_from_db()
    assert matrix.counts == matrix_grid(matrix=matrix).counts


@pytest.fixture
def db_matrix():
    member = MembershipFactory(access="editor")
    # Nine activities: enough for the column rules (idle and overloaded roles) to apply.
    matrix, acts, roles = build_matrix(member.workspace, activities=9, roles=4)
    return member, matrix, acts, roles
