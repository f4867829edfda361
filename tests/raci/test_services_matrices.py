"""Matrices as a whole: replacing a matrix's contents (what an import saves)."""

import pytest

from raci import services
from raci.models import Activity, Cell, ChangeEvent, Column
from raci.selectors import matrix_grid
from raci.tabular import ActivitySpec
from tests.factories import MembershipFactory, build_matrix

pytestmark = pytest.mark.django_db


def test_replacing_contents_swaps_rows_and_columns_and_records_one_import():
    member = MembershipFactory(access="editor")
    matrix, _, roles = build_matrix(member.workspace, activities=3, roles=2)
    seq = matrix.last_seq
    rows = [
        ActivitySpec(name="Naming", phase="launch", letters={0: "AR", 1: "C"}),
        ActivitySpec(name="Pricing", phase="", letters={1: "A"}),
    ]
    services.matrix_contents_replace(
        matrix=matrix, roles=[roles[1], roles[0]], activities=rows, actor=member.user, source="n.csv"
    )
    assert list(Activity.objects.filter(matrix=matrix).values_list("name", flat=True)) == ["Naming", "Pricing"]
    assert list(Column.objects.filter(matrix=matrix).values_list("role_id", flat=True)) == [roles[1].pk, roles[0].pk]
    assert Cell.objects.get(activity__name="Naming", role=roles[1]).value == "AR"
    assert Cell.objects.get(activity__name="Pricing", role=roles[0]).value == "A"
    event = ChangeEvent.objects.get(matrix=matrix, kind="import")
    assert event.seq == seq + 1 and event.target == "n.csv"
    assert event.before["activities"] == 3 and event.after == dict(event.after, activities=2, file="n.csv")
    matrix.refresh_from_db()
    assert matrix.counts == matrix_grid(matrix=matrix).counts


def test_a_fresh_matrix_records_no_shape_before_and_reports_progress():
    member = MembershipFactory(access="editor")
    matrix = services.matrix_create(workspace=member.workspace, name="New", actor=member.user)
    role = build_matrix(member.workspace, activities=1, roles=1, name="Other")[2][0]
    heard = []
    services.matrix_contents_replace(
        matrix=matrix,
        roles=[role],
        activities=[ActivitySpec("X", "", letters={0: "AR"})],
        actor=member.user,
        source="x.csv",
        fresh=True,
        progress=heard.append,
    )
    assert ChangeEvent.objects.get(matrix=matrix, kind="import").before is None
    assert heard[0] == 10 and heard[-1] == 95
